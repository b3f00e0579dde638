"""Dates (日期): impossible dates, 印发日期 before 成文日期, past events after the document date.

- DT001 不存在的日期: 2023年2月30日, 2023-04-31, 二〇二三年二月三十日, 13月5日.
- DT002 印发日期早于成文日期: the 版记 line ``… 2017年6月1日印发`` is earlier than the date
  under the signature (a line holding only a date, or ``成文日期：…``) before it.
- DT003 晚于发布日期的过去时: a full date later than the document date in a sentence that
  reports it as past (了、已、召开、举行 …) without a word of plan or future (将、拟、计划 …).
  A warning: 伪造发稿日期 is a veto in inspections, but only an editor can tell.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ..model import Category, Part, Severity
from ._support import fold_ascii, line_bounds, sentence_bounds
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["ImpossibleDateRule", "IssueDateRule", "FutureDateRule", "find_dates", "FoundDate", "chinese_number"]

_CN_DIGITS: Final = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN: Final = "〇○零Ｏ一二三四五六七八九十"


def chinese_number(s: str) -> int | None:
    """一 … 三十一 (with 十), or a digit string such as 二〇二三."""
    if not s:
        return None
    if "十" in s:
        head, _, tail = s.partition("十")
        if "十" in tail:
            return None
        tens = _CN_DIGITS.get(head, -1) if head else 1
        ones = _CN_DIGITS.get(tail, -1) if tail else 0
        return None if tens < 0 or ones < 0 else tens * 10 + ones
    value = 0
    for ch in s:
        d = _CN_DIGITS.get(ch)
        if d is None:
            return None
        value = value * 10 + d
    return value


@dataclass(frozen=True, slots=True)
class FoundDate:
    start: int
    end: int
    year: int | None
    month: int
    day: int

    def as_date(self) -> dt.date | None:
        if self.year is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day)
        except ValueError:
            return None


#: Spaces a date may hold between its parts: never a line break (a date does not span two
#: lines), and every one of them is removed in normalised text.
_SP: Final = r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*"
_ARABIC_RE: Final = re.compile(
    rf"(?:((?:1[89]|20)\d\d){_SP}年{_SP})?(\d{{1,2}}){_SP}月{_SP}(\d{{1,2}}){_SP}[日号](?!\d)", re.ASCII
)
_ISO_RE: Final = re.compile(r"((?:19|20)\d\d)([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])", re.ASCII)
_ISO_HINT_RE: Final = re.compile(r"\d[-/.]\d")
_CHINESE_RE: Final = re.compile(rf"(?:([{_CN}]{{4}})年)?([一二三四五六七八九十]{{1,3}})月([一二三四五六七八九十]{{1,3}})日")


def _after_number(text: str, start: int) -> bool:
    """Does a match start inside a longer number (``123月``, ``1.12月``)?"""
    return start > 0 and (text[start - 1].isdigit() or text[start - 1] == ".")


_last: tuple[str, tuple[FoundDate, ...]] = ("", ())


def find_dates(text: str) -> tuple[FoundDate, ...]:
    """Dates written with Arabic numerals, ISO-like forms or Chinese numerals (validity not
    checked). ``text`` should have full-width digits folded (offsets are kept). The last
    result is remembered: DT001 and DT003 look at the same segment one after the other."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    found = tuple(sorted(_find_dates(text), key=lambda d: d.start))
    _last = (text, found)
    return found


def _find_dates(text: str) -> Iterator[FoundDate]:
    has_month = "月" in text
    if has_month:
        for m in _ARABIC_RE.finditer(text):
            if _after_number(text, m.start()):
                continue
            yield FoundDate(m.start(), m.end(), int(m.group(1)) if m.group(1) else None, int(m.group(2)), int(m.group(3)))
    if _ISO_HINT_RE.search(text) is not None:
        for m in _ISO_RE.finditer(text):
            if _after_number(text, m.start()):
                continue
            yield FoundDate(m.start(), m.end(), int(m.group(1)), int(m.group(3)), int(m.group(4)))
    if not has_month:
        return
    for m in _CHINESE_RE.finditer(text):
        month, day = chinese_number(m.group(2)), chinese_number(m.group(3))
        year = chinese_number(m.group(1)) if m.group(1) else None
        if month is None or day is None or (m.group(1) and year is None):
            continue
        yield FoundDate(m.start(), m.end(), year, month, day)


