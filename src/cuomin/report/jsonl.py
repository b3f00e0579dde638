"""``--format jsonl``: one JSON object per line, written as each finding arrives.

A finding's line is ``{"path": ..., **finding.to_dict()}`` (the fields of the JSON
contract); an input that could not be checked gives ``{"path": ..., "error": "..."}``.
Lines are flushed after every input, so a consumer sees results while a scan runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..model import DocumentMeta, Finding

__all__ = ["JsonlReporter"]


class JsonlReporter:
    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        self._out = out

    def begin(self) -> None:
        pass

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        write = self._out.write
        if error is not None:
            write(json.dumps({"path": path, "error": error}, ensure_ascii=False) + "\n")
        kept: list[Finding] = []
        for finding in findings:
            kept.append(finding)
            write(json.dumps({"path": path, **finding.to_dict()}, ensure_ascii=False) + "\n")
        self._out.flush()
        return kept

    def end(self) -> None:
        self._out.flush()
