"""XLSX: one segment per non-empty cell, with sheet name and cell reference.

Sheets are streamed (lxml iterparse on the decompressing member stream, rows cleared as
they are read), so a sheet of a hundred thousand ID numbers never sits in memory as a
tree. Hidden sheets and hidden rows come out as part ``hidden``: that is where leaked
lists hide. Numbers are written as Excel shows them (no ``1.1e+17``), date cells as ISO
dates.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from ..model import Document, DocumentMeta, Location, Part, Segment
from .limits import Job
from .xmlsafe import iterparse_xml, local_name, parse_xml
from .zipparts import REL_NS, ZipReader, office_main_part

__all__ = ["extract_xlsx", "iter_sheet_cells", "column_letters", "format_number", "XLSX_MEDIA_TYPE"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_REL_NS = REL_NS
_R_IDS = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
)
_BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57})
_QUOTED_RE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_REF_RE = re.compile(r"^([A-Z]{1,3})(\d+)$")


def column_letters(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def format_number(raw: str) -> str:
    """A stored number as Excel shows it in General format: integers without exponent or
    ``.0`` (110101199003071234 stays whole as far as the file kept it)."""
    raw = raw.strip()
    if raw.isdigit():
        return raw
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return raw
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** 21:
        return str(int(value))
    return raw


def _serial_to_date(raw: str, date1904: bool) -> str:
    try:
        serial = float(raw)
        base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
        moment = base + dt.timedelta(days=serial)
    except (ValueError, OverflowError):
        return format_number(raw)
    if moment.hour == moment.minute == moment.second == 0:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%d %H:%M")


def _is_date_format(code: str) -> bool:
    bare = _QUOTED_RE.sub("", code).lower()
    return any(ch in bare for ch in "ymd") or "h:mm" in bare


def _date_styles(zr: ZipReader, folder: str, job: Job) -> frozenset[int]:
    """Indexes into cellXfs whose number format is a date."""
    name = posixpath.join(folder, "styles.xml")
    if not zr.has(name):
        return frozenset()
    root = parse_xml(zr.read(name, job.limits.max_xml_bytes), name)
    custom: set[int] = set()
    xfs: list[int] = []
    for el in root:
        tag = local_name(el.tag)
        if tag == "numFmts":
            for fmt in el:
                try:
                    if _is_date_format(fmt.get("formatCode", "")):
                        custom.add(int(fmt.get("numFmtId", "-1")))
                except ValueError:
                    continue
        elif tag == "cellXfs":
            for xf in el:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
    dates = _BUILTIN_DATE_FORMATS | custom
    return frozenset(i for i, fmt in enumerate(xfs) if fmt in dates)


def _shared_strings(zr: ZipReader, folder: str, job: Job) -> list[str]:
    name = posixpath.join(folder, "sharedStrings.xml")
    if not zr.has(name):
        return []
    out: list[str] = []
    with zr.open(name, job.limits.max_xml_bytes) as stream:
        for si in iterparse_xml(stream, name, "{*}si"):
            out.append(_rich_text(si))
            si.clear()
            while si.getprevious() is not None:
                del si.getparent()[0]
    return out


def _rich_text(el: Any) -> str:
    """Text of ``si``/``is``: plain ``t`` or rich runs ``r/t``; phonetic ``rPh`` skipped."""
    if len(el) == 1 and el[0].tag.endswith("}t"):
        return el[0].text or ""
    parts: list[str] = []
    for child in el:
        tag = local_name(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            for t in child:
                if local_name(t.tag) == "t":
                    parts.append(t.text or "")
    return "".join(parts)


def iter_sheet_cells(
    stream: IO[bytes] | io.RawIOBase,
    part: str,
    shared: list[str],
    date_styles: frozenset[int] = frozenset(),
    date1904: bool = False,
) -> Iterator[tuple[str, str, bool]]:
    """Stream ``(cell reference, text, row hidden)`` for the non-empty cells of one sheet."""
    row_el: Any = None
    row_number = 0
    last_ref = ""  # the previous cell's reference in this row, for cells without one
    row_hidden = False
    v_tag = is_tag = ""
    for el in iterparse_xml(stream, part, ("{*}c", "{*}row")):
        tag = el.tag
        if not v_tag:
            ns = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
            v_tag, is_tag = ns + "v", ns + "is"
        if tag[-1] == "w":  # </row>: done with its cells
            el.clear()
            parent = el.getparent()
            while el.getprevious() is not None:
                del parent[0]
            continue
        parent = el.getparent()
        if parent is not row_el:
            row_el = parent
            try:
                row_number = int(parent.get("r")) if parent is not None and parent.get("r") else row_number + 1
            except ValueError:
                row_number += 1
            last_ref = ""
            row_hidden = parent is not None and parent.get("hidden") in ("1", "true")
        ref = el.get("r")
        if not ref:
            m = _REF_RE.match(last_ref)
            col = _column_index(m.group(1)) + 1 if m else 1
            ref = f"{column_letters(col)}{row_number}"
        last_ref = ref
        kind = el.get("t", "n")
        if kind == "s":
            try:
                text = shared[int(el.findtext(v_tag) or "")]
            except (ValueError, IndexError):
                continue
        elif kind == "inlineStr":
            inline = el.find(is_tag)
            text = _rich_text(inline) if inline is not None else ""
        elif kind == "n":
            value = el.findtext(v_tag)
            if value is None:
                continue
            style = el.get("s")
            if style and date_styles and style.isdigit() and int(style) in date_styles:
                text = _serial_to_date(value, date1904)
            else:
                text = format_number(value)
        elif kind in ("str", "d"):
            text = el.findtext(v_tag) or ""
        else:  # booleans and errors carry no wording
            continue
        if text and not text.isspace():
            yield ref, text, row_hidden


def _workbook_part(zr: ZipReader, job: Job) -> str:
    return office_main_part(zr, job, "xl/workbook.xml", "XLSX 中缺少工作簿部件 xl/workbook.xml")


def _sheets(zr: ZipReader, workbook: str, job: Job) -> tuple[list[tuple[str, str, bool]], bool]:
    """([(sheet name, part path, hidden)], date1904)."""
    folder, name = posixpath.split(workbook)
    root = parse_xml(zr.read(workbook, job.limits.max_xml_bytes), workbook)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    targets: dict[str, str] = {}
    if zr.has(rels_name):
        rels = parse_xml(zr.read(rels_name, job.limits.max_xml_bytes), rels_name)
        for rel in rels.iter(_REL_NS + "Relationship"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets[rel.get("Id", "")] = path
    date1904 = False
    sheets: list[tuple[str, str, bool]] = []
    for el in root.iter():
        tag = local_name(el.tag)
        if tag == "workbookPr":
            date1904 = el.get("date1904") in ("1", "true")
        elif tag == "sheet":
            rid = next((el.get(k) for k in _R_IDS if el.get(k)), "")
            path = targets.get(rid or "", "")
            if path and zr.has(path):
                sheets.append((el.get("name", "?"), path, el.get("state", "visible") != "visible"))
    return sheets, date1904


def extract_xlsx(data: bytes, job: Job) -> Document:
    zr = ZipReader(data, job, kind="XLSX ")
    workbook = _workbook_part(zr, job)
    folder = posixpath.dirname(workbook)
    sheets, date1904 = _sheets(zr, workbook, job)
    shared = _shared_strings(zr, folder, job)
    date_styles = _date_styles(zr, folder, job)
    segments: list[Segment] = []
    cells = 0
    limit = job.limits.max_cells
    stopped = False
    for sheet_name, path, sheet_hidden in sheets:
        with zr.open(path, job.limits.max_xml_bytes) as stream:
            for ref, text, row_hidden in iter_sheet_cells(stream, path, shared, date_styles, date1904):
                cells += 1
                if cells > limit:
                    job.problem("FL010", f"单元格超过 {limit} 个（max_cells），其余未检查", sheet=sheet_name)
                    stopped = True
                    break
                if cells % 2048 == 0 and job.expired():
                    job.problem("FL011", f"检查到工作表“{sheet_name}”单元格 {ref}", sheet=sheet_name)
                    stopped = True
                    break
                part = Part.HIDDEN if sheet_hidden or row_hidden else Part.BODY
                segments.append(Segment(text, Location(part, sheet=sheet_name, cell=ref)))
        if stopped:
            break
    return Document(
        segments=tuple(segments),
        meta=DocumentMeta(media_type=XLSX_MEDIA_TYPE, extra=(("cells", str(cells)),)),
    )
