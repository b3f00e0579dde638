"""What a long-lived compiling process keeps from one compile to the next.

A server reloads its dictionaries after an edit that usually touches one table of one
layer. Compiling from scratch parses every table and normalises every term and allow phrase
again; a :class:`CompileMemo` passed to :func:`~cuomin.dictionary.load_dictionary` keeps
each table's parsed records (keyed by the file's path and a hash of its bytes, so an edited
file is always parsed again) and each phrase's normalised key (for one normaliser), so the
next compile redoes only what changed. The compiled result is the same with or without it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Final

from ..normalize import Normalizer
from .records import Record, read_records

__all__ = ["CompileMemo"]

#: Normalised keys kept at most (a national stack has about 10,000 terms and phrases).
_MAX_KEYS: Final = 500_000


class CompileMemo:
    """Parsed tables and normalised keys, reused between compiles. Not thread-safe: one
    compile at a time."""

    def __init__(self) -> None:
        self._tables: dict[str, tuple[bytes, tuple[Record, ...]]] = {}
        self._keys: dict[str, str] = {}
        self._normalizer_version: str | None = None
        self.tables_parsed = 0  # how many table files were parsed rather than reused

    def read_records(self, path: Path) -> tuple[Record, ...]:
        """The records of one table file: reused when its bytes are unchanged. A file with
        bad rows raises as :func:`~cuomin.dictionary.records.read_records` does, every time."""
        data = path.read_bytes()
        digest = hashlib.blake2b(data, digest_size=16).digest()
        name = str(path)
        known = self._tables.get(name)
        if known is not None and known[0] == digest:
            return known[1]
        records = tuple(read_records(path, data))
        self.tables_parsed += 1
        self._tables[name] = (digest, records)
        return records

    def normalize_term(self, normalizer: Normalizer, phrase: str) -> str:
        """``normalizer.normalize_term(phrase)``, remembered."""
        if normalizer.version != self._normalizer_version or len(self._keys) > _MAX_KEYS:
            self._keys.clear()
            self._normalizer_version = normalizer.version
        key = self._keys.get(phrase)
        if key is None:
            key = self._keys[phrase] = normalizer.normalize_term(phrase)
        return key
