"""Personal data (个人信息): ID numbers, mobile numbers, bank cards, landlines, e-mail.

Every number is validated before it becomes a finding, because a government page is full
of long numbers (budget figures, document codes, order numbers):

- PI001 居民身份证号: 18 characters under GB 11643 (valid province code, a birth date that
  exists and is not after the document date, ISO 7064 MOD 11-2 check character), or a
  15-digit old number with a valid date next to a word such as 身份证.
- PI002 手机号码: 11 digits, 1[3-9] and an allocated prefix, not inside a longer run of
  digits, not an amount (元、万 …).
- PI003 银行卡号: 16–19 digits (groups of four may be separated), Luhn check, next to a
  card word (银行卡、卡号、借记卡 …). A unit's public account (账号) is not a finding.
- PI004 固定电话 and PI005 电子邮箱: only in a personal context (本人、家庭住址、申请人 …);
  next to 联系人 they are a warning; hotlines and office numbers are never findings.

Masked forms (138****1234, 35*************123) never match; each finding suggests the
masked form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Final

from ..model import Category, Severity
from ._support import fold_ascii
from .base import Hit, Rule, RuleContext

__all__ = [
    "IdNumberRule",
    "MobileNumberRule",
    "BankCardRule",
    "LandlineRule",
    "EmailRule",
    "id18_valid",
    "id15_valid",
    "luhn_valid",
    "mask",
]

#: First two digits of valid administrative division codes (GB/T 2260), plus 71/81/82/83.
_PROVINCES: Final = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK: Final = "10X98765432"


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def id18_valid(number: str, not_after: dt.date | None = None) -> bool:
    """GB 11643: province code, birth date, ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in _PROVINCES:
        return False
    born = _valid_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    if born is None or born.year < 1880 or (not_after is not None and born > not_after):
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _WEIGHTS))
    return _CHECK[total % 11] == number[17].upper()


def id15_valid(number: str) -> bool:
    """The 15-digit numbers issued before 1999: province code and a valid 19YYMMDD date."""
    if len(number) != 15 or not number.isdigit() or number[:2] not in _PROVINCES:
        return False
    return _valid_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])) is not None


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """Replace the digits (and letters) between the kept head and tail by ``*``; separators
    stay where they are."""
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    hidden = set(positions[keep_start : len(positions) - keep_end])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


# -- contexts ---------------------------------------------------------------------------------
_PERSONAL_WORDS: Final = (
    "本人", "家庭住址", "家庭地址", "家庭电话", "住宅电话", "宅电", "住址", "户籍", "家属", "亲属",
    "监护人", "申请人", "当事人", "患者", "举报人", "被执行人", "个人电话", "个人邮箱", "私人",
    "身份证", "出生日期", "籍贯", "配偶", "紧急联系",
)  # fmt: skip
_CONTACT_WORDS: Final = ("联系人",)
_PUBLIC_WORDS: Final = (
    "热线", "服务电话", "咨询电话", "办公电话", "值班电话", "传真", "举报电话", "投诉电话", "监督电话",
    "办公室电话", "受理电话", "服务热线", "公开电话", "邮政编码", "邮编", "信箱", "来信", "来函",
)  # fmt: skip


_DIGITS_RE: Final = re.compile(r"\d{4}")


def _folded(ctx: RuleContext) -> str | None:
    """The segment text with full-width digits folded, or None when it holds no run of four
    digits (then no number rule can match)."""
    text = fold_ascii(ctx.text)
    return text if _DIGITS_RE.search(text) is not None else None


def _window(text: str, start: int, end: int, before: int = 30, after: int = 12) -> tuple[str, str]:
    """Text before (same line) and after (same line) a match."""
    lo = max(0, start - before)
    nl = max(text.rfind("\n", lo, start), text.rfind("\r", lo, start))
    if nl != -1:
        lo = nl + 1
    hi = min(len(text), end + after)
    for stop in ("\n", "\r"):
        pos = text.find(stop, end, hi)
        if pos != -1:
            hi = pos
    return text[lo:start], text[end:hi]


