"""Apply inline suppressions (``<!-- cuomin: ignore CODE 理由 -->``) to a segment's findings.

A suppression with a reason drops the findings whose code starts with its code (no code,
``ALL`` or ``*``: every finding) in the block it precedes. A suppression without a reason, or with a
code that is not valid, does not apply; the rule SP001/SP002 reports it, and those two
codes can never be suppressed themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from ..rules.suppression import PREFIX_PATTERN, SUPPRESS_ALL

if TYPE_CHECKING:
    from ..model import Finding
    from ..rules.base import RuleContext

__all__ = ["apply_suppressions"]

log = logging.getLogger(__name__)

_NEVER: Final = ("SP",)


def apply_suppressions(ctx: RuleContext, findings: Sequence[Finding]) -> list[Finding]:
    active = [
        p.strip()
        for p, reason in ctx.segment.suppressions
        if reason.strip() and (p.strip() in SUPPRESS_ALL or PREFIX_PATTERN.match(p.strip()))
    ]
    if not active or not findings:
        return list(findings)
    kept: list[Finding] = []
    for f in findings:
        if not f.code.startswith(_NEVER) and any(p in SUPPRESS_ALL or f.code.startswith(p) for p in active):
            log.debug("suppressed %s %r at %d by an inline comment", f.code, f.match, f.start)
            continue
        kept.append(f)
    return kept
