"""Format (格式): document numbers, paired punctuation, doubled and half-width punctuation.

- FT001 发文字号括号: the year of a 发文字号 sits in 六角括号 〔〕 (国办发〔2017〕47号), not in
  [] 【】 () （） (error) or the look-alike ﹝﹞ (warning). GB/T 9704-2012.
- FT002 成对标点不配对: an unmatched “” 《》 （） 【】 〔〕 「」 in a paragraph (warning).
  Paragraph-spanning quotations (each paragraph opens with “, only the last closes) and
  list markers such as ``1）`` are left alone.
- FT003 标点重复: 。。 ，， 、、 ，。 … (warning). ……, —— and ！！ are left alone.
- FT004 中文句中半角标点: , ; : ? ! between two Chinese characters (warning).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ..model import Category, Part, Severity
from .base import Hit, Rule, RuleContext

__all__ = ["DocNumberBracketRule", "UnbalancedPairRule", "DoubledPunctuationRule", "HalfWidthPunctuationRule"]

_DOCNO_RE: Final = re.compile(
    r"([\[【(（［〔﹝〖])(?<=[\u4e00-\u9fff].)\s*((?:19|20)\d\d)\s*([\]】)）］〕﹞〗])\s*(第?\s*\d{1,5}\s*号)"
)


_LICENCE_WORDS: Final = ("许可证", "证号", "备案", "ICP", "登记证", "执照")


class DocNumberBracketRule(Rule):
    code = "FT001"
    name = "document-number-brackets"
    category = Category.FORMAT
    severity = Severity.ERROR
    description = "发文字号的年份应使用六角括号〔〕，如 国办发〔2017〕47号（GB/T 9704-2012）"
    trigger = re.compile("号")
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.text
        if "号" not in text:
            return
        for m in _DOCNO_RE.finditer(text):
            opening, closing = m.group(1), m.group(3)
            if opening == "〔" and closing == "〕":
                continue
            if any(w in text[max(0, m.start() - 24) : m.start()] for w in _LICENCE_WORDS):
                continue  # 网络文化经营许可证 文网文[2010]024号: licence numbers keep their own form
            number = re.sub(r"\s+", "", m.group(4))
            right = f"〔{m.group(2)}〕{number}"
            lookalike = opening in "﹝〖" and closing in "﹞〗"
            yield Hit(
                m.start(),
                m.end(),
                (right,),
                f"发文字号中的年份应使用六角括号“〔〕”，写作“{right}”"
                + ("（此处为外形相近的其他括号）" if lookalike else "")
                + "（GB/T 9704-2012《党政机关公文格式》）。",
                severity=Severity.WARNING if lookalike else None,
            )


_OPENERS: Final = {"“": "”", "《": "》", "（": "）", "【": "】", "〔": "〕", "「": "」", "『": "』", "(": ")"}
_CLOSERS: Final = {v: k for k, v in _OPENERS.items()}
_PAIR_RE: Final = re.compile("[" + re.escape("".join(_OPENERS) + "".join(_CLOSERS)) + "]")
# One line whose pairs are all closed and none nested: what most paragraphs are, and where
# the rule has nothing to report. Written as "other* (pair other*)*", which a regular
# expression engine matches in one pass without backtracking.
_BREAKS: Final = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines ends a line
_OTHER: Final = "[^" + re.escape("".join(_OPENERS) + "".join(_CLOSERS)) + _BREAKS + "]"
_FLAT_BALANCED_RE: Final = re.compile(
    f"{_OTHER}*(?:(?:" + "|".join(f"{re.escape(o)}{_OTHER}*{re.escape(c)}" for o, c in _OPENERS.items()) + f"){_OTHER}*)*"
)
# Every line flat and balanced: then so is every paragraph (a run of lines), and there is
# nothing to report. Most multi-line texts (a plain-text submission) are like this.
_FLAT_LINES_RE: Final = re.compile(f"(?:{_FLAT_BALANCED_RE.pattern})(?:[{_BREAKS}](?:{_FLAT_BALANCED_RE.pattern}))*")
_LIST_MARK_RE: Final = re.compile(r"(?:^|(?<=[\s；;。，,：:]))[0-9a-zA-Z一二三四五六七八九十①-⑳]{1,3}$", re.M)
_EMOTICON_RE: Final = re.compile(r"[:;][-']?$")


#: Parts that are not prose: meta keywords are comma lists, link text is a label.
_NOT_PROSE: Final = (Part.META, Part.LINK)


def _prose(ctx: RuleContext) -> bool:
    loc = ctx.segment.location
    return loc is None or loc.part not in _NOT_PROSE


_PARAGRAPH_END: Final = tuple("。！？；：…”’」』!?;:")


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Paragraphs: a line break ends one only after sentence-final punctuation or a blank
    line; a line that stops mid-sentence (wrapped text, a link on its own line in exported
    pages) continues into the next."""
    start = None
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip(" \t\u3000")
        end = pos + len(body)
        if start is None:
            start = pos
        if not stripped or stripped.endswith(_PARAGRAPH_END) or line == body:
            yield start, end
            start = None
        pos += len(line)
    if start is not None:
        yield start, len(text)