def _impossible(d: FoundDate) -> str | None:
    if not 1 <= d.month <= 12:
        return f"没有{d.month}月"
    if d.day < 1:
        return "日期不能为0日"
    if d.year is None:
        limit = 29 if d.month == 2 else calendar.monthrange(2001, d.month)[1]
    else:
        limit = calendar.monthrange(d.year, d.month)[1]
    if d.day > limit:
        year = f"{d.year}年" if d.year is not None else ""
        return f"{year}{d.month}月只有{limit}天"
    return None


#: Where an impossible date can be, in normalised text (digits half-width, no spaces). Each
#: pattern starts with a literal, which a search skips to fast: after 月, an Arabic day of 0
#: or from 29 on, a day after an Arabic month of 0 or from 13 on, or a day in Chinese
#: numerals (rare in running text); or an ISO-like date (checked by the rule).
_IMPOSSIBLE_TRIGGERS: Final = (
    re.compile(
        r"月(?:(?:0{1,2}|29|[3-9]\d)[日号]"
        r"|(?:(?<=0月)(?<![1-9]0月)|(?<=1[3-9]月)|(?<=[2-9]\d月))\d{1,2}[日号]"
        r"|[一二三四五六七八九十]{1,3}日)"
    ),
    re.compile(r"19\d\d([-/.])\d{1,2}\1\d{1,2}"),
    re.compile(r"20\d\d([-/.])\d{1,2}\1\d{1,2}"),
)


class ImpossibleDateRule(Rule):
    code = "DT001"
    name = "impossible-date"
    category = Category.DATE
    severity = Severity.ERROR
    description = "不存在的日期，如 2023年2月30日、4月31日、13月5日"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        return self.check_contexts(doc.matching_any(_IMPOSSIBLE_TRIGGERS))

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = fold_ascii(ctx.text)
        for d in find_dates(text):
            why = _impossible(d)
            if why is None:
                continue
            if d.year is None and _in_range_phrase(text, d):
                continue
            yield Hit(d.start, d.end, (), f"日期“{ctx.text[d.start:d.end]}”不存在：{why}。请核对原始文件。")


def _in_range_phrase(text: str, d: FoundDate) -> bool:
    """``1至13月5日``-style typos are still typos; only skip ordinal month counts such as
    ``第13月``."""
    return d.start > 0 and text[d.start - 1] == "第"


_ISSUE_RE: Final = re.compile(rf"(日){_SP}印{_SP}发")
_SIGNED_LABEL_RE: Final = re.compile(r"成文日期\s*[:：]\s*")
_DATE_ONLY_LINE_RE: Final = re.compile(r"^[\s（(]*$|^[\s）)]*$")


def _date_ending_at(text: str, end: int) -> FoundDate | None:
    """The date that ends exactly at ``end`` (the 印发 line's date), if any."""
    off = max(0, end - 25)
    for d in find_dates(text[off:end]):
        if d.end + off == end:
            return FoundDate(d.start + off, d.end + off, d.year, d.month, d.day)
    return None


def _signed_date(text: str, limit: int) -> FoundDate | None:
    """The last 成文日期 in ``text[:limit]``: labelled, or a line holding only a date."""
    found: FoundDate | None = None
    for d in find_dates(text[:limit]):
        if d.year is None:
            continue
        lo, hi = line_bounds(text, d.start, d.end)
        before, after = text[lo : d.start], text[d.end : hi]
        labelled = _SIGNED_LABEL_RE.search(before) is not None and before.rstrip().endswith(("：", ":"))
        alone = _DATE_ONLY_LINE_RE.match(before) is not None and _DATE_ONLY_LINE_RE.match(after) is not None
        if labelled or alone:
            found = d
    return found


