"""Offset-preserving normalisation.

Text and dictionary terms go through the same normaliser, so that a term matches however
it was written: traditional or simplified characters, full-width or half-width forms,
upper or lower case, compatibility ideographs, zero-width characters and spaces inserted
between the characters of a word, separators (习-近-平, 法*轮*功) and tone-marked pinyin
annotations that mirrored pages add (關(guān)于).

Every character of the normalised text knows its index in the original text. Work is done
on numpy arrays of code points with lookup tables, so a megabyte of text costs a few
milliseconds; the index map is materialised only when characters were removed.

Nothing is joined across sentence ends or line breaks: 台。独立 never becomes 台独立.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from .cachedir import default_cache_dir

__all__ = ["Normalizer", "Normalized", "default_normalizer", "NORMALIZER_VERSION"]

#: Bump when the normalisation changes in a way that changes any output.
NORMALIZER_VERSION: Final = "1"

_MAX_CODE: Final = 0x110000

# Deleted wherever they occur (decided on folded code points).
_NOISE_CODES: Final = (
    [0x00, 0x09, 0x20, 0xA0, 0xAD, 0x034F, 0x1680, 0x180E, 0x202F, 0x205F, 0x3000, 0xFEFF]
    + list(range(0x01, 0x09))
    + [0x0E, 0x0F] + list(range(0x10, 0x20))
    + list(range(0x2000, 0x200B))  # en quad .. hair space
    + list(range(0x200B, 0x2010))  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    + list(range(0x202A, 0x202F))  # bidi embeddings
    + list(range(0x2060, 0x2065))  # word joiner, invisible operators
    + list(range(0xFE00, 0xFE10))  # variation selectors
    + list(range(0xE0100, 0xE01F0))
)
# Deleted only in a run between two CJK characters: 习-近-平, 法*轮*功, 习 · 近平.
_SEPARATOR_CHARS: Final = "*-_.·•/\\|~#+=^`'\"・‧∙⋅"
_CJK_RANGES: Final = (
    (0x3400, 0x4DC0),
    (0x4E00, 0xA000),
    (0xF900, 0xFB00),
    (0x20000, 0x2FA20),
    (0x30000, 0x31350),
)
# Code point ranges where NFKC or lower-casing can change a character (the rest of the
# Unicode space is left as it is, which keeps building the tables fast).
_FOLD_SCAN_RANGES: Final = (
    (0x0000, 0x3400),
    (0xA000, 0xAC00),
    (0xD7B0, 0x10000),
    (0x10400, 0x10C00),
    (0x1D400, 0x1D800),
    (0x1E900, 0x1E960),
    (0x1F100, 0x1F300),
    (0x2F800, 0x2FA20),
)
_TONE_LETTERS: Final = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_TONE_RE: Final = re.compile(f"[{_TONE_LETTERS}]")
_PINYIN_RE: Final = re.compile(
    rf"[(（](?=[a-zü]*[{_TONE_LETTERS}])[a-zü{_TONE_LETTERS}]{{1,7}}[)）]"
)

# Character classes (bits of _Tables.classes, indexed by folded code point).
_NOISE: Final = 1
_SEPARATOR: Final = 2
_CJK: Final = 4
_TONE: Final = 8  # a tone-marked pinyin letter: look for annotations
_RUNNABLE: Final = _NOISE | _SEPARATOR

_UInt32Array = npt.NDArray[np.uint32]
_IntpArray = npt.NDArray[np.intp]
_BoolArray = npt.NDArray[np.bool_]


def _opencc_dir() -> Path:
    import opencc  # opencc-python-reimplemented ships the OpenCC dictionary files

    return Path(opencc.__file__).parent / "dictionary"


# Traditional forms that GB2312 happens to contain but simplified text does not use for
# the same word: folded anyway. Every other GB2312 character is a simplified character in
# its own right and is never folded (著 stays 著, not 着; 乾坤 stays 乾坤; 蒜薹 stays 蒜薹).
_FOLD_EVEN_IF_GB2312: Final = frozenset("後於徵夥麽甯菸醣麴摺榘")


def _foldable(code: int) -> bool:
    ch = chr(code)
    if ch in _FOLD_EVEN_IF_GB2312:
        return True
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _read_char_table(path: Path) -> dict[int, int]:
    """Single-character mappings of an OpenCC dictionary file: first candidate wins."""
    table: dict[int, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            key, _, values = line.rstrip("\n").partition("\t")
            target = values.split(" ", 1)[0]
            if len(key) == 1 and len(target) == 1 and key != target:
                table[ord(key)] = ord(target)
    return table


class _Tables:
    """The lookup tables, indexed by code point: built once, then loaded from the cache."""

    __slots__ = ("fold", "classes", "digest")

    def __init__(self, fold: _UInt32Array, classes: npt.NDArray[np.uint8], digest: str) -> None:
        self.fold = fold
        self.classes = classes
        self.digest = digest

    @staticmethod
    def _source_key() -> str:
        """Everything the tables are built from: this module, Unicode, OpenCC's files."""
        h = hashlib.sha256(Path(__file__).read_bytes())
        h.update(unicodedata.unidata_version.encode())
        folder = _opencc_dir()
        for name in ("TWVariantsRev.txt", "HKVariantsRev.txt", "TSCharacters.txt"):
            h.update((folder / name).read_bytes())
        return h.hexdigest()[:32]

    @classmethod
    def load_or_build(cls, cache_dir: Path | None) -> _Tables:
        if cache_dir is None:
            return cls.build()
        path = cache_dir / f"normalizer-{cls._source_key()}.npz"
        try:
            with np.load(path) as data:
                return cls(data["fold"], data["classes"], str(data["digest"]))
        except (OSError, KeyError, ValueError):
            pass
        tables = cls.build()
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, fold=tables.fold, classes=tables.classes, digest=np.array(tables.digest))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache only costs the build time
        return tables

    @classmethod
    def build(cls) -> _Tables:
        fold = np.arange(_MAX_CODE, dtype=np.uint32)
        for lo, hi in _FOLD_SCAN_RANGES:
            for cp in range(lo, hi):
                if 0xD800 <= cp < 0xE000:
                    continue
                ch = chr(cp)
                out = unicodedata.normalize("NFKC", ch).lower()
                if len(out) == 1 and out != ch:
                    fold[cp] = ord(out)
        folder = _opencc_dir()
        variants: dict[int, int] = {}
        for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
            variants.update(_read_char_table(folder / name))
        trad = _read_char_table(folder / "TSCharacters.txt")
        for src, dst in variants.items():
            if _foldable(src):
                fold[src] = trad.get(dst, dst)
        for src, dst in trad.items():
            if _foldable(src):
                fold[src] = dst
        # Make folding idempotent: fold(fold(c)) == fold(c).
        for _ in range(3):
            fold = fold[fold]
        noise = np.zeros(_MAX_CODE, dtype=np.bool_)
        noise[_NOISE_CODES] = True
        separator = np.zeros(_MAX_CODE, dtype=np.bool_)
        separator[[ord(c) for c in _SEPARATOR_CHARS]] = True
        separator[[fold[ord(c)] for c in _SEPARATOR_CHARS]] = True
        cjk = np.zeros(_MAX_CODE, dtype=np.bool_)
        for lo, hi in _CJK_RANGES:
            cjk[lo:hi] = True
        classes = np.zeros(_MAX_CODE, dtype=np.uint8)
        classes[noise] |= _NOISE
        classes[separator & ~noise] |= _SEPARATOR
        classes[cjk] |= _CJK
        classes[[ord(c) for c in _TONE_LETTERS]] |= _TONE
        digest = hashlib.sha256()
        for arr in (fold, noise, separator, cjk):
            digest.update(arr.tobytes())
        digest.update(_PINYIN_RE.pattern.encode())
        return cls(fold, classes, digest.hexdigest()[:16])


