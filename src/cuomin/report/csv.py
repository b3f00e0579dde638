"""``--format csv``: one row per finding, for scripts and spreadsheets.

Columns (English names, UTF-8 without BOM, ``\\n`` line ends): see :data:`COLUMNS`.
Several suggestions are joined with ``|``. An input that could not be checked gives one
row with only ``path`` and ``error``. For Excel users the ``xlsx`` format is friendlier.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Final, TextIO

from ..model import DocumentMeta, Finding

__all__ = ["CsvReporter", "COLUMNS"]

COLUMNS: Final = (
    "path",
    "line",
    "column",
    "start",
    "end",
    "code",
    "severity",
    "category",
    "match",
    "suggestions",
    "explanation",
    "context",
    "location",
    "layer",
    "entry",
    "error",
)


class CsvReporter:
    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        self._out = out
        self._writer = csv.writer(out, lineterminator="\n")

    def begin(self) -> None:
        self._writer.writerow(COLUMNS)

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        if error is not None:
            self._writer.writerow([path] + [""] * (len(COLUMNS) - 2) + [error])
        kept: list[Finding] = []
        for f in findings:
            kept.append(f)
            self._writer.writerow(
                [
                    path,
                    f.line,
                    f.column,
                    f.start,
                    f.end,
                    f.code,
                    f.severity.value,
                    f.category.value,
                    f.match,
                    "|".join(f.suggestions),
                    f.explanation,
                    f.context,
                    "" if f.location is None else f.location.describe(),
                    f.layer,
                    f.entry,
                    "",
                ]
            )
        return kept

    def end(self) -> None:
        self._out.flush()
