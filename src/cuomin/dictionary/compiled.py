"""Compile a merged stack into one Aho-Corasick automaton, cache it on disk, scan text.

The automaton (pyahocorasick) does not see the text's characters directly: every
character that occurs in some key gets a dense rank, written as two symbols from two small
disjoint alphabets (a "high" and a "low" symbol), and every other character becomes one
"other" pair that no key contains. pyahocorasick looks up a node's children by linear
search, so small alphabets make each step cheap; because keys start with a high symbol and
end with a low one, matches can only begin and end on character boundaries. Ranks follow
character frequency in ordinary Chinese (jieba's word list), so that the most frequent
characters are found first among a node's children.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import itertools
import logging
import marshal
import math
import os
import pickle
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast, overload

import ahocorasick
import numpy as np
import numpy.typing as npt

from ..cachedir import cached_marshal, default_cache_dir
from ..errors import DictionaryError
from ..normalize import Normalized, Normalizer, default_normalizer
from .layers import LayerManifest, resolve_stack, stack_fingerprint
from .memo import CompileMemo
from .merge import MergedStack, Retraction, merge_layers
from .records import Entry, EntryRow, entry_from_row, entry_to_row

__all__ = ["CompiledDictionary", "EntryTable", "KeyInfo", "LayerInfo", "load_dictionary", "compile_stack", "default_cache_dir"]

log = logging.getLogger(__name__)

#: Bump when the compiled format or the compile logic changes.
COMPILER_VERSION: Final = "2"
_MAX_CODE: Final = 0x110000
_HIGH0: Final = 1  # first symbol of the high alphabet (0 is never used)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """One key of the automaton: a term of some entries and/or an allow phrase."""

    text: str  # normalised
    length: int  # in normalised characters
    hits: tuple[int, ...]  # entries whose term this is
    allows: tuple[int, ...]  # entries this phrase is an allow phrase of
    allow_any: bool  # a layer-wide allow phrase


@dataclass(frozen=True, slots=True)
class LayerInfo:
    name: str
    level: str
    version: str
    authority: str
    path: str


@functools.lru_cache(maxsize=1)
def _char_frequencies() -> Counter[int]:
    """Character frequencies from jieba's word list (read as a file, jieba not imported).

    Reading the 350,000 lines takes about a second, which every compile (a reload of the
    server, a rescan after a dictionary change) would pay: the counts are kept in the cuomin
    cache folder, keyed by the word list's size and modification time."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return Counter()
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    try:
        stat = path.stat()
    except OSError:
        return Counter()

    def count() -> dict[int, int]:
        counts: Counter[int] = Counter()
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split(" ", 2)
                if len(parts) >= 2 and parts[1].isdigit():
                    weight = int(parts[1])
                    for ch in parts[0]:
                        counts[ord(ch)] += weight
        return dict(counts)

    key = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:24]
    return Counter(cached_marshal(default_cache_dir() / f"char-frequencies-{key}.marshal", count))


class EntryTable(Sequence[Entry]):
    """The entries of a compiled stack, materialised one by one on first access (a warm
    load of 50,000 entries must not build 50,000 objects that matching never touches).
    Rows are kept either as tuples or, as loaded from the cache, as one marshal blob each."""

    __slots__ = ("_rows", "_cache")

    def __init__(self, rows: Sequence[EntryRow | bytes]) -> None:
        self._rows = rows
        self._cache: dict[int, Entry] = {}

    def row(self, index: int) -> EntryRow:
        row = self._rows[index]
        return marshal.loads(row) if isinstance(row, bytes) else row

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._rows)))]
        if index < 0:
            index += len(self._rows)
        entry = self._cache.get(index)
        if entry is None:
            entry = self._cache[index] = entry_from_row(self.row(index))
        return entry


