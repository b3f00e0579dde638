"""One finding per place: when a rule and a dictionary entry report the same error (the
dictionary lists 台湾总统 and the sovereignty rule finds it too; 总理李克强 in the dictionary,
国务院总理李克强 for the leader rule), the editor sees it once.

- Of rule findings on the very same span, the most severe is kept.
- A rule finding that overlaps a dictionary finding of the same category, at least as
  severe, is dropped: the dictionary entry carries the curated
  explanation, basis and layer.

Findings of different categories that merely overlap are all kept (a suppression without a
reason next to the typo it meant to silence, an unbalanced bracket next to doubled
punctuation), and so are empty spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Finding
    from ..rules.base import RuleContext

__all__ = ["drop_duplicate_spans"]


def _from_dictionary(f: Finding) -> bool:
    return f.layer != "rule"


def drop_duplicate_spans(ctx: RuleContext, findings: Sequence[Finding]) -> list[Finding]:
    if len(findings) < 2:
        return list(findings)
    dictionary = [f for f in findings if _from_dictionary(f)]
    best: dict[tuple[int, int], Finding] = {}
    for f in findings:
        if _from_dictionary(f) or f.start == f.end:
            continue
        if any(
            d.start < f.end
            and f.start < d.end
            and d.category is f.category
            and d.severity.rank >= f.severity.rank
            for d in dictionary
        ):
            continue
        key = (f.start, f.end)
        other = best.get(key)
        if other is None or f.severity.rank > other.severity.rank:
            best[key] = f
    kept_rules = {id(f) for f in best.values()}
    return [f for f in findings if _from_dictionary(f) or f.start == f.end or id(f) in kept_rules]
