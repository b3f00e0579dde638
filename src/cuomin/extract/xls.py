"""XLS (Excel 97–2003, BIFF8) through xlrd: one segment per non-empty cell.

WPS spreadsheets (.et) are usually the same format and are read the same way; what xlrd
cannot read goes to LibreOffice (see :mod:`.convert`).
"""

from __future__ import annotations

import io
import logging

import xlrd

from ..model import Document, DocumentMeta, Location, Part, Segment
from .limits import Job
from .problems import ExtractionFailed
from .xlsx import column_letters, format_number

__all__ = ["extract_xls", "XLS_MEDIA_TYPE"]

log = logging.getLogger(__name__)

XLS_MEDIA_TYPE = "application/vnd.ms-excel"


def _cell_text(cell: xlrd.sheet.Cell, datemode: int) -> str:
    kind = cell.ctype
    if kind == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if kind == xlrd.XL_CELL_NUMBER:
        return format_number(repr(float(cell.value)))
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return format_number(repr(float(cell.value)))
        if moment.hour == moment.minute == moment.second == 0:
            return str(moment.date().isoformat())
        return str(moment.strftime("%Y-%m-%d %H:%M"))
    return ""


def extract_xls(data: bytes, job: Job) -> Document:
    noise = io.StringIO()  # xlrd writes warnings to a log file, never to stdout here
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=noise, verbosity=0)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise ExtractionFailed("FL001", "XLS 工作簿设置了打开密码") from None
        raise ExtractionFailed("FL002", f"XLS 无法解析：{exc}") from None
    except (AssertionError, IndexError, ValueError, KeyError, EOFError, OSError) as exc:
        raise ExtractionFailed("FL002", f"XLS 无法解析：{exc!r}") from None
    segments: list[Segment] = []
    cells = 0
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            hidden_sheet = getattr(sheet, "visibility", 0) != 0
            for r in range(sheet.nrows):
                if r % 512 == 0 and job.expired():
                    job.problem("FL011", f"检查到工作表“{sheet.name}”第 {r + 1} 行", sheet=sheet.name)
                    return _document(segments, cells)
                for c, cell in enumerate(sheet.row(r)):
                    text = _cell_text(cell, book.datemode)
                    if not text.strip():
                        continue
                    cells += 1
                    if cells > job.limits.max_cells:
                        job.problem("FL010", f"单元格超过 {job.limits.max_cells} 个（max_cells），其余未检查", sheet=sheet.name)
                        return _document(segments, cells - 1)
                    part = Part.HIDDEN if hidden_sheet else Part.BODY
                    segments.append(Segment(text, Location(part, sheet=sheet.name, cell=f"{column_letters(c + 1)}{r + 1}")))
            book.unload_sheet(index)
    except (xlrd.XLRDError, AssertionError, IndexError, ValueError, KeyError) as exc:
        raise ExtractionFailed("FL002", f"XLS 工作表无法读取：{exc!r}") from None
    finally:
        book.release_resources()
        if noise.getvalue():
            log.debug("xlrd: %s", noise.getvalue().strip())
    return _document(segments, cells)


def _document(segments: list[Segment], cells: int) -> Document:
    return Document(
        segments=tuple(segments),
        meta=DocumentMeta(media_type=XLS_MEDIA_TYPE, extra=(("cells", str(cells)),)),
    )