class IssueDateRule(Rule):
    code = "DT002"
    name = "issue-before-signing"
    category = Category.DATE
    severity = Severity.ERROR
    description = "版记中的印发日期早于成文日期"
    trigger = _ISSUE_RE
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        if "印" not in ctx.text:
            return
        text = fold_ascii(ctx.text)
        for m in _ISSUE_RE.finditer(text):
            issued = _date_ending_at(text, m.start(1) + 1)
            if issued is None or issued.as_date() is None:
                continue
            signed = _signed_date(text, issued.start)
            if signed is None:
                signed = self._signed_in_earlier_segments(ctx)
            if signed is None or signed.as_date() is None:
                continue
            s_date, i_date = signed.as_date(), issued.as_date()
            assert s_date is not None and i_date is not None
            if i_date < s_date:
                yield Hit(
                    issued.start,
                    issued.end,
                    (),
                    f"印发日期 {i_date.isoformat()} 早于成文日期 {s_date.isoformat()}：文件不能在成文之前印发，"
                    "请核对日期（GB/T 9704-2012）。",
                )

    @staticmethod
    def _signed_in_earlier_segments(ctx: RuleContext) -> FoundDate | None:
        loc = ctx.segment.location
        file = loc.file if loc is not None else None
        for seg in ctx.document.segments[: ctx.index][::-1][:40]:
            sloc = seg.location
            if sloc is not None and sloc.part in (Part.TITLE, Part.META, Part.HIDDEN, Part.LINK):
                continue
            if (sloc.file if sloc is not None else None) != file:
                break
            found = _signed_date(fold_ascii(seg.text), len(seg.text))
            if found is not None:
                return found
        return None


_YEAR_RE: Final = re.compile(r"(?:19|20)\d\d")
_PAST_RE: Final = re.compile(r"了|已经|已于|已|召开|举行|举办|闭幕|开幕|落幕|发布|印发|出台|完成|结束|签署|通过|会见|出席|视察|考察|调研")
_FUTURE_RE: Final = re.compile(
    r"将|拟|计划|预计|预定|定于|准备|起|前|以前|之前|截至|截止|之日|期间|至|到|—|－|~|～|届时|开始|施行|实施|生效|有效期|"
    r"之后|以后|后|力争|目标|预期|要求|应当|应|须|必须|需|报名|报送|提交|申报|日程|安排|预告|通知|为期"
)


@functools.lru_cache(maxsize=64)
def _later_years(year: int) -> tuple[re.Pattern[str], ...]:
    """Years from ``year`` to 2099 in Arabic numerals (half-width, as in normalised text),
    or a year in Chinese numerals (〇○零): what the fast path of
    :meth:`FutureDateRule.check` looks for. Each pattern starts with a literal."""
    zeros = (re.compile("〇"), re.compile("○"), re.compile("零"))
    year = max(year, 1900)
    if year > 2099:
        return zeros
    century, decade, unit = year // 100, year // 10 % 10, year % 10
    parts = [f"{decade}[{unit}-9]"]
    if decade < 9:
        parts.append(f"[{decade + 1}-9]\\d")
    found = [re.compile(f"{century}(?:{'|'.join(parts)})")]
    if century == 19:
        found.append(re.compile("20\\d\\d"))
    return (*found, *zeros)


class FutureDateRule(Rule):
    code = "DT003"
    name = "past-event-after-date"
    category = Category.DATE
    severity = Severity.WARNING
    description = "文中以过去时叙述的日期晚于文档发布日期（可能是发稿日期有误或被伪造）"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        # Only segments with a year after the document's, or a year in Chinese numerals.
        return self.check_contexts(doc.matching_any(_later_years(doc.date.year)))

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = fold_ascii(ctx.text)
        limit = ctx.date + dt.timedelta(days=1)
        # Fast path: a later date needs a year from the document's on, in Arabic numerals, or
        # a year in Chinese numerals (二〇二五).
        if not any(int(y) >= limit.year for y in _YEAR_RE.findall(text)) and not any(c in text for c in "〇○零"):
            return
        for d in find_dates(text):
            when = d.as_date()
            if when is None or when <= limit:
                continue
            lo, hi = sentence_bounds(text, d.start, d.end)
            sentence = text[lo:hi]
            if _FUTURE_RE.search(sentence) is not None or _PAST_RE.search(text, d.end, hi) is None:
                continue
            yield Hit(
                d.start,
                d.end,
                (),
                f"文中以过去时叙述 {when.isoformat()} 的事，但文档日期是 {ctx.date.isoformat()}：请核对发稿日期或文中日期。",
            )
