"""Reports from the ledger agree with the ledger, in every format."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.review import list_findings, mark
from cuomin.cli import main


@pytest.fixture
def scanned(small_site: tuple[Path, list[Any], Path], settings_for: Any, tmp_path: Path) -> Path:
    root, _articles, config = small_site
    db = tmp_path / "l.sqlite"
    with Ledger.open(db) as ledger:
        Scanner(ledger, settings_for(config=config)).scan(TreeSource(root))
        some = [r["id"] for r in list_findings(ledger, limit=3)]
        mark(ledger, some[:1], "false_positive")
    return db


def _counts(db: Path) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    with Ledger.open(db) as ledger:
        rows = list(list_findings(ledger, status="open"))
    unit = [r["unit"] or "（未归属单位）" for r in rows]
    return Counter(unit), Counter((u, r["severity"]) for u, r in zip(unit, rows))


def test_xlsx_report(scanned: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["report", str(out), "--ledger", str(scanned)]) == 0
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[:3] == ["通报汇总", "问题清单", "检查趋势"]
    units = list(wb["通报汇总"].iter_rows(values_only=True))
    header, body = units[0], [r for r in units[1:] if r[0] != "合计"]
    per_unit, per_sev = _counts(scanned)
    col = {h: i for i, h in enumerate(header)}
    assert {r[col["单位"]]: r[col["未整改"]] for r in body} == dict(per_unit)
    for r in body:
        assert r[col["严重"]] == per_sev[(r[col["单位"]], "critical")]
        assert r[col["错敏信息合计"]] == r[col["严重"]] + r[col["错误"]] + r[col["提醒"]]
        assert r[col["整改情况"]] == "未整改"
    listing = list(wb["问题清单"].iter_rows(values_only=True))
    assert len(listing) - 1 == sum(per_unit.values())  # the false positive is left out
    trend = list(wb["检查趋势"].iter_rows(values_only=True))
    assert len(trend) == 2 and trend[1][-1] == sum(per_unit.values())


def test_csv_and_html_reports(scanned: Path, tmp_path: Path) -> None:
    per_unit, _ = _counts(scanned)
    out = tmp_path / "units.csv"
    assert main(["report", str(out), "--ledger", str(scanned), "--table", "units"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert {r["单位"]: int(r["未整改"]) for r in rows} == dict(per_unit)
    out = tmp_path / "findings.csv"
    assert main(["report", str(out), "--ledger", str(scanned), "--include-false-positives"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == sum(per_unit.values()) + 1 and sum(r["审核结论"] == "误报" for r in rows) == 1
    page = tmp_path / "r.html"
    assert main(["report", str(page), "--ledger", str(scanned)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "<h2>通报汇总</h2>" in text and text.count("<mark>") == sum(per_unit.values()) - sum(
        1 for r in rows if r["错误内容"] == "" and r["审核结论"] != "误报"
    )
    for unit in per_unit:
        assert f"<h3>{unit}</h3>" in text
