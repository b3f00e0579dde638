"""Leader names and titles (领导人姓名职务) against a dated table.

- LD001 职务与姓名不符: a post written right before a name (国务院总理李克强) must match who held
  that post at the document date. History is left alone: 时任/原/前 before the post, a year
  of the person's tenure in the sentence, an obituary or commemoration.
- LD002 常委排序: when members of the Politburo Standing Committee in office at the document
  date are listed together (separated only by 、，和 …), they must come in their order.

The table lives in ``cuomin/data/leaders.toml`` and is read at first use.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ..data import read_toml
from ..errors import RuleError
from ..model import Category, Severity
from ._support import literal_patterns, sentence_bounds
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["PostNameRule", "StandingCommitteeOrderRule", "LeaderTable", "leader_table"]


@dataclass(frozen=True, slots=True)
class Tenure:
    person: str
    post: str
    start: dt.date
    end: dt.date | None  # inclusive; None = in office

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def describe(self) -> str:
        end = "今" if self.end is None else _cn_date(self.end)
        return f"{self.person}于{_cn_date(self.start)}至{end}任{self.post}"


@dataclass(frozen=True, slots=True)
class Committee:
    name: str
    start: dt.date
    members: tuple[str, ...]


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True, slots=True)
class LeaderTable:
    aliases: dict[str, str]  # written form → post
    tenures: tuple[Tenure, ...]
    committees: tuple[Committee, ...]
    persons: tuple[str, ...]  # longest first
    alias_re: re.Pattern[str]

    def holders(self, post: str, day: dt.date) -> list[str]:
        return [t.person for t in self.tenures if t.post == post and t.covers(day)]

    def tenures_of(self, person: str, post: str) -> list[Tenure]:
        return [t for t in self.tenures if t.person == person and t.post == post]

    def committee_on(self, day: dt.date) -> Committee | None:
        current = None
        for c in self.committees:
            if c.start <= day:
                current = c
        return current


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(f"cuomin/data/leaders.toml：{where} 的日期“{value}”格式不对") from None


@functools.lru_cache(maxsize=1)
def leader_table() -> LeaderTable:
    data = read_toml("leaders.toml")
    aliases: dict[str, str] = {}
    for post, spec in data.get("post", {}).items():
        for alias in spec.get("aliases", [post]):
            aliases[str(alias)] = str(post)
    tenures = []
    for t in data.get("tenure", []):
        where = f"{t.get('person')} {t.get('post')}"
        if t.get("post") not in data.get("post", {}):
            raise RuleError(f"cuomin/data/leaders.toml：{where} 的职务不在 [post] 中")
        tenures.append(
            Tenure(str(t["person"]), str(t["post"]), _date(t["from"], where), _date(t["to"], where) if "to" in t else None)
        )
    committees = tuple(
        Committee(str(c["name"]), _date(c["from"], str(c["name"])), tuple(c["members"])) for c in data.get("committee", [])
    )
    persons = {t.person for t in tenures} | {m for c in committees for m in c.members}
    alias_re = re.compile("|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True)))
    return LeaderTable(aliases, tuple(tenures), committees, tuple(sorted(persons, key=len, reverse=True)), alias_re)


_FORMER: Final = ("时任", "原任", "曾任", "历任", "前任", "原", "前", "已故", "故")
_MEMORIAL_WORDS: Final = ("逝世", "追悼", "悼念", "生平", "诞辰", "纪念", "遗体", "生前", "回忆", "缅怀", "当年", "曾经", "时任")
_YEAR_RE: Final = re.compile(r"((?:19|20)\d\d)年")


def _historical(text: str, start: int, end: int, tenures: list[Tenure]) -> bool:
    if any(text[max(0, start - len(w)) : start] == w for w in _FORMER):
        return True
    lo, hi = sentence_bounds(text, start, end)
    sentence = text[lo:hi]
    if any(w in sentence for w in _MEMORIAL_WORDS):
        return True
    for m in _YEAR_RE.finditer(sentence):
        year = int(m.group(1))
        for t in tenures:
            if t.start.year <= year <= (t.end.year if t.end else 9999):
                return True
    return False


class PostNameRule(Rule):
    code = "LD001"
    name = "post-name-mismatch"
    category = Category.LEADER
    severity = Severity.CRITICAL
    description = "“职务+姓名”与文档日期时的任职不符，如2024年文中的“国务院总理李克强”"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        return self.check_contexts(doc.matching(leader_table().alias_re))


    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        table = leader_table()
        text = ctx.normalized.text
        for m in table.alias_re.finditer(text):
            post = table.aliases[m.group(0)]
            person = next((p for p in table.persons if text.startswith(p, m.end())), None)
            if person is None:
                continue
            mine = table.tenures_of(person, post)
            if any(t.covers(ctx.date) for t in mine):
                continue
            end = m.end() + len(person)
            if _historical(text, m.start(), end, mine):
                continue
            holders = table.holders(post, ctx.date)
            o_start, o_end = ctx.to_original(m.start(), end)
            written = ctx.text[o_start:o_end]
            post_written = m.group(0)
            when = _cn_date(ctx.date)
            if holders:
                now = f"{when}的{post}是{'、'.join(holders)}"
            else:
                now = f"{when}没有在任的{post}记录"
            past = "；".join(t.describe() for t in mine) if mine else f"{person}未担任过{post}"
            suggestions = [f"{post_written}{h}" for h in holders]
            if mine:
                suggestions.append(f"时任{written}")
            yield Hit(
                o_start,
                o_end,
                tuple(suggestions),
                f"“{written}”与文档日期不符：{past}，{now}。如为叙述历史，请写明“时任”或年份。",
            )


_GAP_RE: Final = re.compile(r"^(?:同志|总书记|等)?[、，,\s和及与·]{0,2}$")


class StandingCommitteeOrderRule(Rule):
    code = "LD002"
    name = "standing-committee-order"
    category = Category.LEADER
    severity = Severity.CRITICAL
    description = "同时列出中央政治局常委时，排序与文档日期时的常委会排名不一致"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        committee = leader_table().committee_on(doc.date)
        if committee is None:
            return iter(())
        return self.check_contexts(doc.matching_any(literal_patterns(committee.members)))


    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        table = leader_table()
        committee = table.committee_on(ctx.date)
        if committee is None:
            return
        text = ctx.normalized.text
        rank = {name: i for i, name in enumerate(committee.members)}
        if sum(1 for name in committee.members if name in text) < 3:
            return
        names = sorted(
            (pos, name) for name in table.persons for pos in _find_all(text, name)
        )
        chain: list[tuple[int, str]] = []
        for pos, name in names:
            if chain and pos < chain[-1][0] + len(chain[-1][1]):
                continue  # overlapping (李强 inside 李克强 is not possible, but be safe)
            if chain and _GAP_RE.match(text[chain[-1][0] + len(chain[-1][1]) : pos]) is None:
                yield from self._judge(ctx, chain, rank, committee)
                chain = []
            chain.append((pos, name))
        yield from self._judge(ctx, chain, rank, committee)

    def _judge(
        self, ctx: RuleContext, chain: list[tuple[int, str]], rank: dict[str, int], committee: Committee
    ) -> Iterator[Hit]:
        members = [(pos, name) for pos, name in chain if name in rank]
        if len(members) < 3:
            return
        order = [rank[name] for _, name in members]
        if order == sorted(order):
            return
        start = chain[0][0]
        end = chain[-1][0] + len(chain[-1][1])
        o_start, o_end = ctx.to_original(start, end)
        right = "、".join(sorted((name for _, name in members), key=lambda n: rank[n]))
        yield Hit(
            o_start,
            o_end,
            (right,),
            f"同时列出中央政治局常委时应按排名：{'、'.join(committee.members)}（{committee.name}）。此处顺序有误。",
        )


def _find_all(text: str, word: str) -> Iterator[int]:
    pos = text.find(word)
    while pos != -1:
        yield pos
        pos = text.find(word, pos + 1)
