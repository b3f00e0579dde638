"""OLE2 compound files (CFB): legacy Word/Excel/WPS files and encrypted OOXML.

An encrypted DOCX or XLSX is not a ZIP at all but a CFB container holding the streams
``EncryptionInfo`` and ``EncryptedPackage``; a password-protected .doc sets the
``fEncrypted`` bit of its FIB. Both are FL001.
"""

from __future__ import annotations

import io
import struct

import olefile

from .problems import ExtractionFailed

__all__ = ["CFB_MAGIC", "classify_cfb"]

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def classify_cfb(data: bytes) -> str:
    """``"doc"``, ``"xls"``, ``"ppt"`` or ``"unknown"``; raises FL001 for encrypted files
    and FL002 for a damaged container."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error, IndexError, EOFError) as exc:
        raise ExtractionFailed("FL002", f"OLE 复合文档结构损坏：{exc}") from None
    try:
        names = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
        if "encryptioninfo" in names and "encryptedpackage" in names:
            raise ExtractionFailed("FL001", "Office 文档设置了打开密码（加密容器 EncryptedPackage）")
        if "worddocument" in names:
            try:
                fib = ole.openstream("WordDocument").read(12)
            except (OSError, ValueError, struct.error, IndexError, EOFError):
                fib = b""
            if len(fib) >= 12 and struct.unpack_from("<H", fib, 10)[0] & 0x0100:
                raise ExtractionFailed("FL001", "Word 文档设置了打开密码")
            return "doc"
        if "workbook" in names or "book" in names:
            return "xls"
        if "powerpoint document" in names:
            return "ppt"
        return "unknown"
    finally:
        ole.close()
