"""The one exception tree of cuomin.

Every error that cuomin raises on purpose derives from :class:`CuominError`.
Messages are written for the person who has to fix the problem, in Chinese.

::

    CuominError
    ├── ConfigError           bad options, unknown rule codes, bad configuration file
    ├── DictionaryError       a dictionary layer cannot be loaded
    │   └── DictionaryFormatError   a malformed line: carries path and line number
    ├── InputError            an input cannot be read or decoded
    └── RuleError             a rule plug-in is broken
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CuominError",
    "ConfigError",
    "DictionaryError",
    "DictionaryFormatError",
    "InputError",
    "RuleError",
]


class CuominError(Exception):
    """Base class of every error cuomin raises on purpose."""


class ConfigError(CuominError):
    """Options or configuration are wrong (exit code 2 in the CLI)."""


class DictionaryError(CuominError):
    """A dictionary layer or stack cannot be loaded."""


class DictionaryFormatError(DictionaryError):
    """A malformed line in a dictionary file."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.detail = message
        super().__init__(f"{self.path}:{line}: {message}")


class InputError(CuominError):
    """An input (file, bytes, stream) cannot be read or decoded."""


class RuleError(CuominError):
    """A rule plug-in is broken: bad code, failed to load, raised while checking."""
