"""Filters that cancel candidate hits or findings.

- word boundaries (jieba, on a window) and validity dates/history: used by the dictionary
  rule on its candidates;
- segment filters: run by the checker over all findings of a segment, after every rule
  (quoted corrections, inline suppressions, ...). Each is a function
  ``(ctx, findings) -> findings`` listed in :data:`SEGMENT_FILTERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .boundary import BoundaryChecker
from .duplicates import drop_duplicate_spans
from .quoted import drop_quoted_corrections
from .suppress import apply_suppressions
from .validity import flagged_on, historical_mention

if TYPE_CHECKING:
    from ..model import Finding
    from ..rules.base import RuleContext

__all__ = ["BoundaryChecker", "SEGMENT_FILTERS", "apply_segment_filters", "flagged_on", "historical_mention"]

SegmentFilter = Callable[["RuleContext", Sequence["Finding"]], list["Finding"]]

#: Run in order over each segment's findings: inline suppressions, quoted corrections, then
#: one finding per span.
SEGMENT_FILTERS: tuple[SegmentFilter, ...] = (apply_suppressions, drop_quoted_corrections, drop_duplicate_spans)


def apply_segment_filters(ctx: RuleContext, findings: Sequence[Finding]) -> list[Finding]:
    out = list(findings)
    for f in SEGMENT_FILTERS:
        out = f(ctx, out)
    return out
