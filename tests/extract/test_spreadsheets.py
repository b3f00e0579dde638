"""XLSX (streamed) and XLS: sheets and cells, hidden sheets and rows, numbers, dates."""

from __future__ import annotations

import datetime as dt
import io
import random

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

import cuomin
from cuomin import Part
from cuomin.extract import Limits, load_document
from cuomin.extract.limits import Job
from cuomin.extract.xlsx import format_number, iter_sheet_cells
from cuomin.extract.zipparts import ZipReader

from .builders import BILLION_LAUGHS, replace_member


def _id_number(rng: random.Random) -> str:
    """A valid 18-character 居民身份证号 (ISO 7064 MOD 11-2 check character)."""
    body = f"{rng.choice(['110101', '310104', '440305'])}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def _xlsx(build) -> bytes:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sample(wb) -> None:  # type: ignore[no-untyped-def]
    ws = wb.active
    ws.title = "公示名单"
    ws.append(["姓名", "身份证号", "金额", "日期", "备注"])
    ws.append(["张三", "110101199003071234", 1200.5, dt.date(2024, 5, 1), "再接再励"])
    ws.append(["李四", 110101199003071234, 3, dt.datetime(2024, 5, 1, 9, 30), None])
    ws.row_dimensions[3].hidden = True
    hidden = wb.create_sheet("备用")
    hidden["C7"] = "内部资料"
    hidden.sheet_state = "hidden"


def test_cells_with_sheet_and_reference(wd_checker: cuomin.Checker) -> None:
    doc = load_document(_xlsx(_sample), name="名单.xlsx")
    cells = {(s.location.sheet, s.location.cell): (s.location.part, s.text) for s in doc.segments if s.location}
    assert cells[("公示名单", "B2")] == (Part.BODY, "110101199003071234")
    assert cells[("公示名单", "C2")] == (Part.BODY, "1200.5")
    assert cells[("公示名单", "D2")] == (Part.BODY, "2024-05-01")
    assert cells[("公示名单", "B3")] == (Part.HIDDEN, "110101199003071200")  # hidden row; as Excel keeps it
    assert cells[("公示名单", "D3")] == (Part.HIDDEN, "2024-05-01 09:30")
    assert cells[("备用", "C7")] == (Part.HIDDEN, "内部资料")
    assert ("公示名单", "E3") not in cells
    findings = {f.entry: f for f in wd_checker.iter_findings(doc)}
    loc = findings["typo-再接再励"].location
    assert loc is not None and (loc.sheet, loc.cell) == ("公示名单", "E2")
    assert loc.describe() == "正文 工作表“公示名单” 单元格 E2"
    assert findings["sec-内部资料"].location.part is Part.HIDDEN  # type: ignore[union-attr]


def test_ten_thousand_id_numbers_stream(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(4)
    ids = [_id_number(rng) for _ in range(10_000)]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("名单")
    ws.append(["序号", "姓名", "身份证号"])
    for n, number in enumerate(ids, start=1):
        ws.append([n, f"姓名{n}", number])
    path = tmp_path / "ids.xlsx"
    wb.save(path)
    data = path.read_bytes()

    # Streaming: the first cells come out after a small part of the sheet was decompressed.
    zr = ZipReader(data, Job(Limits(), "ids.xlsx"))
    sheet = "xl/worksheets/sheet1.xml"
    total = zr.info(sheet).file_size  # type: ignore[union-attr]
    with zr.open(sheet) as stream:
        cells = iter_sheet_cells(stream, sheet, shared=[])
        first = [next(cells) for _ in range(3)]
        assert first[0][0] == "A1" and first[2] == ("C1", "身份证号", False)
        assert stream.consumed < total / 4, (stream.consumed, total)

    doc = load_document(data)
    numbers = {s.location.cell: s.text for s in doc.segments if s.location and s.location.cell.startswith("C")}
    assert len(numbers) == 10_001
    assert numbers["C5001"] == ids[4999] and numbers["C10001"] == ids[-1]


def test_cell_limit() -> None:
    doc = load_document(_xlsx(_sample), limits=Limits(max_cells=3))
    assert len(doc.segments) == 3
    assert [p.code for p in doc.problems] == ["FL010"]


def test_encrypted_xlsx_and_entity_bomb() -> None:
    plain = _xlsx(_sample)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("pw", out)
    assert [p.code for p in load_document(out.getvalue(), name="a.xlsx").problems] == ["FL001"]
    bomb = BILLION_LAUGHS + (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    doc = load_document(replace_member(plain, "xl/worksheets/sheet1.xml", bomb))
    assert [p.code for p in doc.problems] == ["FL009"]


def test_format_number() -> None:
    assert format_number("1.10101199003071E+17") == "110101199003071000"
    assert format_number("42") == "42" and format_number("3.0") == "3" and format_number("0.25") == "0.25"
    assert format_number("abc") == "abc"


def test_xls_cells() -> None:
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the .xls fixture")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    sheet.write(0, 0, "姓名")
    sheet.write(1, 1, "扫黑险恶")
    sheet.write(2, 2, 110101199003071234)
    sheet.write(3, 0, dt.date(2024, 5, 1), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    other = book.add_sheet("第二页")
    other.write(4, 27, "按步就班")
    out = io.BytesIO()
    book.save(out)
    doc = load_document(out.getvalue(), name="老表格.xls")
    assert doc.problems == ()
    cells = {(s.location.sheet, s.location.cell): s.text for s in doc.segments if s.location}
    assert cells == {
        ("名单", "A1"): "姓名",
        ("名单", "B2"): "扫黑险恶",
        ("名单", "C3"): "110101199003071230",  # .xls keeps a double: 17 significant digits
        ("名单", "A4"): "2024-05-01",
        ("第二页", "AB5"): "按步就班",
    }
    damaged = load_document(out.getvalue()[:1000], name="坏.xls")
    assert [p.code for p in damaged.problems] == ["FL002"]
