"""Turn inputs into Documents: one module per format."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..model import Document
from .text import decode_text, extract_text

__all__ = ["load_document", "decode_text", "SUPPORTED_SUFFIXES"]

#: File name suffixes that `cuomin check DIR` picks up when walking a directory.
SUPPORTED_SUFFIXES = frozenset({".txt", ".text", ".md"})

Source = str | os.PathLike[str] | bytes | BinaryIO


def _read(source: Source) -> tuple[bytes, str | None]:
    if isinstance(source, bytes):
        return source, None
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            return path.read_bytes(), str(path)
        except FileNotFoundError:
            raise InputError(f"文件不存在：{path}") from None
        except IsADirectoryError:
            raise InputError(f"这是一个目录，不是文件：{path}") from None
        except PermissionError:
            raise InputError(f"没有权限读取文件：{path}") from None
        except OSError as exc:
            raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    try:
        data = source.read()
    except OSError as exc:
        raise InputError(f"无法读取输入：{exc}") from None
    return data, getattr(source, "name", None)


def load_document(source: Source, *, media_type: str | None = None, name: str | None = None) -> Document:
    """Read a path, bytes or binary file object into a Document."""
    data, found_name = _read(source)
    return extract_text(data, name=name or found_name)
