"""PDF: text per page through pypdfium2 (the fast path), paragraphs rebuilt from lines.

Pages without a text layer that carry images (scans) are listed in one FL003 finding;
when no page has text the whole file is unchecked and the finding is critical. Encrypted
files are FL001, damaged ones FL002, pages past ``max_pages`` FL010.
"""

from __future__ import annotations

import logging
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import Document, DocumentMeta, Location, Part, Segment, Severity
from .limits import Job
from .lines import paragraphs
from .problems import ExtractionFailed

__all__ = ["extract_pdf"]

log = logging.getLogger(__name__)

# PDFium is not thread-safe: one document at a time per process.
_PDFIUM_LOCK = threading.Lock()
_IMAGE = (pdfium_c.FPDF_PAGEOBJ_IMAGE,)


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ExtractionFailed("FL001", "PDF 设置了打开密码") from None
        raise ExtractionFailed("FL002", f"PDF 无法解析：{message}") from None


def _page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 7] → "1–3、7"."""
    out: list[str] = []
    start = prev = pages[0]
    for p in pages[1:] + [0]:
        if p == prev + 1:
            prev = p
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = p
    return "、".join(out)


def extract_pdf(data: bytes, job: Job) -> Document:
    segments: list[Segment] = []
    scanned: list[int] = []
    with _PDFIUM_LOCK:
        pdf = _open(data)
        try:
            total = len(pdf)
            title = (pdf.get_metadata_dict(skip_empty=True).get("Title") or "").strip() or None
            limit = min(total, job.limits.max_pages)
            checked = 0
            for index in range(limit):
                if job.expired():
                    job.problem("FL011", f"共 {total} 页，检查了前 {checked} 页")
                    break
                page = pdf[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        text = textpage.get_text_bounded()
                    finally:
                        textpage.close()
                    if not text.strip():
                        if any(True for _ in page.get_objects(filter=_IMAGE, max_depth=4)):
                            scanned.append(index + 1)
                        checked += 1
                        continue
                except pdfium.PdfiumError as exc:
                    job.problem("FL002", f"第 {index + 1} 页无法读取：{exc}", page=index + 1)
                    continue
                finally:
                    page.close()
                checked += 1
                lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                for number, paragraph in enumerate(paragraphs(lines), start=1):
                    loc = Location(part=Part.BODY, page=index + 1, paragraph=number)
                    segments.append(Segment(paragraph, loc))
            else:
                if total > limit:
                    job.problem("FL010", f"共 {total} 页，只检查了前 {limit} 页（max_pages）")
        finally:
            pdf.close()
    if scanned:
        every = len(scanned) == checked and not segments
        detail = f"第 {_page_ranges(scanned)} 页" + ("（全部页面）" if every else "")
        job.problem("FL003", detail, page=scanned[0], severity=Severity.CRITICAL if every else None)
    return Document(segments=tuple(segments), meta=DocumentMeta(title=title, media_type="application/pdf"))
