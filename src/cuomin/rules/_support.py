"""Small text helpers shared by the built-in rules: sentences, quotes, options, heads.

Everything here is pure and works on offsets of the text it is given, so a rule can use it
on ``ctx.text`` and report the offsets as they are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import numpy as np

from ..model import Part

__all__ = [
    "CJK",
    "fold_ascii",
    "sentence_bounds",
    "clause_bounds",
    "line_bounds",
    "inside_quotes",
    "option_strings",
    "at_head",
    "literal_patterns",
]

#: One CJK unified ideograph (BMP block), for regular expressions.
CJK: Final = "\u4e00-\u9fff"

#: Full-width digits, Latin letters and the signs numbers and addresses use (０-９ Ａ-Ｚ ａ-ｚ
#: ＠ ． － ＋ ＿ ％). Chinese punctuation (，：；（） …) lives in the same block but is left alone.
_FOLDED: Final = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ＠．－＋＿％"
_FOLDED_CODES: Final = np.array(sorted(ord(c) for c in _FOLDED), dtype=np.uint32)
_FULLWIDTH_RE: Final = re.compile(f"[{re.escape(_FOLDED)}]")
_last_fold: tuple[str, str] = ("", "")


def fold_ascii(text: str) -> str:
    """Full-width digits and Latin letters (０-９, Ａ-Ｚ, ＠ …) → half-width, keeping every
    offset. Returns ``text`` itself when there is nothing to fold (the common case); the
    last result is remembered, since several rules fold the same segment in turn."""
    global _last_fold
    if _FULLWIDTH_RE.search(text) is None:
        return text
    last = _last_fold
    if last[0] is text:
        return last[1]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").copy()
    wide = np.isin(codes, _FOLDED_CODES)
    codes[wide] -= 0xFEE0
    folded: str = codes.tobytes().decode("utf-32-le", "surrogatepass")
    _last_fold = (text, folded)
    return folded


_SENTENCE_ENDS: Final = frozenset("。！？!?；;\n\r")
_CLAUSE_ENDS: Final = _SENTENCE_ENDS | frozenset("，,：:")


def _bounds(text: str, start: int, end: int, stops: frozenset[str], limit: int) -> tuple[int, int]:
    lo = start
    floor = max(0, start - limit)
    while lo > floor and text[lo - 1] not in stops:
        lo -= 1
    hi = end
    ceil = min(len(text), end + limit)
    while hi < ceil and text[hi] not in stops:
        hi += 1
    return lo, hi


def sentence_bounds(text: str, start: int, end: int, limit: int = 200) -> tuple[int, int]:
    """The sentence around ``[start, end)``: up to 。！？； or a line break, at most ``limit``
    characters each side."""
    return _bounds(text, start, end, _SENTENCE_ENDS, limit)


def clause_bounds(text: str, start: int, end: int, limit: int = 80) -> tuple[int, int]:
    """Like :func:`sentence_bounds` but also stopping at commas and colons."""
    return _bounds(text, start, end, _CLAUSE_ENDS, limit)


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line holding ``[start, end)`` (without its line break)."""
    lo = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    hi_n = text.find("\n", end)
    hi_r = text.find("\r", end)
    his = [h for h in (hi_n, hi_r) if h != -1]
    return lo, (min(his) if his else len(text))


_PAIRS: Final = {"“": "”", "「": "」", "『": "』", "‘": "’", "《": "》", "〈": "〉"}
_CLOSERS: Final = {v: k for k, v in _PAIRS.items()}


def inside_quotes(text: str, start: int, end: int, *, titles: bool = True, limit: int = 300) -> bool:
    """Is ``[start, end)`` enclosed by quotation marks (or, with ``titles``, 书名号) of the
    same paragraph? Straight double quotes count when an odd number precede the span on its
    line and one follows it."""
    lo, hi = line_bounds(text, start, end)
    lo = max(lo, start - limit)
    hi = min(hi, end + limit)
    depth: dict[str, int] = {}
    for ch in text[lo:start]:
        if ch in _PAIRS:
            depth[ch] = depth.get(ch, 0) + 1
        elif ch in _CLOSERS:
            opener = _CLOSERS[ch]
            if depth.get(opener, 0) > 0:
                depth[opener] -= 1
    for opener, n in depth.items():
        if n <= 0 or (opener in "《〈" and not titles):
            continue
        if text.find(_PAIRS[opener], end, hi) != -1:
            return True
    before = text.count('"', lo, start) + text.count("＂", lo, start)
    return before % 2 == 1 and (text.find('"', end, hi) != -1 or text.find("＂", end, hi) != -1)


@functools.lru_cache(maxsize=64)
def literal_patterns(words: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """One pattern per word, for :meth:`DocumentContext.matching_any`: a search for a
    literal skips through the text, an alternation is tried at every position. Each
    search still reads the whole text (about 2 µs per 10 KB), so this pays for a handful
    of words, not for dozens."""
    return tuple(re.compile(re.escape(w)) for w in sorted(set(words)))


def option_strings(options: Mapping[str, Any], key: str, default: Iterable[str] = ()) -> tuple[str, ...]:
    """A list-of-strings option (a single string is accepted as a one-item list)."""
    value = options.get(key)
    if value is None:
        return tuple(default)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"选项 {key} 应为字符串列表，而不是 {value!r}")


_HEAD_PARTS: Final = (Part.TITLE, Part.HEADER)


def at_head(segments: tuple[Any, ...], index: int, offset: int, text: str, *, lines: int = 3) -> bool:
    """Does ``offset`` of segment ``index`` sit at the head of its document or attachment:
    in a page header, or within the first ``lines`` non-empty lines of the first body
    segments of the document or of an attachment file?"""
    seg = segments[index]
    loc = seg.location
    if loc is not None and loc.part in _HEAD_PARTS:
        return True
    # Non-empty lines before this offset inside the segment.
    before = sum(1 for ln in text[:offset].splitlines() if ln.strip())
    if text[:offset] and not text[:offset].endswith(("\n", "\r")):
        before -= 1  # the offset's own line was counted
    before = max(before, 0)
    if before >= lines:
        return False
    # Earlier segments of the same file (attachment) or of the body, excluding the title.
    file = loc.file if loc is not None else None
    for prev in segments[:index][::-1]:
        ploc = prev.location
        if ploc is not None and ploc.part in (Part.TITLE, Part.META, Part.HIDDEN, Part.LINK):
            continue
        if (ploc.file if ploc is not None else None) != file:
            break
        before += sum(1 for ln in prev.text.splitlines() if ln.strip())
        if before >= lines:
            return False
    return True
