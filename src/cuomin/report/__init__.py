"""Reporters: one module per output format, all consuming findings as a stream."""

from __future__ import annotations

from typing import TextIO

from ..errors import ConfigError
from .base import Reporter
from .csv import CsvReporter
from .html import HtmlReporter
from .json import JsonReporter
from .jsonl import JsonlReporter
from .sarif import SarifReporter
from .text import TextReporter
from .xlsx import XlsxReporter

__all__ = [
    "Reporter",
    "CsvReporter",
    "HtmlReporter",
    "JsonReporter",
    "JsonlReporter",
    "SarifReporter",
    "TextReporter",
    "XlsxReporter",
    "make_reporter",
    "FORMATS",
    "BINARY_FORMATS",
]

FORMATS: dict[str, type] = {
    "text": TextReporter,
    "json": JsonReporter,
    "jsonl": JsonlReporter,
    "sarif": SarifReporter,
    "csv": CsvReporter,
    "xlsx": XlsxReporter,
    "html": HtmlReporter,
}
#: Formats written as bytes: they need ``--output FILE`` or a redirected standard output.
BINARY_FORMATS = frozenset({"xlsx"})


def make_reporter(name: str, out: TextIO, *, color: bool = False) -> Reporter:
    try:
        cls = FORMATS[name]
    except KeyError:
        raise ConfigError(f"不支持的输出格式“{name}”，可用：{'、'.join(FORMATS)}") from None
    reporter: Reporter = cls(out, color=color)
    return reporter
