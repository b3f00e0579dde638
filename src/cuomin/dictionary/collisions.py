"""Terms that occur inside common words: the main source of false alarms.

The common words are jieba's own word list (``jieba/dict.txt``, read as a file: jieba is not
imported), limited to words of a minimum frequency. All terms go into one Aho-Corasick
automaton that is run once over the whole word list joined by line breaks, so the cost does
not grow with the number of terms times the number of words.
"""

from __future__ import annotations

import bisect
import functools
import importlib.util
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import ahocorasick
import numpy as np

from ..normalize import Normalizer, default_normalizer

__all__ = ["WordList", "Collision", "Straddle", "jieba_word_list", "find_collisions", "find_straddles", "DEFAULT_MIN_FREQ"]

log = logging.getLogger(__name__)

#: Words at least this frequent in jieba's list count as "common" (about 36,000 words).
DEFAULT_MIN_FREQ: Final = 100


@dataclass(frozen=True, slots=True)
class WordList:
    """Common words (normalised), most frequent first, with their frequencies."""

    words: tuple[str, ...]
    freqs: tuple[int, ...]
    path: str
    index: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        if not self.index:
            for w, f in zip(self.words, self.freqs):
                if f > self.index.get(w, 0):
                    self.index[w] = f

    def frequency(self, word: str) -> int:
        return self.index.get(word, 0)


def _jieba_dict_path() -> Path | None:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    return path if path.is_file() else None


@functools.lru_cache(maxsize=4)
def jieba_word_list(min_freq: int = DEFAULT_MIN_FREQ, path: str | None = None) -> WordList:
    """jieba's word list (or another file in its format: ``word freq [tag]`` a line), words
    of at least ``min_freq``, normalised like dictionary terms. Empty when jieba is missing."""
    where = Path(path) if path else _jieba_dict_path()
    if where is None:
        log.warning("jieba word list not found: collision check skipped")
        return WordList((), (), "")
    pairs: list[tuple[str, int]] = []
    with where.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and parts[1].strip().isdigit():
                freq = int(parts[1])
                if freq >= min_freq and "\n" not in parts[0]:
                    pairs.append((parts[0], freq))
    pairs.sort(key=lambda p: -p[1])
    folded = _fold("\n".join(w for w, _ in pairs), default_normalizer()).split("\n")
    return WordList(tuple(folded), tuple(f for _, f in pairs), str(where))


def _fold(text: str, normalizer: Normalizer) -> str:
    """Character-level folding only (traditional → simplified, width, case): the word list
    has no separators or pinyin, and a full normalisation would join words across lines."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    folded = normalizer.fold_table[codes]
    return str(folded.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass"))


@dataclass(frozen=True, slots=True)
class Collision:
    """A term found inside longer common words."""

    term: str  # normalised
    words: tuple[str, ...]  # the common words that contain it, most frequent first
    freqs: tuple[int, ...]


def find_collisions(terms: Iterable[str], words: WordList) -> dict[str, Collision]:
    """For each (normalised) term, the longer common words it occurs in."""
    keys = sorted({t for t in terms if t})
    if not keys or not words.words:
        return {}
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i, key in enumerate(keys):
        automaton.add_word(key, i)
    automaton.make_automaton()
    joined = "\n".join(words.words)
    starts: list[int] = []
    pos = 0
    for word in words.words:
        starts.append(pos)
        pos += len(word) + 1
    found: dict[int, dict[int, None]] = {}
    for end, kid in automaton.iter(joined):
        start = end - len(keys[kid]) + 1
        at = bisect.bisect_right(starts, start) - 1
        if len(words.words[at]) > len(keys[kid]):
            found.setdefault(kid, {})[at] = None
    out: dict[str, Collision] = {}
    for kid, hits in found.items():
        unique: dict[str, int] = {}
        for at in sorted(hits):  # the word list is most frequent first
            unique.setdefault(words.words[at], words.freqs[at])
        out[keys[kid]] = Collision(keys[kid], tuple(unique), tuple(unique.values()))
    return out


@dataclass(frozen=True, slots=True)
class Straddle:
    """A term that two common words can form across their boundary: 平台|独立 → 台独."""

    term: str
    left: str  # a common word that ends with the term's beginning
    right: str  # a common word that starts with the rest of the term


def find_straddles(terms: Iterable[str], words: WordList, min_freq: int) -> dict[str, Straddle]:
    """Terms that the end of one common word and the start of the next can spell.

    Only words of at least ``min_freq`` are used (the pairs must both be frequent to matter).
    For each split of a term, the most frequent left and right words are given.
    """
    ends: dict[str, int] = {}  # proper suffix → index of the most frequent word ending so
    begins: dict[str, int] = {}
    for i, (w, f) in enumerate(zip(words.words, words.freqs)):
        if f < min_freq:
            break  # most frequent first
        for k in range(1, len(w)):
            ends.setdefault(w[k:], i)
            begins.setdefault(w[:k], i)
    out: dict[str, Straddle] = {}
    for term in set(terms):
        best: tuple[int, int, int] | None = None
        for k in range(1, len(term)):
            left, right = ends.get(term[:k]), begins.get(term[k:])
            if left is None or right is None:
                continue
            cost = max(left, right)
            if best is None or cost < best[0]:
                best = (cost, left, right)
        if best is not None:
            out[term] = Straddle(term, words.words[best[1]], words.words[best[2]])
    return out
