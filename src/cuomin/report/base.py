"""The reporter interface: findings arrive as a stream, one input at a time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TextIO

from ..model import DocumentMeta, Finding

__all__ = ["Reporter"]


class Reporter(Protocol):
    """``begin`` once, ``file`` per input (findings as an iterable, consumed once), ``end``
    once. A reporter writes as it goes and never needs all findings at once."""

    def __init__(self, out: TextIO, *, color: bool = False) -> None: ...

    def begin(self) -> None: ...

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        """Write one input's findings; return them (the caller counts them). ``meta`` is
        what is known about the input (title, URL, unit, column), when anything is."""
        ...

    def end(self) -> None: ...
