"""Date validity of entries, and history exemptions for outdated names."""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from ..dictionary.records import Entry

__all__ = ["flagged_on", "historical_mention"]

_SENTENCE_END_RE: Final = re.compile(r"[。！？；!?;\n\r]")
_HISTORY_WORDS: Final = (
    "更名", "改名", "改为", "改称", "前身", "组建", "撤销", "不再保留", "划入", "整合",
    "合并", "并入", "重组", "机构改革", "职责划", "挂牌",
)  # fmt: skip
_YEAR_RE: Final = re.compile(r"((?:19|20)\d\d)(?=年)")
_FORMER_PREFIXES: Final = ("原", "前")


def flagged_on(entry: Entry, date: dt.date) -> bool:
    """Is the entry's term an error in a document of this date?

    ``valid_from``/``valid_until`` give the period in which the term was correct; without
    them the term is always an error.
    """
    if entry.valid_from is None and entry.valid_until is None:
        return True
    if entry.valid_from is not None and date < entry.valid_from:
        return True
    return entry.valid_until is not None and date > entry.valid_until


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 200)
    for m in _SENTENCE_END_RE.finditer(text, lo, start):
        lo = m.end()
    nxt = _SENTENCE_END_RE.search(text, end, end + 200)
    return lo, (nxt.start() if nxt else min(len(text), end + 200))


def historical_mention(text: str, start: int, end: int, changed_on: dt.date) -> str | None:
    """Why an outdated name at ``text[start:end]`` reads as history, or None.

    History: right after 原/前 (原国土资源部); inside a cited title 《…》; in a sentence that
    speaks of the change (更名, 组建, 不再保留 …) or names a year up to the change.
    """
    if start > 0 and text[start - 1] in _FORMER_PREFIXES:
        return f"前有“{text[start - 1]}”，属历史称谓"
    lo, hi = _sentence(text, start, end)
    opened = text.rfind("《", lo, start)
    if opened != -1 and text.rfind("》", opened, start) == -1 and text.find("》", end, hi) != -1:
        return "位于书名号内，属引用旧文件名称"
    sentence = text[lo:hi]
    for word in _HISTORY_WORDS:
        if word in sentence:
            return f"同句有“{word}”，属叙述机构沿革"
    for m in _YEAR_RE.finditer(sentence):
        if int(m.group(1)) <= changed_on.year:
            return f"同句有“{m.group(0)}年”，属叙述历史"
    return None
