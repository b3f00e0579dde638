"""``--format json``: one object ``{"files": [{"path", "error", "findings": [...]}]}``.

This is a contract that other tools rely on; fields are documented in the README.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..model import DocumentMeta, Finding

__all__ = ["JsonReporter"]


class JsonReporter:
    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        self._out = out
        self._first = True

    def begin(self) -> None:
        self._out.write('{"files": [')

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        kept: list[Finding] = []
        self._out.write("\n" if self._first else ",\n")
        self._first = False
        head = json.dumps({"path": path, "error": error}, ensure_ascii=False)[:-1]
        self._out.write(head + ', "findings": [')
        for i, finding in enumerate(findings):
            kept.append(finding)
            self._out.write(("\n  " if i == 0 else ",\n  ") + json.dumps(finding.to_dict(), ensure_ascii=False))
        self._out.write("]}")
        return kept

    def end(self) -> None:
        self._out.write("\n]}\n")
