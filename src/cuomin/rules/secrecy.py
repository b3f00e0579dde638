"""Secrecy markings (涉密标识): 密级 and distribution marks that must never be published.

- SM001 密级标识: 绝密/机密/秘密 with ★ and a term (秘密★1年), ``密级：机密``, or a line that
  holds nothing but the level (as printed at the top of a classified document).
- SM002 内部标识: 内部资料, 内部文件, 注意保存, 注意保密, 不得外传 … standing alone as a mark.

A mark at the head of a document or attachment (first lines, page header) is critical;
elsewhere a stand-alone mark is an error. The same words inside a sentence (保守国家秘密,
要注意保密) are not marks and are left alone; a mark quoted in a text about marking rules
is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ..model import Category, Severity
from ._support import at_head, inside_quotes, line_bounds
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["ClassificationMarkRule", "InternalMarkRule"]

_STAR_RE: Final = re.compile(
    r"(绝密|机密|秘密)\s*[★☆]\s*(?:[0-9０-９一二三四五六七八九十]+\s*(?:年|个月|月)|长期)?"
)
_LEVEL_RE: Final = re.compile(r"密\s*级\s*[:：]\s*(绝密|机密|秘密)(?:\s*[★☆][^\s，。；]{0,6})?")
_BARE_RE: Final = re.compile(r"^[\s\[【（(〔]*(绝\s*密|机\s*密|秘\s*密)\s*级?[\s\]】）)〕]*$")

_INTERNAL_WORDS: Final = (
    "内部资料", "内部文件", "内部材料", "内部刊物", "内部发行", "内部使用", "内部传阅", "内部参考",
    "注意保存", "注意保密", "不得外传", "严禁外传", "请勿外传", "仅限内部", "仅供内部",
    "不得翻印", "严禁复制", "不宜公开", "请勿公开", "请妥善保管",
)  # fmt: skip
_INTERNAL_RE: Final = re.compile("|".join(sorted(_INTERNAL_WORDS, key=len, reverse=True)))
#: Where SM001 can report, in normalised text (no spaces but line breaks; 機密 folded):
#: 密级, or one of the three levels. Each pattern starts with a literal.
_MARK_TRIGGERS: Final = (re.compile(r"密\s*级"), re.compile("绝密"), re.compile("机密"), re.compile("秘密"))
_FILLER_RE: Final = re.compile(r"[\s\[\]【】（）()〔〕★☆·•,，、。.:：;；!！*＊\-—]+")


def _severity(ctx: RuleContext, start: int, end: int) -> Severity:
    if inside_quotes(ctx.text, start, end):
        return Severity.WARNING
    if at_head(ctx.document.segments, ctx.index, start, ctx.text):
        return Severity.CRITICAL
    return Severity.ERROR


def _where(sev: Severity) -> str:
    return {
        Severity.CRITICAL: "位于文件或附件开头（或页眉），是涉密文件的标志，严禁公开发布。",
        Severity.ERROR: "作为独立标识出现，可能是涉密或内部文件，请核实后再发布。",
        Severity.WARNING: "位于引号内，如为讲解标识规范可保留，否则请删除。",
    }[sev]


class ClassificationMarkRule(Rule):
    code = "SM001"
    name = "classification-mark"
    category = Category.SECRECY
    severity = Severity.CRITICAL
    description = "密级标识（绝密、机密、秘密★1年、密级：机密），位于文件或附件开头时最严重"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        return self.check_contexts(doc.matching_any(_MARK_TRIGGERS))

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.text
        if "密" not in text:
            return
        spans: list[tuple[int, int]] = [(m.start(), m.end()) for m in _LEVEL_RE.finditer(text)]
        for m in _STAR_RE.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
        pos = 0
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            bare = _BARE_RE.match(body)
            if bare is not None:
                s, e = pos + bare.start(1), pos + bare.end(1)
                if not any(a <= s < b for a, b in spans):
                    spans.append((s, e))
            pos += len(line)
        for s, e in sorted(spans):
            sev = _severity(ctx, s, e)
            yield Hit(s, e, ("删除",), f"“{text[s:e].strip()}”是密级标识，{_where(sev)}", severity=sev)


class InternalMarkRule(Rule):
    code = "SM002"
    name = "internal-mark"
    category = Category.SECRECY
    severity = Severity.CRITICAL
    description = "内部资料、内部文件、注意保存、注意保密、不得外传等独立出现的内部标识"
    trigger = _INTERNAL_RE
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.text
        for m in _INTERNAL_RE.finditer(text):
            lo, hi = line_bounds(text, m.start(), m.end())
            line = text[lo:hi]
            rest = _FILLER_RE.sub("", _INTERNAL_RE.sub("", line))
            if rest and not (len(rest) <= 3 and rest in ("请", "请注意", "此件", "本件")):
                continue  # the words sit inside a sentence: not a mark
            sev = _severity(ctx, m.start(), m.end())
            yield Hit(m.start(), m.end(), ("删除",), f"“{m.group(0)}”是内部文件标识，{_where(sev)}", severity=sev)