class UnbalancedPairRule(Rule):
    code = "FT002"
    name = "unbalanced-pairs"
    category = Category.FORMAT
    severity = Severity.WARNING
    description = "引号、书名号、括号在段内不配对"
    trigger = _PAIR_RE
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.text
        if not _prose(ctx) or not any(c in text for c in "“”《》（）【】〔〕「」『』()"):
            return
        if _FLAT_LINES_RE.fullmatch(text) is not None:
            return  # in every line, every pair closed and none nested
        yield from self._unbalanced(text)

    def _unbalanced(self, text: str) -> Iterator[Hit]:
        """The pairs left open or closed twice, paragraph by paragraph."""
        paragraphs = list(_paragraphs(text))
        for n, (lo, hi) in enumerate(paragraphs):
            stack: list[tuple[str, int]] = []
            for m in _PAIR_RE.finditer(text, lo, hi):
                ch, i = m.group(0), m.start()
                if ch in _OPENERS:
                    stack.append((ch, i))
                    continue
                opener = _CLOSERS[ch]
                if stack and stack[-1][0] == opener:
                    stack.pop()
                    continue
                if any(o == opener for o, _ in stack):
                    # close an outer pair; the inner openers left open are reported
                    while stack and stack[-1][0] != opener:
                        yield self._hit(*stack.pop(), False)
                    stack.pop()
                    continue
                if ch in "）)" and _LIST_MARK_RE.search(text, lo, i) is not None:
                    continue  # 1） 2） list markers
                if ch == ")" and _EMOTICON_RE.search(text[max(lo, i - 2) : i]):
                    continue
                yield self._hit(ch, i, True)
            for opener, i in stack:
                if opener == "“" and self._continued_quote(text, paragraphs, n, i):
                    continue
                yield self._hit(opener, i, False)

    @staticmethod
    def _continued_quote(text: str, paragraphs: list[tuple[int, int]], n: int, at: int) -> bool:
        """A quotation over several paragraphs: the next paragraph opens with “ again."""
        for lo, hi in paragraphs[n + 1 :]:
            body = text[lo:hi].lstrip(" \t\u3000")
            if not body:
                continue
            return body.startswith("“")
        return False

    def _hit(self, ch: str, i: int, closing: bool) -> Hit:
        if closing:
            why = f"“{ch}”没有对应的“{_CLOSERS[ch]}”"
        else:
            why = f"“{ch}”没有对应的“{_OPENERS[ch]}”"
        return Hit(i, i + 1, (), f"成对标点不配对：{why}，请检查是否漏写或多写。")


_DOUBLED_RE: Final = re.compile(r"([。，、；：？！])(?:\s*[。，、；：])+|([，、；：])\s*[？！]")


class DoubledPunctuationRule(Rule):
    code = "FT003"
    name = "doubled-punctuation"
    category = Category.FORMAT
    severity = Severity.WARNING
    description = "标点重复或连用，如“。。”“，，”“，。”"
    trigger = re.compile(r"[。，、；：？！]\s*[。，、；：？！]")
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        if not _prose(ctx):
            return
        for m in _DOUBLED_RE.finditer(ctx.text):
            chars = re.sub(r"\s+", "", m.group(0))
            yield Hit(m.start(), m.end(), (chars[-1] if chars[0] in "，、；：" else chars[0],), f"标点“{chars}”重复或连用，只保留一个。")


_HALF_RE: Final = re.compile(r"([,;:?!])(?<=[\u4e00-\u9fff].)(?=[\u4e00-\u9fff])")
_FULL: Final = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


class HalfWidthPunctuationRule(Rule):
    code = "FT004"
    name = "half-width-punctuation"
    category = Category.FORMAT
    severity = Severity.WARNING
    description = "中文句子中使用了半角标点（, ; : ? !），应使用全角标点"
    trigger = _HALF_RE
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        if not _prose(ctx):
            return
        for m in _HALF_RE.finditer(ctx.text):
            ch = m.group(1)
            yield Hit(m.start(), m.end(), (_FULL[ch],), f"中文句子中应使用全角标点“{_FULL[ch]}”，而不是半角“{ch}”。")
