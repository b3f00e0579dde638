"""Quoted corrections: a notice that quotes an error contains the wrong form legitimately.

In 将“扫黑除恶”错误表述为“扫黑险恶”, “扫黑险恶”应为“扫黑除恶”, 把“X”误写成“Y”, “Y”（应为“X”）
or 错误表述：“Y”, the quoted wrong form is not a finding: findings that lie inside its
quotation marks are dropped. Nothing else is touched: the same wrong form elsewhere in the
text, unquoted, is still reported.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ..model import Finding
    from ..rules.base import RuleContext

__all__ = ["drop_quoted_corrections", "wrong_form_spans"]

log = logging.getLogger(__name__)

_Q: Final = r"[“\"「『‘]([^“”\"「」『』‘’\n]{1,60})[”\"」』’]"

#: (pattern, group of the wrong form)
_PATTERNS: Final = (
    # 将“X”错误表述为“Y” / 把“X”误写成“Y” / 误将“X”写为“Y”
    (re.compile(rf"(?:将|把)\s*{_Q}\s*(?:错误地|错误|误|错)?\s*(?:表述|写|写成|写作|表达|称|称为|表示|打|印|录入|标注)(?:为|成|作)?\s*{_Q}"), 2),
    (re.compile(rf"(?:误将|错将|误把|错把)\s*{_Q}\s*(?:表述|写|写成|写作|表达|称|打|印|录入|标注)?(?:为|成|作)\s*{_Q}"), 2),
    # “Y”应为“X” / “Y”应改为“X” / “Y”更正为“X” / “Y”系“X”之误 / “Y”改为“X”
    (re.compile(rf"{_Q}\s*[，,]?\s*(?:应为|应是|应当为|应改为|应更正为|更正为|改为|修改为|纠正为|系)\s*{_Q}"), 1),
    # “Y”（应为“X”）
    (re.compile(rf"{_Q}\s*[（(]\s*应为\s*{_Q}"), 1),
    # 错误表述：“Y” / 错误内容为“Y” / 错误：“Y”
    (re.compile(rf"(?:错误表述|错误内容|错误信息|错误用语|错别字|误写)\s*(?:为|是)?\s*[:：]?\s*{_Q}"), 1),
    (re.compile(rf"错误\s*[:：]\s*{_Q}"), 1),
)


def wrong_form_spans(text: str) -> list[tuple[int, int]]:
    """Spans (inside the quotation marks) of wrong forms quoted by a correction."""
    if not any(q in text for q in "“\"「『‘"):
        return []
    spans: set[tuple[int, int]] = set()
    for pattern, group in _PATTERNS:
        for m in pattern.finditer(text):
            spans.add((m.start(group), m.end(group)))
    return sorted(spans)


# A correction sentence is at most two quotations of 60 characters plus a few words, so
# only this much text around a finding can hold the correction that quotes it.
_REACH: Final = 150


def _windows(findings: Sequence[Finding], length: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted((max(0, f.start - _REACH), min(length, f.end + _REACH)) for f in findings):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


_OPENERS: Final = "“\"「『‘"
_CLOSERS: Final = "”\"」』’"


def _quoted(text: str, start: int, end: int) -> bool:
    """Does ``text[start:end]`` sit inside a quotation of at most 60 characters?"""
    lo = max(0, start - 60)
    opened = max(text.rfind(q, lo, start) for q in _OPENERS)
    if opened == -1 or any(text.find(q, opened + 1, start) != -1 for q in _CLOSERS if q != text[opened]):
        return False
    return any(text.find(q, end, end + 60) != -1 for q in _CLOSERS)


def drop_quoted_corrections(ctx: RuleContext, findings: Sequence[Finding]) -> list[Finding]:
    if not findings:
        return list(findings)
    text = ctx.text
    quoted = [f for f in findings if _quoted(text, f.start, f.end)]
    if not quoted:
        return list(findings)
    spans = [
        (lo + s, lo + e) for lo, hi in _windows(quoted, len(text)) for s, e in wrong_form_spans(text[lo:hi])
    ]
    if not spans:
        return list(findings)
    kept: list[Finding] = []
    for f in findings:
        if any(s <= f.start and f.end <= e for s, e in spans):
            log.debug("dropped %s %r: quoted as the wrong form of a correction", f.code, f.match)
            continue
        kept.append(f)
    return kept