class Normalized:
    """The normalised form of one text, with the way back to the original.

    ``codes`` holds the normalised code points; ``index[i]`` is the index in ``original``
    of normalised character ``i`` (``index`` is None when nothing was removed, and then
    positions are the same in both).
    """

    __slots__ = ("original", "codes", "_index", "_text", "_part_of")

    def __init__(
        self, original: str, codes: _UInt32Array, index: _IntpArray | None, text: str | None = None
    ) -> None:
        """``text``, when the caller already has it, must be the decoded ``codes``."""
        self.original = original
        self.codes = codes
        self._index = index
        self._text = text
        self._part_of: tuple[_IntpArray, int, int, int] | None = None

    @classmethod
    def part(
        cls, whole: Normalized, original: str, start: int, n_start: int, n_end: int, text: str | None = None
    ) -> Normalized:
        """The normalisation of ``original``, which is ``whole.original[start:]``'s head and
        normalises to ``whole``'s ``[n_start, n_end)``: cut out of ``whole`` instead of
        normalised again. The index map is cut only when first used: most parts of a
        document never need it."""
        part = cls(original, whole.codes[n_start:n_end], None, text)
        if whole.index is not None:
            part._part_of = (whole.index, n_start, n_end, start)
        return part

    @property
    def index(self) -> _IntpArray | None:
        """``index[i]`` is the original index of normalised character ``i``; None when
        nothing was removed."""
        if self._part_of is not None:
            base, lo, hi, shift = self._part_of
            self._index = base[lo:hi] - shift
            self._part_of = None
        return self._index

    @property
    def text(self) -> str:
        """The normalised text (decoded on first use)."""
        if self._text is None:
            self._text = self.codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
        return self._text

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span ``[start, end)`` to the span of the original text that
        produced it (from its first to its last character, inclusive of anything removed
        between them)."""
        if self.index is None:
            return start, end
        if end <= start:
            pos = int(self.index[start]) if start < len(self.index) else len(self.original)
            return pos, pos
        return int(self.index[start]), int(self.index[end - 1]) + 1

    def to_normalized(self, pos: int) -> int:
        """The normalised position of the first kept character at or after original ``pos``."""
        if self.index is None:
            return pos
        return int(np.searchsorted(self.index, pos))


class Normalizer:
    """Normalises text and terms the same way. Thread-safe; build it once and share it."""

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None) -> None:
        """The tables are built once (about 0.1 s) and kept under ``cache_dir``: by default
        the cuomin cache folder; an empty string builds them without any cache."""
        folder = default_cache_dir() if cache_dir is None else (Path(cache_dir) if cache_dir else None)
        self._tables = _Tables.load_or_build(folder)
        self.version = f"{NORMALIZER_VERSION}-{unicodedata.unidata_version}-{self._tables.digest}"

    @property
    def fold_table(self) -> _UInt32Array:
        """code point → folded code point (read-only use)."""
        return self._tables.fold

    def normalize_joined(self, texts: Sequence[str]) -> tuple[Normalized, list[int], list[tuple[int, int]]]:
        """Several texts normalised in one pass (numpy's fixed costs paid once, not once per
        paragraph), joined by line breaks, which normalisation keeps and never joins across:
        each text's own normalised form is a slice of the whole. Returns the whole, where
        each text starts in the joined original, and each one's ``[start, end)`` in the
        whole's normalised text."""
        whole = self.normalize("\n".join(texts))
        bounds: list[int] = []
        pos = 0
        for text in texts:
            bounds += (pos, pos + len(text))
            pos += len(text) + 1
        index = whole.index
        n_bounds = bounds if index is None else index.searchsorted(bounds).tolist()
        return whole, bounds[0::2], list(zip(n_bounds[0::2], n_bounds[1::2]))

    def normalize(self, text: str) -> Normalized:
        t = self._tables
        raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        codes = t.fold[raw]
        cls = t.classes[codes]
        present = int(np.bitwise_or.reduce(cls)) if cls.shape[0] else 0
        delete = (cls & _NOISE) != 0 if present & _NOISE else np.zeros(cls.shape[0], dtype=np.bool_)
        if present & _SEPARATOR:
            self._separator_runs(codes, cls, np.flatnonzero(cls & _SEPARATOR), delete)
        if present & _TONE:
            self._pinyin_spans(text, cls, delete)
        if not delete.any():
            return Normalized(text, codes, None)
        keep = np.flatnonzero(~delete)
        return Normalized(text, codes[keep], keep)

    def normalize_term(self, term: str) -> str:
        """The normalised text of a dictionary term or phrase."""
        return self.normalize(term).text

    @staticmethod
    def _separator_runs(
        codes: _UInt32Array, cls: npt.NDArray[np.uint8], positions: _IntpArray, delete: _BoolArray
    ) -> None:
        """Mark runs of separators and noise that sit between two CJK characters.

        Most separators stand alone between two other characters (3.5, 2017-2018, 习-近):
        those are decided with array operations. The rest (a separator next to a space or
        another separator) are extended to their whole run one by one.
        """
        n = codes.shape[0]
        inside = (positions > 0) & (positions < n - 1)
        positions = positions[inside]
        left = cls[positions - 1]
        right = cls[positions + 1]
        simple = ((left & _RUNNABLE) == 0) & ((right & _RUNNABLE) == 0)
        between_cjk = simple & ((left & _CJK) != 0) & ((right & _CJK) != 0)
        delete[positions[between_cjk]] = True
        done = -1
        for p in positions[~simple].tolist():
            if p < done:
                continue
            lo = p
            while lo > 0 and cls[lo - 1] & _RUNNABLE:
                lo -= 1
            hi = p + 1
            while hi < n and cls[hi] & _RUNNABLE:
                hi += 1
            done = hi
            if lo > 0 and hi < n and cls[lo - 1] & _CJK and cls[hi] & _CJK:
                delete[lo:hi] = True

    @staticmethod
    def _pinyin_spans(text: str, cls: npt.NDArray[np.uint8], delete: _BoolArray) -> None:
        """Mark tone-marked pinyin in brackets right after a CJK character: 關(guān)."""
        done = -1
        for m in _TONE_RE.finditer(text):
            i = m.start()
            if i < done:
                continue
            j = max(text.rfind("(", max(0, i - 7), i), text.rfind("（", max(0, i - 7), i))
            if j <= 0 or not cls[j - 1] & _CJK:
                continue
            found = _PINYIN_RE.match(text, j)
            if found is not None and found.end() > i:
                delete[j : found.end()] = True
                done = found.end()


_default_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _build_default() -> Normalizer:
    return Normalizer()


def default_normalizer() -> Normalizer:
    """The process-wide normaliser, built on first use (never at import)."""
    with _default_lock:
        return _build_default()
