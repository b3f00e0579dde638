"""Fixed political formulations (固定表述): members and order of listed sets, invented sets.

- FM001 成员或顺序错误: when a text lists the members of a set (政治意识、大局意识、核心意识、
  看齐意识), the members must be the set's and come in its order. A list named right before
  it (“四个意识”即…) must be complete and hold no other member (critical); an unnamed list
  made only of members (at least three) must keep the order (error). The two long phrases of
  两个维护 and 两个确立 must come in their order.
- FM002 杜撰的提法: 四个维护, 三个确立, 五个自信 … (``N个X`` with the wrong N); 三个自信 after
  2016-07-01 is outdated (error).

Sets and counts live in ``cuomin/data/formulations.toml``. Matching runs on the normalised
text (traditional characters, spaces inside words) and reports original offsets.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from ..data import read_toml
from ..errors import RuleError
from ..model import Category, Severity
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["FormulationSetRule", "InventedSetRule", "FormulationSet", "load_sets"]


@dataclass(frozen=True, slots=True)
class FormulationSet:
    name: str
    members: tuple[tuple[str, ...], ...]  # alternatives per member, in order
    suffix: str
    basis: str
    min_listed: int

    def member_index(self, piece: str, position: str, shared: bool = False) -> int | None:
        """Index of the member ``piece`` stands for. ``position`` is first/middle/last: the
        first piece may carry words before the member, the last words after it. With
        ``shared`` (the list ends with the suffix: 道路、理论、制度、文化自信) a stem counts."""
        for i, alternatives in enumerate(self.members):
            for m in alternatives:
                if piece == m:
                    return i
                if position == "first" and piece.endswith(m):
                    return i
                if position == "last" and (piece.startswith(m) and not self.suffix):
                    return i
                if shared and m.endswith(self.suffix):
                    stem = m[: -len(self.suffix)]
                    if piece == stem or (position == "first" and piece.endswith(stem)):
                        return i
        return None

    def listing(self) -> str:
        return "、".join(alts[0] for alts in self.members)


@dataclass(frozen=True, slots=True)
class _Pair:
    name: str
    first: str
    second: str


@dataclass(frozen=True, slots=True)
class _Count:
    word: str
    count: int
    set_name: str
    quoted: bool
    before_count: int | None
    before_until: dt.date | None


@dataclass(frozen=True, slots=True)
class _Tables:
    sets: tuple[FormulationSet, ...]
    pairs: tuple[_Pair, ...]
    counts: dict[str, _Count]
    keywords: re.Pattern[str]  # any member or stem: lists without one are skipped
    #: Where FM001 can report, each pattern starting with a literal: a member or stem right
    #: after 、 or after 和/及/与 (a list that can be wrong has such a piece: every piece but
    #: the first starts there), or the second item of a pair.
    triggers: tuple[re.Pattern[str], ...]
    set_words: tuple[re.Pattern[str], ...]  # per set: any of its members and stems


@functools.lru_cache(maxsize=1)
def load_sets() -> _Tables:
    data = read_toml("formulations.toml")
    try:
        sets = tuple(
            FormulationSet(
                name=str(s["name"]),
                members=tuple(tuple(m.split("|")) for m in s["members"]),
                suffix=str(s.get("suffix", "")),
                basis=str(s.get("basis", "")),
                min_listed=int(s.get("min_listed", 3)),
            )
            for s in data.get("set", [])
        )
        pairs = tuple(_Pair(str(p["name"]), str(p["first"]), str(p["second"])) for p in data.get("pair", []))
        counts: dict[str, _Count] = {}
        for word, c in data.get("count", {}).items():
            before: dict[str, Any] = c.get("before", {})
            until = before.get("until")
            counts[word] = _Count(
                word=word,
                count=int(c["count"]),
                set_name=str(c["set"]),
                quoted=bool(c.get("quoted", False)),
                before_count=int(before["count"]) if "count" in before else None,
                before_until=dt.date.fromisoformat(str(until)) if until else None,
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError(f"规则数据文件 cuomin/data/formulations.toml 有误：{exc!r}") from None
    per_set = [
        {m for alts in f.members for m in alts}
        | {m[: -len(f.suffix)] for alts in f.members for m in alts if f.suffix and m.endswith(f.suffix)}
        for f in sets
    ]
    set_words = tuple(re.compile("|".join(re.escape(w) for w in sorted(ws))) for ws in per_set)
    words = {w for ws in per_set for w in ws}
    longest_first = sorted(words, key=len, reverse=True)
    keywords = re.compile("|".join(re.escape(w) for w in longest_first))
    # A list member after 、和及与: plain words (每个 lead + member), which the checker finds in
    # its one pass over all plain-word triggers, instead of four alternations tried at every
    # character.
    leads = ("、", "和", "及", "与")
    triggers: tuple[re.Pattern[str], ...] = (
        re.compile("|".join(lead + re.escape(w) for lead in leads for w in longest_first)),
    )
    triggers += tuple(re.compile(re.escape(p.second)) for p in pairs)
    return _Tables(sets, pairs, counts, keywords, triggers, set_words)


_TAIL_RE: Final = re.compile(r"、[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+)*")  # literal first: fast search
_CJK_RUN_RE: Final = re.compile(r"[\u4e00-\u9fff]*")


def _lists(text: str) -> Iterator[tuple[int, int]]:
    """Spans of 、-lists: a maximal run of CJK characters followed by one or more 、 and a
    run. Found from each 、 (a search that starts with a literal); the run before it is
    measured in the reversed text."""
    rev: str | None = None
    n = len(text)
    pos = 0
    while True:
        m = _TAIL_RE.search(text, pos)
        if m is None:
            return
        i = m.start()
        if i == 0 or not "\u4e00" <= text[i - 1] <= "\u9fff":
            pos = i + 1  # no run before this 、: a list may start inside the tail
            continue
        if rev is None:
            rev = text[::-1]
        head = _CJK_RUN_RE.match(rev, n - i)
        assert head is not None  # ``*`` always matches
        start = i - (head.end() - head.start())
        if start < pos:
            pos = i + 1  # the run before it belongs to the previous list
            continue
        yield start, m.end()
        pos = m.end()
_AND_RE: Final = re.compile(r"(?<=.{2})(?:和|及|以及|与)(?=.{2})")
_NAME_GAP: Final = 14


def _pieces(run: str, offset: int) -> list[tuple[str, int, int]]:
    """Split a 、-list into (piece, start, end); the last piece may hold ``X和Y``."""
    out: list[tuple[str, int, int]] = []
    pos = offset
    parts = run.split("、")
    for i, part in enumerate(parts):
        if i == len(parts) - 1:
            m = _AND_RE.search(part)
            if m is not None:
                out.append((part[: m.start()], pos, pos + m.start()))
                out.append((part[m.end() :], pos + m.end(), pos + len(part)))
                break
        out.append((part, pos, pos + len(part)))
        pos += len(part) + 1
    return out


class FormulationSetRule(Rule):
    code = "FM001"
    name = "formulation-members"
    category = Category.FORMULATION
    severity = Severity.CRITICAL
    description = "固定表述（四个意识、四个自信、五位一体、四个全面、新发展理念、两个维护、两个确立）的成员或顺序错误"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        return self.check_contexts(doc.matching_any(load_sets().triggers))


    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        tables = load_sets()
        text = ctx.normalized.text
        if "、" in text:
            for start, end in _lists(text):
                listed = text[start:end]
                if tables.keywords.search(listed) is None:
                    continue
                pieces = _pieces(listed, start)
                for fset, words in zip(tables.sets, tables.set_words):
                    if words.search(listed) is None:
                        continue  # no member or stem of this set: nothing it could report
                    hit = self._check_list(ctx, text, fset, pieces)
                    if hit is not None:
                        yield hit
                        break
        for pair in tables.pairs:
            yield from self._check_pair(ctx, text, pair)

    def _check_list(
        self, ctx: RuleContext, text: str, fset: FormulationSet, pieces: list[tuple[str, int, int]]
    ) -> Hit | None:
        start, end = pieces[0][1], pieces[-1][2]
        named = fset.name in text[max(0, start - _NAME_GAP) : start] or (
            fset.name in pieces[0][0] and not pieces[0][0].endswith(fset.name)
        )
        n = len(fset.members)
        if not named and len(pieces) < min(fset.min_listed, n):
            return None  # an unnamed list reports only when it has enough members
        indexes: list[int | None] = []
        shared = bool(fset.suffix) and pieces[-1][0].endswith(fset.suffix)
        for i, (piece, _, _) in enumerate(pieces):
            pos = "first" if i == 0 else ("last" if i == len(pieces) - 1 else "middle")
            index = fset.member_index(piece, pos, shared)
            if index is None and not named:
                return None  # an unnamed list reports only when every piece is a member
            indexes.append(index)
        found = [i for i in indexes if i is not None]
        if named and len(found) >= 2:
            family = [p for p, _, _ in pieces if fset.suffix and p.endswith(fset.suffix)]
            others = [p for (p, _, _), i in zip(pieces, indexes) if i is None and p in family]
            problem = None
            if others:
                problem = f"“{'、'.join(others)}”不是“{fset.name}”的内容"
            elif found != sorted(found) or len(set(found)) != len(found):
                problem = "顺序不对"
            elif len(set(found)) < n and all(i is not None for i in indexes):
                problem = f"少了“{'、'.join(fset.members[i][0] for i in range(n) if i not in found)}”"
            if problem is None:
                return None
            severity = Severity.CRITICAL
        else:
            if len(found) < min(fset.min_listed, n) or any(i is None for i in indexes):
                return None
            if found == sorted(found) and len(set(found)) == len(found):
                return None
            problem = "顺序不对"
            severity = Severity.ERROR
        o_start, o_end = ctx.to_original(start, end)
        basis = f"（{fset.basis}）" if fset.basis else ""
        return Hit(
            o_start,
            o_end,
            (fset.listing(),),
            f"“{fset.name}”是固定表述，成员和顺序为：{fset.listing()}{basis}。此处{problem}。",
            severity=severity,
        )

    def _check_pair(self, ctx: RuleContext, text: str, pair: _Pair) -> Iterator[Hit]:
        pos = text.find(pair.second)
        while pos != -1:
            after = text.find(pair.first, pos + len(pair.second), pos + len(pair.second) + 80)
            if after != -1 and "。" not in text[pos:after]:
                o_start, o_end = ctx.to_original(pos, after + len(pair.first))
                yield Hit(
                    o_start,
                    o_end,
                    (f"{pair.first}，{pair.second}",),
                    f"“{pair.name}”的两项有固定顺序：先“{pair.first}”，后“{pair.second}”。此处顺序颠倒。",
                )
            pos = text.find(pair.second, pos + 1)


_COUNT_RE: Final = re.compile(
    r"(?P<q1>[“\"‘「]?)(?P<n>两|二|三|四|五|六|七|八|九|十)个(?P<q2>[“\"‘「]?)(?P<word>意识|自信|维护|确立|全面)(?P<q3>[”\"’」]?)"
)
#: What follows the numeral in every _COUNT_RE match: a search that starts with a literal.
_COUNT_CORE: Final = re.compile(r"个[“\"‘「]?(?:意识|自信|维护|确立|全面)")


def _count_matches(text: str) -> Iterator[re.Match[str]]:
    """What ``_COUNT_RE.finditer(text)`` finds, found from each 个 instead of trying the
    pattern at every position (a match starts one or two characters before its 个)."""
    last_end = 0
    for core in _COUNT_CORE.finditer(text):
        p = core.start()
        for s in (p - 2, p - 1):
            if s < last_end:
                continue
            m = _COUNT_RE.match(text, s)
            if m is not None and m.start("n") == p - 1:
                yield m
                last_end = m.end()
                break


_NUMBERS: Final = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_FOLLOW_OK: Final = frozenset("的和与及、，。；：！？,.;:!?）)」』”\"'’ \n\r\t")
_NUMERALS: Final = frozenset("一二三四五六七八九十两百千万几第每")


class InventedSetRule(Rule):
    code = "FM002"
    name = "invented-formulation"
    category = Category.FORMULATION
    severity = Severity.CRITICAL
    description = "杜撰或过时的提法，如“四个维护”“三个确立”“五个自信”（2016年7月以后的“三个自信”为过时）"
    trigger = _COUNT_CORE

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.normalized.text
        if "个" not in text:
            return
        counts = load_sets().counts
        for m in _count_matches(text):
            spec = counts.get(m.group("word"))
            if spec is None:
                continue
            n = _NUMBERS[m.group("n")]
            quoted = bool(m.group("q1") or m.group("q2")) and bool(m.group("q3"))
            if m.start("n") > 0 and text[m.start("n") - 1] in _NUMERALS:
                continue  # 十四个意识…, 第四个…
            if not quoted:
                if spec.quoted:
                    continue
                nxt = text[m.end()] if m.end() < len(text) else "\n"
                if nxt not in _FOLLOW_OK:
                    continue  # 两个意识形态, 三个维护站 …
            if n == spec.count:
                continue
            o_start, o_end = ctx.to_original(m.start(), m.end())
            written = ctx.text[o_start:o_end]
            if spec.before_count is not None and n == spec.before_count and spec.before_until is not None:
                if ctx.date <= spec.before_until:
                    continue
                yield Hit(
                    o_start,
                    o_end,
                    (spec.set_name,),
                    f"“{written}”是 {spec.before_until.isoformat()} 以前的提法，现为“{spec.set_name}”。",
                    severity=Severity.ERROR,
                )
                continue
            yield Hit(
                o_start,
                o_end,
                (spec.set_name,),
                f"没有“{written}”的提法，规范表述为“{spec.set_name}”，请核对（生成式工具常杜撰此类提法）。",
            )
