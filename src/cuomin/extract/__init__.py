"""Turn inputs into Documents: one module per format.

:func:`load_document` takes a path, bytes or a binary file object, detects the format from
the content (then the media type, then the name), and returns a :class:`~cuomin.model.Document`.
A file that cannot be checked, fully or in part, is not an exception: it comes back as a
Document whose ``problems`` hold FL findings (see :mod:`.problems`). Only an input that
cannot be read at all (missing file, no permission) raises :class:`~cuomin.errors.InputError`.

Formats: plain text (UTF-8, UTF-16, GB18030/GBK), HTML, PDF, DOCX, XLSX, XLS, OFD, ZIP
archives, and legacy .doc/.wps/.et/.rtf/ODF through LibreOffice when it is installed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..errors import InputError
from ..model import Document, DocumentMeta, Part
from .convert import convert
from .detect import SUFFIX_FORMATS, detect_format
from .limits import DEFAULT_LIMITS, Job, Limits
from .ole import classify_cfb
from .problems import PROBLEM_CODES, ExtractionFailed, make_problem
from .text import decode_text, extract_text

__all__ = [
    "load_document",
    "decode_text",
    "detect_format",
    "Limits",
    "PROBLEM_CODES",
    "SUPPORTED_SUFFIXES",
]

log = logging.getLogger(__name__)

#: File name suffixes that `cuomin check DIR` picks up when walking a directory.
SUPPORTED_SUFFIXES = frozenset(SUFFIX_FORMATS) | {".et", ".wps", ".doc"}

Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO


def _too_big(size: int, limits: Limits, name: str | None) -> Document:
    problem = make_problem("FL004", f"{size} 字节，超过限制 {limits.max_bytes} 字节（max_bytes）", file=name)
    return Document(segments=(), meta=DocumentMeta(path=name), problems=(problem,))


def _read(source: Source, limits: Limits) -> tuple[bytes | None, str | None, int]:
    """(data or None when too big, name, size)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return (data if len(data) <= limits.max_bytes else None), None, len(data)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise IsADirectoryError
            if size > limits.max_bytes:
                return None, str(path), size
            return path.read_bytes(), str(path), size
        except FileNotFoundError:
            raise InputError(f"文件不存在：{path}") from None
        except IsADirectoryError:
            raise InputError(f"这是一个目录，不是文件：{path}") from None
        except PermissionError:
            raise InputError(f"没有权限读取文件：{path}") from None
        except OSError as exc:
            raise InputError(f"无法读取文件 {path}：{exc.strerror or exc}") from None
    try:
        data = source.read(limits.max_bytes + 1)
    except (OSError, ValueError) as exc:
        raise InputError(f"无法读取输入：{exc}") from None
    if not isinstance(data, bytes):
        raise InputError("输入应以二进制方式打开（open(path, 'rb')），而不是文本方式")
    name = getattr(source, "name", None)
    name = name if isinstance(name, str) else None
    if len(data) > limits.max_bytes:
        return None, name, len(data)
    return data, name, len(data)


def load_document(
    source: Source,
    *,
    media_type: str | None = None,
    name: str | None = None,
    limits: Limits | None = None,
) -> Document:
    """Read a path, bytes or binary file object into a Document.

    :param media_type: the type the source claims (an HTTP ``Content-Type``); signatures in
        the content still win over it.
    :param name: the file name to report and to guess the format from (default: the path
        or the file object's name).
    :param limits: size, page, member, depth and time limits (default :class:`Limits`).
    """
    limits = limits or DEFAULT_LIMITS
    data, found_name, size = _read(source, limits)
    display = name or found_name
    if data is None:
        return _too_big(size, limits, display)
    job = Job(limits, display)
    doc = _extract(data, job, media_type)
    meta = dataclasses.replace(doc.meta, path=display) if display else doc.meta
    return dataclasses.replace(doc, meta=meta)


def _suffix(name: str | None) -> str:
    return PurePosixPath((name or "").replace("\\", "/")).suffix.lower()