def _personal_context(text: str, start: int, end: int) -> Severity | None:
    """critical for a clearly personal context, warning next to 联系人, else None."""
    before, after = _window(text, start, end)
    near = before + after
    if any(w in near for w in _PERSONAL_WORDS):
        return Severity.CRITICAL
    if any(w in before[-12:] for w in _PUBLIC_WORDS):
        return None
    if any(w in near for w in _CONTACT_WORDS):
        return Severity.WARNING
    return None


#: What every number these rules look for holds (ID, mobile, card and landline numbers):
#: seven digits with at most one separator among them. One search of the document, shared by
#: PI001–PI004, picks the segments they check.
_DIGIT_GROUP: Final = re.compile(r"\d\d\d(?:[-－ )）]\s?)?\d\d\d\d")

_ID_RE: Final = re.compile(r"(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_ASCII_LETTERS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ID_WORDS: Final = ("身份证", "身份号", "证件号", "公民身份", "证号", "身份信息")


class IdNumberRule(Rule):
    code = "PI001"
    name = "id-number"
    category = Category.PRIVACY
    severity = Severity.CRITICAL
    description = "未脱敏的居民身份证号码（校验位和出生日期有效的18位号码，或带“身份证”字样的15位旧号码）"
    trigger = _DIGIT_GROUP
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = _folded(ctx)
        if text is None:
            return
        for m in _ID_RE.finditer(text):
            if not _starts_a_number(text, m.start()):
                continue  # inside a longer run of digits, a decimal or an alphanumeric code
            number = m.group(1)
            if len(number) == 18:
                if not id18_valid(number, ctx.date):
                    continue
                masked = mask(ctx.text[m.start() : m.end()], 2, 3)
                why = "18位居民身份证号码（校验位、出生日期均有效）未脱敏公开，属于泄露个人信息。"
            else:
                before, _ = _window(text, m.start(), m.end(), before=20, after=0)
                if not id15_valid(number) or not any(w in before for w in _ID_WORDS):
                    continue
                masked = mask(ctx.text[m.start() : m.end()], 2, 3)
                why = "15位旧居民身份证号码未脱敏公开，属于泄露个人信息。"
            yield Hit(m.start(), m.end(), (masked,), why + "公示时应隐去中间位数，如建议所示。")


_MOBILE_RE: Final = re.compile(r"(1[3-9]\d)([- ]?)(\d{4})\2(\d{4})(?!\d)")
_COUNTRY_CODE_RE: Final = re.compile(r"(?:\+|00)?86[- ]?$")


def _starts_a_number(text: str, start: int, allow_country_code: bool = False) -> bool:
    """Is ``start`` the beginning of a number (not inside a longer run of digits, a decimal
    or an alphanumeric code)? With ``allow_country_code``, +86/0086/86 before it is fine."""
    if start == 0:
        return True
    prev = text[start - 1]
    if allow_country_code and prev in "86 -":
        m = _COUNTRY_CODE_RE.search(text, max(0, start - 6), start)
        if m is not None:
            return _starts_a_number(text, m.start())
    return not (prev.isdigit() or prev == "." or prev in _ASCII_LETTERS)
#: Allocated mobile prefixes (three digits).
_MOBILE_PREFIXES: Final = frozenset(
    [str(n) for n in range(130, 140)]
    + ["145", "146", "147", "148", "149", "150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["162", "165", "166", "167", "170", "171", "172", "173", "174", "175", "176", "177", "178"]
    + [str(n) for n in range(180, 190)]
    + [str(n) for n in range(190, 200)]
)
_AMOUNT_AFTER: Final = re.compile(r"\s*(?:元|万|亿|千|百|吨|人|户|个|件|次|平方|米|公里|千克|公斤|kg|m|%|％|美元|港元)")


class MobileNumberRule(Rule):
    code = "PI002"
    name = "mobile-number"
    category = Category.PRIVACY
    severity = Severity.CRITICAL
    description = "未脱敏的手机号码（11位，1[3-9] 开头且号段有效，不在更长的数字串中）"
    trigger = _DIGIT_GROUP
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = _folded(ctx)
        if text is None:
            return
        for m in _MOBILE_RE.finditer(text):
            prefix, tail = m.group(1), m.group(3) + m.group(4)
            if prefix not in _MOBILE_PREFIXES or tail.count("0") >= 7:
                continue
            if _AMOUNT_AFTER.match(text, m.end()) or not _starts_a_number(text, m.start(), True):
                continue
            start = m.start(1)
            yield Hit(
                start,
                m.end(),
                (mask(ctx.text[start : m.end()], 3, 4),),
                "手机号码未脱敏公开，属于泄露个人信息。公示时应隐去中间四位，如建议所示。",
            )


_CARD_RE: Final = re.compile(r"(\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?)(?!\d)")
_CARD_WORDS: Final = (
    "银行卡", "卡号", "借记卡", "信用卡", "储蓄卡", "工资卡", "社保卡", "存折", "一卡通", "惠农卡",
    "个人账户", "个人账号", "持卡人",
)  # fmt: skip


class BankCardRule(Rule):
    code = "PI003"
    name = "bank-card"
    category = Category.PRIVACY
    severity = Severity.CRITICAL
    description = "未脱敏的银行卡号（16～19位，通过 Luhn 校验，附近有“银行卡”“卡号”等字样）"
    trigger = _DIGIT_GROUP
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = _folded(ctx)
        if text is None:
            return
        for m in _CARD_RE.finditer(text):
            if not _starts_a_number(text, m.start()):
                continue
            digits = re.sub(r"[ -]", "", m.group(1))
            if not 16 <= len(digits) <= 19 or not luhn_valid(digits):
                continue
            if len(digits) == 18 and id18_valid(digits):
                continue  # an ID number: PI001 reports it
            if len(set(digits)) <= 2:
                continue
            before, after = _window(text, m.start(), m.end(), before=24, after=6)
            if not any(w in before or w in after for w in _CARD_WORDS):
                continue
            yield Hit(
                m.start(),
                m.end(),
                (mask(ctx.text[m.start() : m.end()], 4, 4),),
                "银行卡号未脱敏公开，属于泄露个人信息。公示时只保留前四位和后四位，如建议所示。",
            )


_LANDLINE_RE: Final = re.compile(r"(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[- ]?)[2-9]\d{6,7}(?:-\d{1,4})?(?!\d)")


class LandlineRule(Rule):
    code = "PI004"
    name = "personal-landline"
    category = Category.PRIVACY
    severity = Severity.CRITICAL
    description = "个人语境中的固定电话号码（如“本人”“家庭住址”附近；单位热线、办公电话不报）"
    trigger = _DIGIT_GROUP
    trigger_on = "original"

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = _folded(ctx)
        if text is None:
            return
        for m in _LANDLINE_RE.finditer(text):
            if not _starts_a_number(text, m.start()):
                continue
            level = _personal_context(text, m.start(), m.end())
            if level is None:
                continue
            raw = ctx.text[m.start() : m.end()]
            digits = "".join(c for c in raw if c.isdigit())
            area = 3 if digits.startswith(("010", "02")) else 4
            yield Hit(
                m.start(),
                m.end(),
                (mask(raw, min(area, len(digits) - 6), 2),),
                "个人固定电话号码未脱敏公开，属于泄露个人信息。请删除或隐去部分号码。"
                + ("（出现在“联系人”旁，请核实是否为个人电话）" if level is Severity.WARNING else ""),
                severity=level,
            )


_EMAIL_RE: Final = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")


class EmailRule(Rule):
    code = "PI005"
    name = "personal-email"
    category = Category.PRIVACY
    severity = Severity.CRITICAL
    description = "个人语境中的电子邮箱（如“本人”“家庭住址”附近；单位公开邮箱不报）"
    trigger = re.compile("@")  # ＠ is folded to @ in normalised text

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        text = fold_ascii(ctx.text)
        if "@" not in text:
            return
        for m in _EMAIL_RE.finditer(text):
            level = _personal_context(text, m.start(), m.end())
            if level is None:
                continue
            local = m.group(1)
            masked = local[:1] + "***@" + m.group(2)
            yield Hit(
                m.start(),
                m.end(),
                (masked,),
                "个人电子邮箱未脱敏公开，属于泄露个人信息。请删除或隐去部分字符。"
                + ("（出现在“联系人”旁，请核实是否为个人邮箱）" if level is Severity.WARNING else ""),
                severity=level,
            )
