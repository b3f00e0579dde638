"""`cuomin dict import`: .txt, .csv and real .xlsx files into a layer that then works."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

import cuomin
from cuomin.cli import main
from cuomin.dictionary.importer import import_words
from cuomin.dictionary.records import read_records
from cuomin.errors import DictionaryError, InputError


def _rows(table: Path) -> list[dict[str, str]]:
    with table.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_txt_one_word_a_line_creates_a_working_layer(national: Path, tmp_path: Path, cache_dir: Path) -> None:
    src = tmp_path / "list.txt"
    src.write_text("# 县里下发的敏感词\n真人真钱\n\n网上娱乐城\n真人真钱\n谈笑风声\t谈笑风生\n再接再励\n", encoding="utf-8")
    out = tmp_path / "unit"
    report = import_words(src, out, category="sensitive", parent="../national", layer_name="my-unit")
    assert [t for _, t in report.added] == ["真人真钱", "网上娱乐城", "谈笑风声"]
    assert [(i.where, i.term) for i in report.skipped] == [("第 5 行", "真人真钱"), ("第 7 行", "再接再励")]
    assert "national" in report.skipped[1].message
    assert report.ok and (out / "layer.toml").is_file()
    rows = _rows(out / "imported.csv")
    assert rows[0]["id"] == "my-unit-真人真钱" and rows[0]["severity"] == "critical"
    assert rows[2]["suggestions"] == "谈笑风生" and "谈笑风生" in rows[2]["explanation"]
    assert (out / "imported.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens it
    checker = cuomin.Checker(dictionaries=[out], cache_dir=cache_dir)
    found = {f.entry: f.layer for f in checker.check_text("欢迎光临网上娱乐城，真人真钱，再接再励。")}
    assert found == {"my-unit-网上娱乐城": "my-unit", "my-unit-真人真钱": "my-unit", "再接再励": "national"}


def test_csv_with_chinese_headers_reports_bad_rows_by_line(national: Path, tmp_path: Path) -> None:
    src = tmp_path / "表.csv"
    src.write_text(
        "序号,错误词,正确写法,类别,严重程度,放行短语\n"
        "1,穿流不息,川流不息,typo,,\n"
        "2,,缺词,typo,,\n"
        "3,某某,,没有这类,,\n"
        "4,台独,,sovereignty,critical,独立自主\n"
        "5,渡假村,度假村,,,\n"
        "6,挖墙角,挖墙脚,typo,warning,,多余\n",
        encoding="gb18030",
    )
    out = tmp_path / "unit"
    report = import_words(src, out, parent="../national")
    assert [t for _, t in report.added] == ["穿流不息"]
    bad = {i.where: i.message for i in report.bad}
    assert set(bad) == {"第 3 行", "第 4 行", "第 5 行", "第 6 行", "第 7 行"}
    assert "term" in bad["第 3 行"] and "类别" in bad["第 4 行"] and "放行短语" in bad["第 5 行"]
    assert "--category" in bad["第 6 行"] and "多余" in bad["第 7 行"]
    assert not report.ok
    # with a default category the row without one is imported, and severity follows the table
    again = import_words(src, out, category="typo")
    assert [t for _, t in again.added] == ["渡假村"]
    assert ("第 2 行", "穿流不息") in [(i.where, i.term) for i in again.skipped]  # already in imported.csv


def test_headerless_csv_and_appending_keeps_the_file(national: Path, tmp_path: Path) -> None:
    out = tmp_path / "unit"
    first = tmp_path / "a.csv"
    first.write_text("布署,部署\n秸杆,秸秆\n", encoding="utf-8")
    import_words(first, out, category="typo", parent="../national")
    table = out / "imported.csv"
    table.write_bytes(table.read_bytes().rstrip(b"\r\n"))  # edited by hand: no final newline
    before = table.read_bytes()
    second = tmp_path / "b.csv"
    second.write_text("松驰,松弛\n", encoding="utf-8")
    import_words(second, out, category="typo")
    after = table.read_bytes()
    assert after.startswith(before)
    assert [r.term for r in read_records(table)] == ["布署", "秸杆", "松驰"]


def test_xlsx_sheets_and_rows(national: Path, tmp_path: Path, cache_dir: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "错别字"
    sheet.append(["错误词", "建议写法", "类别", "截止日期"])
    sheet.append(["按步就班", "按部就班", "typo", None])  # duplicate of national
    sheet.append(["一股作气", "一鼓作气", "typo", None])
    sheet.append([None, None, None, None])
    sheet.append(["迫不急待", "迫不及待", "typo", "not a date"])
    other = book.create_sheet("敏感词")
    other.append(["六合彩"])  # no header: a bare list
    other.append([12345])
    src = tmp_path / "list.xlsx"
    book.save(src)
    out = tmp_path / "unit"
    report = import_words(src, out, category="sensitive", parent="../national")
    assert [t for _, t in report.added] == ["一股作气", "六合彩", "12345"]
    assert [(i.where, i.term) for i in report.skipped] == [("工作表“错别字”第 2 行", "按步就班")]
    [bad] = report.bad
    assert bad.where == "工作表“错别字”第 5 行" and "日期" in bad.message
    checker = cuomin.Checker(dictionaries=[out], cache_dir=cache_dir)
    assert {f.entry for f in checker.check_text("一股作气买六合彩")} == {"unit-一股作气", "unit-六合彩"}


def test_bad_inputs_are_clear_errors(national: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "unit"
    with pytest.raises(InputError, match="不存在"):
        import_words(tmp_path / "missing.txt", out)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="xlsx"):
        import_words(tmp_path / "old.xls", out)
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="Excel"):
        import_words(tmp_path / "fake.xlsx", out)
    words = tmp_path / "w.txt"
    words.write_text("某词\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match="找不到上级层"):
        import_words(words, out, category="typo", parent="nowhere")
    assert not out.exists()  # nothing half-written
    with pytest.raises(DictionaryError, match="层名"):
        import_words(words, tmp_path / "中文目录", category="typo", parent="../national")
    with pytest.raises(DictionaryError, match="类别"):
        import_words(words, out, category="bogus")
    assert main(["dict", "import", str(tmp_path / "missing.txt"), "--out", str(out)]) == 2
    assert "不存在" in capsys.readouterr().err


def test_cli(national: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "w.txt"
    src.write_text("某错词\n按步就班\n", encoding="utf-8")
    out = tmp_path / "unit"
    code = main(["dict", "import", str(src), "--out", str(out), "--category", "typo", "--parent", "../national",
                 "--level", "county", "--layer-name", "xian"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "已创建" in text and "跳过 第 2 行“按步就班”" in text and "导入 1 个词" in text
    assert 'level = "county"' in (out / "layer.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category\n,typo\n", encoding="utf-8")
    assert main(["dict", "import", str(bad), "--out", str(out)]) == 1
    assert "无法导入 第 2 行" in capsys.readouterr().out