def _extract(data: bytes, job: Job, media_type: str | None = None) -> Document:
    # Format modules are imported where they are used: each loads its parser library
    # (lxml, pypdfium2, xlrd), and checking a text file needs none of them.
    """Extract one file (the input or an archive member); raises only InputError for an
    input that is undecodable text."""
    fmt = detect_format(data, job.name, media_type)
    try:
        doc = _dispatch(fmt, data, job)
    except ExtractionFailed as exc:
        part = Part.BODY if fmt in ("html", "text") and not job.in_archive else Part.ATTACHMENT
        job.problem(exc.code, exc.detail, page=exc.page, severity=exc.severity, part=part)
        doc = Document(segments=())
    except InputError:
        raise
    except (MemoryError, RecursionError) as exc:
        job.problem("FL004", f"内容过于庞大或嵌套过深：{type(exc).__name__}")
        doc = Document(segments=())
    except Exception as exc:  # a parser bug on hostile input must not stop a batch
        log.debug("extraction of %s failed", job.name, exc_info=True)
        job.problem("FL002", f"解析出错：{type(exc).__name__}: {exc}")
        doc = Document(segments=())
    if job.problems:
        doc = dataclasses.replace(doc, problems=tuple(job.problems) + doc.problems)
    return doc


def _member(data: bytes, job: Job) -> Document:
    return _extract(data, job)


def _dispatch(fmt: str, data: bytes, job: Job) -> Document:
    suffix = _suffix(job.name)
    if fmt == "text":
        return _text(data, job)
    if fmt == "html":
        from .html import extract_html
        return extract_html(data, job)
    if fmt == "pdf":
        from .pdf import extract_pdf
        return extract_pdf(data, job)
    if fmt == "docx":
        from .docx import extract_docx
        return extract_docx(data, job)
    if fmt == "xlsx":
        from .xlsx import extract_xlsx
        return extract_xlsx(data, job)
    if fmt == "ofd":
        from .ofd import extract_ofd
        return extract_ofd(data, job)
    if fmt == "zip":
        from .archive import extract_zip
        return extract_zip(data, job, _member)
    if fmt == "cfb":
        kind = classify_cfb(data)
        if kind == "xls":
            try:
                from .xls import extract_xls
                return extract_xls(data, job)
            except ExtractionFailed as exc:
                if exc.code != "FL002" or suffix != ".et":
                    raise
                return _converted(data, suffix, "xlsx", job, "WPS 表格（.et）")
        if kind == "doc":
            what = "WPS 文字（.wps）" if suffix == ".wps" else "旧版 Word 文档（.doc）"
            return _converted(data, suffix or ".doc", "docx", job, what)
        if kind == "ppt":
            raise ExtractionFailed("FL008", "PowerPoint 演示文稿（.ppt）暂不支持")
        if suffix in (".wps", ".et"):
            target = "xlsx" if suffix == ".et" else "docx"
            return _converted(data, suffix, target, job, f"WPS 文件（{suffix}）")
        raise ExtractionFailed("FL008", "无法识别的 OLE 复合文档")
    if fmt == "legacy":
        spreadsheet = suffix in (".ods", ".et") or b"opendocument.spreadsheet" in data[:512]
        what = "RTF 文档" if data.startswith(b"{\\rtf") else f"需要转换的文档（{suffix or 'OpenDocument'}）"
        return _converted(data, suffix or (".ods" if spreadsheet else ".odt"), "xlsx" if spreadsheet else "docx", job, what)
    if fmt == "pptx":
        raise ExtractionFailed("FL008", "PowerPoint 演示文稿（.pptx）暂不支持")
    if fmt == "image":
        raise ExtractionFailed("FL013", f"图片{('（' + suffix + '）') if suffix else ''}")
    if fmt == "archive":
        raise ExtractionFailed("FL008", "RAR、7z、gzip 等压缩格式暂不支持，请解压后检查")
    if suffix in SUFFIX_FORMATS and SUFFIX_FORMATS[suffix] not in ("text", "html"):
        raise ExtractionFailed("FL002", f"扩展名为 {suffix}，但内容不是该格式（文件可能已损坏、被截断或为空）")
    raise ExtractionFailed("FL008", "无法识别的二进制文件")


def _text(data: bytes, job: Job) -> Document:
    """Plain text; undecodable text is an InputError for the input itself (nothing of it can
    be read), FL012 for an archive member."""
    try:
        return extract_text(data)
    except InputError as exc:
        if not job.in_archive:
            raise
        raise ExtractionFailed("FL012", str(exc)) from None


def _converted(data: bytes, suffix: str, target: str, job: Job, what: str) -> Document:
    converted = convert(data, suffix, target, job, what)
    from .docx import extract_docx
    from .xlsx import extract_xlsx
    doc = extract_docx(converted, job) if target == "docx" else extract_xlsx(converted, job)
    meta = dataclasses.replace(doc.meta, extra=doc.meta.extra + (("converted_from", suffix),))
    return dataclasses.replace(doc, meta=meta)
