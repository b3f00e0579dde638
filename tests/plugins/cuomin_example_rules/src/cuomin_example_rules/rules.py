"""EX001: informal abbreviations of unit names (单位名称简称不规范).

A unit's own rule: official documents name units in full or by their approved short form;
internal slang such as 市府办 should not reach the website.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from cuomin import Category, DocumentContext, Hit, Rule, RuleContext, Severity

__all__ = ["UnitAbbreviationRule"]

DEFAULT_ABBREVIATIONS: dict[str, str] = {
    "市府办": "市政府办公室",
    "县府办": "县政府办公室",
    "区府办": "区政府办公室",
    "市委办": "市委办公室",
}


class UnitAbbreviationRule(Rule):
    code = "EX001"
    name = "unit-abbreviation"
    category = Category.NAME
    severity = Severity.WARNING
    description = "单位名称使用了不规范的简称（如“市府办”），应写全称"
    option_names = ("abbreviations",)

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(options)
        table = self.options.get("abbreviations", DEFAULT_ABBREVIATIONS)
        if not isinstance(table, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and k for k, v in table.items()
        ):
            raise ValueError("abbreviations 应为“简称 = 全称”的表")
        self._table = dict(table)
        self._pattern = re.compile("|".join(re.escape(k) for k in sorted(self._table, key=len, reverse=True)))

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        # Only segments that hold an abbreviation: one search over the whole document. (A
        # fixed pattern would be the class attribute ``trigger``; this one comes from options.)
        return self.check_contexts(doc.matching(self._pattern))

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        # Match on the normalised text (traditional characters, spaces inside the word),
        # report offsets in the original text.
        for m in self._pattern.finditer(ctx.normalized.text):
            start, end = ctx.to_original(m.start(), m.end())
            full = self._table[m.group(0)]
            yield Hit(start, end, (full,), f"“{m.group(0)}”是内部简称，对外发布应写全称“{full}”。")
