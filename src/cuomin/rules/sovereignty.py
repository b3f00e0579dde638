"""Sovereignty wording that needs context (涉主权表述): what a word list cannot decide alone.

- SV001 中华民国: outside quotation marks and 书名号, and outside a sentence about
  1911–1949 history (辛亥革命, 孙中山, a year of that period); a 民国 year after 38 (民国113年)
  is always a finding.
- SV002 台湾 with 总统/副总统, 政府 or 国家 (台湾总统, 台湾政府, 台湾国家): write 台湾地区领导人,
  台湾当局 or 台湾方面; the same words in quotation marks (台湾“总统”) are left alone.
- SV003 国家 lists that include Taiwan, Hong Kong or Macao (美国、日本、台湾等国家): write
  国家和地区.

Matching runs on the normalised text, so 中華民國 and 臺灣 are found too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from ..model import Category, Severity
from ._support import inside_quotes, sentence_bounds
from .base import DocumentContext, Hit, Rule, RuleContext
from .dates import chinese_number

__all__ = ["RepublicOfChinaRule", "TaiwanTitleRule", "RegionAsCountryRule"]

_ROC_RE: Final = re.compile(r"中华民国")
_ERA_RE: Final = re.compile(r"民国\s*([0-9]{1,3}|[一二三四五六七八九十百〇零]{1,5})\s*年")
_HISTORY_WORDS: Final = (
    "辛亥革命", "孙中山", "中山先生", "临时大总统", "临时政府", "临时约法", "北洋", "国民政府", "民国时期",
    "袁世凯", "蒋介石", "抗日战争", "抗战", "北伐", "清朝", "清王朝", "清政府", "封建帝制", "历史",
    "旧中国", "1949年以前", "解放前", "新中国成立前", "新中国成立以前", "所谓",
)  # fmt: skip
_YEAR_RE: Final = re.compile(r"(1[89]\d\d)年")


def _history_sentence(text: str, start: int, end: int) -> bool:
    lo, hi = sentence_bounds(text, start, end)
    sentence = text[lo:hi]
    if any(w in sentence for w in _HISTORY_WORDS):
        return True
    return any(1894 <= int(m.group(1)) <= 1949 for m in _YEAR_RE.finditer(sentence))


class RepublicOfChinaRule(Rule):
    code = "SV001"
    name = "republic-of-china"
    category = Category.SOVEREIGNTY
    severity = Severity.CRITICAL
    description = "引号外使用“中华民国”或1949年以后的“民国”纪年（叙述1912—1949年历史除外）"
    trigger = re.compile("民国")

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.normalized.text
        if "民国" not in text:
            return
        for m in _ROC_RE.finditer(text):
            if inside_quotes(text, m.start(), m.end()) or _history_sentence(text, m.start(), m.end()):
                continue
            era = _ERA_RE.match(text, m.start() + 2)
            if era is not None:
                continue  # reported below as an era year
            s, e = ctx.to_original(m.start(), m.end())
            yield Hit(
                s,
                e,
                ("台湾地区", "台湾当局"),
                "1949年以后不存在“中华民国”：指台湾时应称“台湾”“台湾地区”或“台湾当局”；确需引用时加引号。",
            )
        for m in _ERA_RE.finditer(text):
            year = int(m.group(1)) if m.group(1).isdigit() else chinese_number(m.group(1).replace("百", ""))
            if year is None or year <= 38:
                continue
            start = m.start() - 2 if text[max(0, m.start() - 2) : m.start()] == "中华" else m.start()
            if inside_quotes(text, start, m.end()):
                continue
            s, e = ctx.to_original(start, m.end())
            yield Hit(
                s,
                e,
                (f"{1911 + year}年",),
                f"“民国{m.group(1)}年”是台湾地区使用的纪年，不得使用，应写公元纪年（{1911 + year}年）。",
            )


_TAIWAN_RE: Final = re.compile(r"台湾(?:地区)?(?:的)?(副总统|总统|政府|国家|国(?=[，。、；！？,.;!?\s]|$))")
_SUGGEST: Final = {
    "总统": ("台湾地区领导人",),
    "副总统": ("台湾地区副领导人",),
    "政府": ("台湾当局", "台湾方面"),
    "国家": ("台湾地区",),
    "国": ("台湾地区",),
}


class TaiwanTitleRule(Rule):
    code = "SV002"
    name = "taiwan-state-title"
    category = Category.SOVEREIGNTY
    severity = Severity.CRITICAL
    description = "“台湾”与“总统”“政府”“国家”连用（应为台湾地区领导人、台湾当局、台湾地区）"
    trigger = re.compile("台湾")

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.normalized.text
        if "台湾" not in text:
            return
        for m in _TAIWAN_RE.finditer(text):
            word = m.group(1)
            if inside_quotes(text, m.start(1), m.end(1)) or inside_quotes(text, m.start(), m.end()):
                continue
            s, e = ctx.to_original(m.start(), m.end())
            yield Hit(
                s,
                e,
                _SUGGEST[word],
                f"台湾是中国的一部分，不能称“{word}”：应写“{'”或“'.join(_SUGGEST[word])}”；"
                "确需引用台湾方面的称谓时加引号。",
            )


_PLACES: Final = ("中国台湾", "中国香港", "中国澳门", "台湾", "香港", "澳门")
_COUNTRY_AFTER_RE: Final = re.compile(
    r"等(?:[0-9一二三四五六七八九十百几多数]+个)?(国家|国)(?!和地区|或地区|及地区|与地区|\(地区\)|（地区）|地区|\(区\)|（区）)"
)
_COUNTRY_BEFORE_RE: Final = re.compile(r"国家(?:包括|有|如|主要有|主要是|是|为)?[：:（(]?")
_ITEM_SPLIT_RE: Final = re.compile(r"[、，,和及与]")
_CJK_RE: Final = re.compile(r"[\u4e00-\u9fff]")
#: 国家 followed by these is a compound (国家机关), not "countries".
_COMPOUNDS: Final = ("级", "机关", "部委", "部门", "标准", "有关", "重点", "战略", "机构", "层面", "政策", "法律", "统计")


def _place_items(segment: str) -> list[str]:
    """Items of a list (split on 、 and 和 …) that name Taiwan, Hong Kong or Macao."""
    found = []
    for item in _ITEM_SPLIT_RE.split(segment):
        item = item.strip()
        for place in _PLACES:
            if item == place or item.endswith(place) and len(item) - len(place) <= 2:
                found.append(place)
                break
    return found


_PLACE_TRIGGERS: Final = (re.compile("台湾"), re.compile("香港"), re.compile("澳门"))


class RegionAsCountryRule(Rule):
    code = "SV003"
    name = "region-listed-as-country"
    category = Category.SOVEREIGNTY
    severity = Severity.CRITICAL
    description = "把台湾、香港、澳门与外国并列称为“国家”（应为“国家和地区”）"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        return self.check_contexts(doc.matching_any(_PLACE_TRIGGERS))

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = ctx.normalized.text
        if not any(p in text for p in ("台湾", "香港", "澳门")):
            return
        for m in _COUNTRY_AFTER_RE.finditer(text):
            if m.group(1) == "国家" and text.startswith(_COMPOUNDS, m.end()):
                continue  # 等国家机关, 等国家部委 …
            if m.group(1) == "国" and _CJK_RE.match(text[m.end() : m.end() + 1]) and not text.startswith(("的", "和", "与", "及", "间", "之"), m.end()):
                continue  # 等国际…, 等国内…
            lo, _ = sentence_bounds(text, m.start(), m.end())
            listing = text[lo : m.start()]
            places = _place_items(listing[listing.rfind("：") + 1 :] if "：" in listing else listing)
            if places and "、" in listing:
                yield self._hit(ctx, m.start(1), m.end(1), places)
        for m in _COUNTRY_BEFORE_RE.finditer(text):
            if text.startswith("和地区", m.start() + 2) or text.startswith("或地区", m.start() + 2):
                continue
            if m.end() == m.start() + 2:
                continue  # a bare 国家 with nothing that introduces a list
            _, hi = sentence_bounds(text, m.start(), m.end())
            stop = min(hi, m.end() + 60)
            listing = text[m.end() : stop]
            close = min((i for i in (listing.find("）"), listing.find(")")) if i != -1), default=len(listing))
            places = _place_items(listing[:close])
            if places and "、" in listing[:close]:
                yield self._hit(ctx, m.start(), m.start() + 2, places)

    @staticmethod
    def _hit(ctx: RuleContext, start: int, end: int, places: list[str]) -> Hit:
        s, e = ctx.to_original(start, end)
        names = "、".join(dict.fromkeys(places))
        return Hit(
            s,
            e,
            ("国家和地区",),
            f"列举中含有{names}：{names}是中国的一部分，不是国家，应写“国家和地区”。",
        )
