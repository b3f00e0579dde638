"""Reporters: one module per output format, all consuming findings as a stream."""

from __future__ import annotations

from typing import TextIO

from ..errors import ConfigError
from .base import Reporter
from .json import JsonReporter
from .text import TextReporter

__all__ = ["Reporter", "JsonReporter", "TextReporter", "make_reporter", "FORMATS"]

FORMATS: dict[str, type] = {"text": TextReporter, "json": JsonReporter}


def make_reporter(name: str, out: TextIO, *, color: bool = False) -> Reporter:
    try:
        cls = FORMATS[name]
    except KeyError:
        raise ConfigError(f"不支持的输出格式“{name}”，可用：{'、'.join(FORMATS)}") from None
    reporter: Reporter = cls(out, color=color)
    return reporter
