"""The source protocol: where a scan's documents come from."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from ..items import SourceItem, Stamped

__all__ = ["Source", "LinkedLookup"]

#: Given paths, which of them the ledger already has as part of some document.
LinkedLookup = Callable[[Sequence[str]], set[str]]


class Source(Protocol):
    """A site's documents. ``items()`` is iterated once, in the main process.

    ``exhaustive``: the source lists the whole site, so documents it no longer lists are
    gone (their findings count as removed). ``orphans()`` runs after every item was
    written to the ledger: files that no article linked to, checked on their own.
    """

    site: str
    exhaustive: bool

    def describe(self) -> str: ...

    def count(self) -> int | None: ...

    def items(self) -> Iterator[SourceItem | Stamped]: ...

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]: ...

    def close(self) -> None: ...