class CompiledDictionary:
    """A stack of layers compiled for matching. Immutable and safe to share between threads.

    Keys are described by parallel tables indexed by key number: ``key_text``,
    ``key_length``, ``key_hits`` (entry indexes whose term the key is), ``key_allows``
    (entry indexes the key is an allow phrase of) and ``key_allow_any`` (a layer-wide allow
    phrase).
    """

    def __init__(
        self,
        *,
        rows: Sequence[EntryRow | bytes],
        ids: Sequence[str],
        key_text: Sequence[str],
        key_hits: Sequence[tuple[int, ...]],
        key_allows: Sequence[tuple[int, ...]],
        key_allow_any: Sequence[bool],
        rank_codes: npt.NDArray[np.uint32],
        automaton: ahocorasick.Automaton,
        layers: tuple[LayerInfo, ...],
        retractions: tuple[Retraction, ...],
        fingerprint: str,
        normalizer: Normalizer,
    ) -> None:
        self._ids = ids
        self.entries = EntryTable(rows)
        self.key_text = key_text
        self.key_length = [len(t) for t in key_text]
        self.key_hits = key_hits
        self.key_allows = key_allows
        self.key_allow_any = key_allow_any
        self.layers = layers
        self.retractions = retractions
        self.fingerprint = fingerprint
        self.normalizer = normalizer
        self._automaton = automaton
        self._rank_codes = rank_codes
        self._keys: tuple[KeyInfo, ...] | None = None
        n = int(rank_codes.shape[0])
        self._base = base = max(2, math.isqrt(n) + 1)  # base*base > n: room for "other"
        self._wide = 2 * base + _HIGH0 > 255
        dtype = np.uint16 if self._wide else np.uint8
        if self._wide and 2 * base + _HIGH0 >= 0xD800:
            raise DictionaryError("词库字符过多，无法编译")
        low0 = _HIGH0 + base
        ranks = np.arange(n, dtype=np.int64)
        self._high = np.full(_MAX_CODE, _HIGH0 + n // base, dtype=dtype)
        self._low = np.full(_MAX_CODE, low0 + n % base, dtype=dtype)
        self._high[rank_codes] = (_HIGH0 + ranks // base).astype(dtype)
        self._low[rank_codes] = (low0 + ranks % base).astype(dtype)

    # -- identity -------------------------------------------------------------------------
    @property
    def version(self) -> str:
        """``national@2026.11+city@3 #1a2b3c4d``: layer versions and content hash."""
        layers = "+".join(f"{layer.name}@{layer.version or '?'}" for layer in self.layers)
        return f"{layers} #{self.fingerprint[:8]}"

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def keys(self) -> tuple[KeyInfo, ...]:
        """Every key as a KeyInfo (built on first use; matching uses the parallel tables)."""
        if self._keys is None:
            self._keys = tuple(
                KeyInfo(t, len(t), self.key_hits[i], self.key_allows[i], self.key_allow_any[i])
                for i, t in enumerate(self.key_text)
            )
        return self._keys

    def entry(self, entry_id: str) -> Entry | None:
        for i, eid in enumerate(self._ids):
            if eid == entry_id:
                return self.entries[i]
        return None

    # -- matching -------------------------------------------------------------------------
    def encode(self, codes: npt.NDArray[np.uint32]) -> str:
        """Two automaton symbols per normalised character."""
        out = np.empty(2 * codes.shape[0], dtype=self._high.dtype)
        out[0::2] = self._high[codes]
        out[1::2] = self._low[codes]
        if self._wide:
            return out.astype("<u2").tobytes().decode("utf-16-le")
        return out.tobytes().decode("latin-1")

    def scan(self, norm: Normalized) -> list[tuple[int, int, int]]:
        """Every key occurrence as ``(start, end, key_index)`` in normalised positions,
        overlapping ones included, ordered by end position."""
        if len(norm) == 0 or not self.key_text:
            return []
        length = self.key_length
        out: list[tuple[int, int, int]] = []
        for end_symbol, kid in self._automaton.iter(self.encode(norm.codes)):
            end = (end_symbol >> 1) + 1
            out.append((end - length[kid], end, kid))
        return out

    # -- persistence ----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write to ``folder`` atomically (a temporary folder renamed into place)."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        try:
            self._automaton.save(str(tmp / "automaton.bin"))  # STORE_INTS: no serializer
            table = {
                "compiler": COMPILER_VERSION,
                "ids": tuple(self._ids),
                # (rows hold only str, int, None and tuples of them: what marshal takes)
                "rows": tuple(marshal.dumps(cast(Any, self.entries.row(i))) for i in range(len(self._ids))),
                "key_text": tuple(self.key_text),
                "key_hits": tuple(self.key_hits),
                "key_allows": tuple(self.key_allows),
                "key_allow_any": tuple(self.key_allow_any),
                "rank_codes": self._rank_codes.astype("<u4").tobytes(),
                "layers": tuple(dataclasses.astuple(x) for x in self.layers),
                "retractions": tuple(dataclasses.astuple(x) for x in self.retractions),
                "fingerprint": self.fingerprint,
            }
            (tmp / "table.marshal").write_bytes(marshal.dumps(table))
            try:
                os.replace(tmp, folder)
            except OSError:  # another process got there first: theirs is as good
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: Path, normalizer: Normalizer) -> CompiledDictionary:
        table = marshal.loads((folder / "table.marshal").read_bytes())
        if table.get("compiler") != COMPILER_VERSION:
            raise ValueError("compiled with another version")
        automaton = ahocorasick.load(str(folder / "automaton.bin"), pickle.loads)
        return cls(
            rows=table["rows"],
            ids=table["ids"],
            key_text=table["key_text"],
            key_hits=table["key_hits"],
            key_allows=table["key_allows"],
            key_allow_any=table["key_allow_any"],
            rank_codes=np.frombuffer(table["rank_codes"], dtype="<u4").astype(np.uint32),
            automaton=automaton,
            layers=tuple(LayerInfo(*x) for x in table["layers"]),
            retractions=tuple(Retraction(*x) for x in table["retractions"]),
            fingerprint=table["fingerprint"],
            normalizer=normalizer,
        )


def compile_stack(
    merged: MergedStack, normalizer: Normalizer, fingerprint: str, memo: CompileMemo | None = None
) -> CompiledDictionary:
    """Build the automaton and the key table for a merged stack (normalised keys taken from
    ``memo`` where it has them)."""
    hits: dict[str, list[int]] = {}
    allows: dict[str, list[int]] = {}
    allow_any: set[str] = set()

    def norm_key(phrase: str, where: str) -> str:
        key = memo.normalize_term(normalizer, phrase) if memo else normalizer.normalize_term(phrase)
        if not key:
            raise DictionaryError(f"{where}: “{phrase}”规范化后为空（只有空白或分隔符）")
        return key

    for index, entry in enumerate(merged.entries):
        term = norm_key(entry.term, entry.source)
        hits.setdefault(term, []).append(index)
        for phrase in entry.allow:
            key = norm_key(phrase, entry.source)
            if term not in key:
                raise DictionaryError(
                    f"{entry.source}: 放行短语“{phrase}”不包含词条“{entry.term}”，放行短语必须覆盖命中的词"
                )
            allows.setdefault(key, []).append(index)
    for phrase, layer in merged.allow:
        allow_any.add(norm_key(phrase, f"{layer}/allow.txt"))

    texts = sorted(set(hits) | set(allows) | allow_any)
    freq = _char_frequencies()
    joined = "".join(texts)
    ordered = sorted({ord(c) for c in set(joined)}, key=lambda c: (-freq.get(c, 0), c))
    rank_codes = np.array(ordered, dtype=np.uint32)
    # Every key's characters as ranks, all keys at once: a key's rank sequence, written as
    # big-endian bytes, sorts like the sequence itself.
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    by_code = np.argsort(rank_codes)
    ranks = by_code[np.searchsorted(rank_codes[by_code], codes)].astype(">u4").tobytes()
    ends = list(itertools.accumulate(len(t) for t in texts))
    starts = [0, *ends[:-1]]
    # Insert keys in rank order so that a node's most frequent children come first.
    order = sorted(range(len(texts)), key=lambda i: ranks[4 * starts[i] : 4 * ends[i]])
    texts = [texts[i] for i in order]
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    compiled = CompiledDictionary(
        rows=[entry_to_row(e) for e in merged.entries],
        ids=[e.id for e in merged.entries],
        key_text=texts,
        key_hits=[tuple(hits.get(t, ())) for t in texts],
        key_allows=[tuple(allows.get(t, ())) for t in texts],
        key_allow_any=[t in allow_any for t in texts],
        rank_codes=rank_codes,
        automaton=automaton,
        layers=tuple(_layer_info(m) for m in merged.layers),
        retractions=merged.retractions,
        fingerprint=fingerprint,
        normalizer=normalizer,
    )
    symbols = compiled.encode(codes) if texts else ""  # two symbols per character
    for kid, i in enumerate(order):
        automaton.add_word(symbols[2 * starts[i] : 2 * ends[i]], kid)
    if texts:
        automaton.make_automaton()
    return compiled


def _layer_info(m: LayerManifest) -> LayerInfo:
    return LayerInfo(m.name, m.level.value, m.version, m.authority, str(m.path))


def load_dictionary(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    normalizer: Normalizer | None = None,
    memo: CompileMemo | None = None,
) -> CompiledDictionary:
    """Load and compile a stack of layers (the bundled national layer when ``paths`` is empty).

    The compiled form is cached on disk under ``cache_dir`` (see :func:`default_cache_dir`),
    keyed by the content of every layer file, the normaliser version and the compiler
    version: a warm load reads two files and builds nothing. A ``memo`` kept by the caller
    between calls spares a compile the tables and phrases that have not changed since the
    last one (see :class:`~cuomin.dictionary.memo.CompileMemo`).
    """
    norm = normalizer or default_normalizer()
    chain = resolve_stack([Path(p) for p in paths] if paths else None)
    fingerprint = stack_fingerprint(chain, salt=f"{COMPILER_VERSION}|{norm.version}")
    folder = Path(cache_dir or default_cache_dir()) / "compiled" / fingerprint[:40]
    if use_cache and (folder / "table.marshal").is_file():
        try:
            return CompiledDictionary.load(folder, norm)
        except Exception as exc:  # a damaged cache is rebuilt, never trusted
            log.warning("compiled dictionary cache %s unusable (%s); rebuilding", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    merged = merge_layers(chain, memo.read_records) if memo else merge_layers(chain)
    compiled = compile_stack(merged, norm, fingerprint, memo)
    if use_cache:
        try:
            compiled.save(folder)
        except OSError as exc:
            log.warning("cannot write dictionary cache %s: %s", folder, exc)
    return compiled
