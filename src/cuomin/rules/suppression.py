"""Inline suppressions that are themselves problems.

An HTML comment ``<!-- cuomin: ignore CODE 理由 -->`` silences findings whose code starts with
CODE in the next block (the filter :mod:`cuomin.filters.suppress` applies it). An editor
must say why:

- SP001 忽略注释缺少理由: a suppression without a reason does not apply, and is reported.
- SP002 忽略注释的代码无效: a suppression whose code is malformed or matches no installed rule.

Both findings sit on the start of the block the comment applies to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ..model import Category, Severity
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["SuppressionRule", "SUPPRESS_ALL", "PREFIX_PATTERN"]

#: Suppression codes that silence every finding of the block.
SUPPRESS_ALL: Final = frozenset({"", "ALL", "*"})
#: A code prefix: one or two capital letters and up to three digits (W, WD, WD6, WD600).
PREFIX_PATTERN: Final = re.compile(r"^[A-Z]{1,2}[0-9]{0,3}$")


def _anchor(text: str) -> tuple[int, int]:
    """The first line of the block, at most 20 characters: where the finding is shown."""
    stripped = len(text) - len(text.lstrip())
    end = stripped
    while end < len(text) and end - stripped < 20 and text[end] not in "\r\n":
        end += 1
    return stripped, end


class SuppressionRule(Rule):
    code = "SP001"
    name = "suppression-without-reason"
    category = Category.FORMAT
    severity = Severity.WARNING
    description = "忽略注释（<!-- cuomin: ignore 代码 理由 -->）没有写明理由，因而不生效"
    extra_codes = ("SP002",)

    def __init__(self, options: dict[str, object] | None = None) -> None:
        super().__init__(options)
        self._known: tuple[str, ...] | None = None

    def _codes(self) -> tuple[str, ...]:
        if self._known is None:
            from .registry import discover_rules

            self._known = tuple(c for cls in discover_rules().values() for c in cls.codes())
        return self._known

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        return self.check_contexts(doc.with_suppressions())

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        if not ctx.segment.suppressions:
            return
        start, end = _anchor(ctx.text)
        for prefix, reason in ctx.segment.suppressions:
            prefix = prefix.strip()
            if prefix not in SUPPRESS_ALL and (
                not PREFIX_PATTERN.match(prefix) or not any(c.startswith(prefix) for c in self._codes())
            ):
                yield Hit(
                    start,
                    end,
                    (),
                    f"忽略注释中的代码“{prefix}”无效（应为规则代码或其前缀，如 WD600、PI；用 cuomin rules 查看），"
                    "该注释不生效。",
                    code="SP002",
                )
                continue
            if not reason.strip():
                yield Hit(
                    start,
                    end,
                    (),
                    f"忽略注释“cuomin: ignore {prefix}”没有写明理由，因而不生效：请在代码后写明为什么可以忽略，"
                    f"如 <!-- cuomin: ignore {prefix} 引用通报原文 -->。",
                )
