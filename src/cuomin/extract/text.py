"""Plain text in the encodings Chinese government sites use."""

from __future__ import annotations

import codecs

from ..errors import InputError
from ..model import Document, DocumentMeta, Segment

__all__ = ["decode_text", "extract_text"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_utf16(data: bytes) -> str | None:
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


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16/32 with BOM, or GB18030 (covers GBK and
    GB2312). Returns (text, encoding). Raises InputError when none fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(f"文件声明为 {encoding} 编码，但第 {exc.start} 字节处无法解码") from None
    guess = _looks_utf16(data)
    candidates = ([guess] if guess else []) + ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text and encoding != guess:
            continue
        return text, encoding
    raise InputError("无法识别文本编码（不是 UTF-8、UTF-16 或 GB18030/GBK），请转换为 UTF-8 后再检查")


def extract_text(data: bytes, *, name: str | None = None) -> Document:
    """One segment holding the whole decoded text, so offsets index the decoded file."""
    text, encoding = decode_text(data)
    return Document(
        segments=(Segment(text),),
        meta=DocumentMeta(path=name, media_type="text/plain", extra=(("encoding", encoding),)),
    )
