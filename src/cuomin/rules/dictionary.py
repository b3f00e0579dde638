"""The dictionary rule: layered 错敏词库 matched with one automaton pass per segment.

Candidates are filtered in order of cost: validity dates, allow phrases that cover the hit,
history exemptions for outdated names, and (only for entries that ask for it) a jieba
word-boundary check on a small window. Of overlapping survivors, a hit that lies inside a
longer one is dropped, and of hits on the same span the most severe is kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from ..dictionary.records import Entry
from ..filters.boundary import BoundaryChecker, shared_boundary_checker
from ..filters.validity import flagged_on, historical_mention
from ..model import Category, Severity
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["DictionaryRule", "CODE_BY_CATEGORY"]

#: The code of a dictionary finding says its category, so that ``ignore = ["WD7"]``
#: silences usage warnings.
CODE_BY_CATEGORY: Final = {
    Category.LEADER: "WD100",
    Category.NAME: "WD200",
    Category.FORMULATION: "WD300",
    Category.SOVEREIGNTY: "WD400",
    Category.OUTDATED: "WD500",
    Category.TYPO: "WD600",
    Category.USAGE: "WD700",
    Category.SENSITIVE: "WD800",
    Category.SECRECY: "WD900",
    Category.PRIVACY: "WD910",
    Category.DATE: "WD920",
    Category.FORMAT: "WD930",
    Category.LINK: "WD940",
    Category.FILE: "WD950",
}


class DictionaryRule(Rule):
    code = "WD000"
    name = "dictionary"
    category = Category.TYPO
    severity = Severity.ERROR
    description = "按分层错敏词库（国家、省、市、县、单位）查找错误和敏感表述"
    extra_codes = tuple(sorted(set(CODE_BY_CATEGORY.values())))

    def __init__(self, options: dict[str, object] | None = None) -> None:
        super().__init__(options)
        cache = self.options.get("cache_dir")
        self._boundary = shared_boundary_checker(str(cache) if cache else None)

    @property
    def boundary_checker(self) -> BoundaryChecker:
        return self._boundary

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        # Segments without a dictionary key in them have nothing to report.
        return self.check_contexts(doc.with_occurrences())

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        d = ctx.dictionary
        if d is None:
            return
        occurrences = ctx.occurrences if ctx.occurrences is not None else d.scan(ctx.normalized)
        if not occurrences:
            return
        key_hits, key_allows, key_any = d.key_hits, d.key_allows, d.key_allow_any
        entries = d.entries
        allows = [(s, e, k) for s, e, k in occurrences if key_allows[k] or key_any[k]]
        text = ctx.normalized.text
        date = ctx.date
        survivors: list[tuple[int, int, int]] = []
        for s, e, k in occurrences:
            for ei in key_hits[k]:
                entry = entries[ei]
                if not flagged_on(entry, date):
                    continue
                if allows and any(
                    a_s <= s and e <= a_e and (key_any[a] or ei in key_allows[a]) for a_s, a_e, a in allows
                ):
                    continue
                if (
                    entry.valid_until is not None
                    and date > entry.valid_until
                    and historical_mention(text, s, e, entry.valid_until) is not None
                ):
                    continue
                if entry.boundary and not self._boundary.on_boundaries(text, s, e):
                    continue
                survivors.append((s, e, ei))
        for s, e, ei in _resolve_overlaps(survivors, entries):
            entry = entries[ei]
            start, end = ctx.to_original(s, e)
            explanation = entry.full_explanation()
            if entry.valid_until is not None and date > entry.valid_until:
                explanation += f"（该写法只在 {entry.valid_until.isoformat()} 及以前正确，文档日期 {date.isoformat()}）"
            elif entry.valid_from is not None and date < entry.valid_from:
                explanation += f"（该写法自 {entry.valid_from.isoformat()} 起才正确，文档日期 {date.isoformat()}）"
            yield Hit(
                start=start,
                end=end,
                suggestions=entry.suggestions,
                explanation=explanation,
                code=CODE_BY_CATEGORY[entry.category],
                category=entry.category,
                severity=entry.severity,
                layer=entry.layer,
                entry=entry.id,
            )


def _resolve_overlaps(hits: list[tuple[int, int, int]], entries: Sequence[Entry]) -> list[tuple[int, int, int]]:
    """Drop hits that lie inside a longer hit; keep the most severe hit of a span."""
    if len(hits) <= 1:
        return hits
    best: dict[tuple[int, int], int] = {}
    for s, e, ei in hits:
        prev = best.get((s, e))
        if prev is None or entries[ei].severity.rank > entries[prev].severity.rank:
            best[(s, e)] = ei
    spans = sorted(best, key=lambda span: (span[0], -(span[1] - span[0])))
    kept: list[tuple[int, int, int]] = []
    reach_end = -1  # furthest end among kept spans that started at or before this one
    cover: list[tuple[int, int]] = []
    for s, e in spans:
        if e <= reach_end and any(cs <= s and e <= ce and (ce - cs) > (e - s) for cs, ce in cover):
            continue
        kept.append((s, e, best[(s, e)]))
        cover.append((s, e))
        reach_end = max(reach_end, e)
    return kept
