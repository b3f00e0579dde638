"""Which format is this? Decided by content first, then by the media type the caller gave,
then by the file name's suffix.

Signatures always win (a PDF named .doc is read as PDF, an HTML error page saved as
``通知.pdf`` is read as HTML); a suffix that promises a binary format the content does not
have makes the file corrupt (FL002) rather than text.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from typing import Final

from .ole import CFB_MAGIC
from .text import looks_binary, looks_utf16

__all__ = ["detect_format", "FORMATS", "SUFFIX_FORMATS", "MEDIA_TYPES"]

#: Every format name :func:`detect_format` can return.
FORMATS: Final = frozenset(
    {"text", "html", "pdf", "docx", "xlsx", "ofd", "zip", "cfb", "legacy", "image", "archive", "unknown", "pptx"}
)

#: Suffix → format, for content without a signature and for ``cuomin check DIR``.
SUFFIX_FORMATS: Final = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".csv": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".docm": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".et": "xls",
    ".ofd": "ofd",
    ".zip": "zip",
    ".doc": "cfb",
    ".wps": "cfb",
    ".rtf": "legacy",
    ".odt": "legacy",
    ".ods": "legacy",
}

#: Media type → format.
MEDIA_TYPES: Final = {
    "text/plain": "text",
    "text/csv": "text",
    "text/markdown": "text",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/msword": "cfb",
    "application/ofd": "ofd",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/rtf": "legacy",
}

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_ARCHIVE_MAGIC = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta ", b"<title", b"<div", b"<p>", b"<table", b"<span")
_BINARY_FORMATS = frozenset({"pdf", "docx", "xlsx", "xls", "ofd", "zip", "cfb"})


def _suffix(name: str | None) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower() if name else ""


def _zip_kind(data: bytes, name: str | None) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, IndexError):
        # A truncated container: the extractor its name promises reports it.
        by_suffix = SUFFIX_FORMATS.get(_suffix(name))
        return by_suffix if by_suffix in ("docx", "xlsx", "ofd") else "zip"
    if "word/document.xml" in names or any(n.startswith("word/document") for n in names):
        return "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/workbook") for n in names):
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "mimetype" in names and "content.xml" in names:
        return "legacy"  # OpenDocument: LibreOffice converts it
    return "zip"


def looks_like_html(data: bytes) -> bool:
    head = data[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<"):
        return b"<html" in head or b"<!doctype html" in head
    return any(marker in head for marker in _HTML_MARKERS)


def detect_format(data: bytes, name: str | None = None, media_type: str | None = None) -> str:
    """The format of ``data``: one of :data:`FORMATS`."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data, name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(CFB_MAGIC):
        return "cfb"
    if data.startswith(b"{\\rtf"):
        return "legacy"
    if data.startswith(_ARCHIVE_MAGIC):
        return "archive"
    if (
        data.startswith(_IMAGE_MAGIC)
        or (data.startswith(b"RIFF") and data[8:12] == b"WEBP")
        or (data.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\x00\x00\x00\x00")
    ):
        return "image"
    by_media = MEDIA_TYPES.get((media_type or "").split(";")[0].strip().lower())
    if by_media in ("text", "html"):
        return by_media
    by_suffix = SUFFIX_FORMATS.get(_suffix(name))
    if looks_like_html(data) and by_suffix != "text":
        return "html"
    if by_media in _BINARY_FORMATS or by_suffix in _BINARY_FORMATS:
        return "unknown"
    if by_suffix in ("text", "html"):
        return by_suffix
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        guess = looks_utf16(data)
        if not guess or looks_binary(data[:4096].decode(guess, "replace")):
            return "unknown"
    return "text"
