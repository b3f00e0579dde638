"""Plain text in the encodings Chinese government sites use."""

from __future__ import annotations

import codecs
import re

from ..errors import InputError
from ..model import Document, DocumentMeta, Segment

__all__ = ["decode_text", "extract_text", "looks_binary", "looks_utf16"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte is zero in ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zero = sample[0::2].count(0) / (len(sample) / 2)
    odd_zero = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


_BINARY_RE = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_SAMPLE = 20_000


def looks_binary(text: str) -> bool:
    """Control characters that no text file has: this is binary data."""
    sample = text[:4096]
    return "\x00" in sample or len(_BINARY_RE.findall(sample)) > len(sample) / 100


# What non-ASCII text in Chinese documents is made of: CJK characters, CJK and general
# punctuation (“”…—), full-width forms, Latin-1 symbols (°, ×; not its letters). GBK bytes that happen to
# be valid UTF-8 decode to IPA, Latin-extended, Greek or Cyrillic letters instead.
_PLAUSIBLE_RE = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
    "\u2000-\u206f\u2100-\u22ff\u2460-\u24ff\u25a0-\u25ff\u00a0-\u00bf\u00d7\u00f7]"
)


def _chinese_ratio(text: str) -> float:
    """Share of plausible characters among the non-ASCII ones (1.0 when all ASCII)."""
    sample = text[:_SAMPLE]
    non_ascii = sum(1 for ch in sample if ord(ch) > 0x7F)
    if not non_ascii:
        return 1.0
    return len(_PLAUSIBLE_RE.findall(sample)) / non_ascii


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16/32 with BOM or detected, or GB18030 (covers
    GBK and GB2312). Returns (text, encoding). Raises InputError when none fits.

    Short GBK text is often valid UTF-8 as well (省 is CA A1, which UTF-8 reads as ʡ): when
    both decode, the reading with clearly more Chinese characters wins, UTF-8 on a tie.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(f"文件声明为 {encoding} 编码，但第 {exc.start} 字节处无法解码") from None
    guess = looks_utf16(data)
    if guess:
        try:
            text = data.decode(guess)
            if not looks_binary(text):
                return text, guess
        except UnicodeDecodeError:
            pass
    utf8: str | None = None
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if utf8 is not None and not looks_binary(utf8):
        utf8_ratio = _chinese_ratio(utf8)
        if utf8_ratio >= 0.8:
            return utf8, "utf-8"
    else:
        utf8 = None
        utf8_ratio = 0.0
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    if gb is not None and not looks_binary(gb) and (utf8 is None or _chinese_ratio(gb) > utf8_ratio + 0.2):
        return gb, "gb18030"
    if utf8 is not None:
        return utf8, "utf-8"
    raise InputError("无法识别文本编码（不是 UTF-8、UTF-16 或 GB18030/GBK），请转换为 UTF-8 后再检查")


def extract_text(data: bytes, *, name: str | None = None) -> Document:
    """One segment holding the whole decoded text, so offsets index the decoded file."""
    text, encoding = decode_text(data)
    return Document(
        segments=(Segment(text),),
        meta=DocumentMeta(path=name, media_type="text/plain", extra=(("encoding", encoding),)),
    )
