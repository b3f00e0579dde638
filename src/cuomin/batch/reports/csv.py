"""CSV reports (UTF-8 with BOM, so that Excel opens them as Chinese text)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from ..ledger import Ledger
from .queries import FINDING_COLUMNS, findings_list, trends, unit_table

__all__ = ["write_csv", "TABLES"]

TABLES = ("units", "findings", "trends")


def _units(ledger: Ledger, site: str | None, out: TextIO) -> None:
    w = csv.writer(out)
    w.writerow(["序号", "单位", "网站名称", "类型", "问题文章数", "严重", "错误", "提醒", "错敏信息合计", "已整改", "未整改", "整改情况"])
    for i, r in enumerate(unit_table(ledger, site), 1):
        w.writerow([i, r.unit, r.site, "网站", r.documents, r.critical, r.error, r.warning, r.total, r.fixed, r.open, r.status])


def _findings(ledger: Ledger, site: str | None, out: TextIO, include_fp: bool) -> None:
    w = csv.writer(out)
    w.writerow([h for _k, h in FINDING_COLUMNS])
    for row in findings_list(ledger, site, include_fp):
        w.writerow([row[k] for k, _h in FINDING_COLUMNS])


def _trends(ledger: Ledger, site: str | None, out: TextIO) -> None:
    w = csv.writer(out)
    w.writerow(["检查次", "网站名称", "开始时间", "结束时间", "状态", "词库版本", "文档数", "新发现", "已消除", "未整改（严重）", "未整改（错误）", "未整改（提醒）", "未整改合计"])
    for r in trends(ledger, site):
        w.writerow([r.id, r.site, r.started, r.finished, r.status, r.dictionary, r.documents, r.new, r.resolved,
                    r.open_critical, r.open_error, r.open_warning, r.open_total])  # fmt: skip


def write_csv(ledger: Ledger, path: str | Path, *, table: str = "findings", site: str | None = None,
              include_false_positives: bool = False) -> None:  # fmt: skip
    with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
        if table == "units":
            _units(ledger, site, out)
        elif table == "findings":
            _findings(ledger, site, out, include_false_positives)
        elif table == "trends":
            _trends(ledger, site, out)
        else:
            raise ValueError(table)
