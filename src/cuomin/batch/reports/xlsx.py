"""The XLSX report: 通报汇总 (per unit), 问题清单 (findings), 检查趋势 (runs), 无法检查.

Written in openpyxl's write-only mode, so a list of a million findings streams to disk.
Editors can fill in 审核结论 in 问题清单 and load it back with ``cuomin review import``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..ledger import Ledger
from .queries import FINDING_COLUMNS, failures, findings_list, trends, unit_table

__all__ = ["write_xlsx"]

_WIDTHS = {"编号": 8, "单位": 18, "网站名称": 18, "栏目": 12, "文章标题": 30, "网址或路径": 40, "发布日期": 11,
           "位置": 20, "错误内容": 14, "建议": 14, "上下文": 50, "类别": 12, "严重程度": 8, "说明": 50,
           "代码": 7, "首次发现": 8, "整改情况": 12, "审核结论": 10, "审核说明": 20}  # fmt: skip


def _header(ws: Any, headers: list[str], bold: Any, fill: Any) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font, cell.fill = bold, fill
        cells.append(cell)
    return cells


def write_xlsx(ledger: Ledger, path: str | Path, *, site: str | None = None, include_false_positives: bool = False) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wb = Workbook(write_only=True)

    units = wb.create_sheet("通报汇总")
    headers = ["序号", "单位", "网站名称", "类型", "问题文章数", "严重", "错误", "提醒", "错敏信息合计", "已整改", "未整改", "整改情况"]
    for i, width in enumerate([6, 22, 22, 6, 10, 6, 6, 6, 12, 8, 8, 10], 1):
        units.column_dimensions[get_column_letter(i)].width = width
    units.freeze_panes = "A2"
    units.append(_header(units, headers, bold, fill))
    rows = unit_table(ledger, site)
    for i, r in enumerate(rows, 1):
        units.append([i, r.unit, r.site, "网站", r.documents, r.critical, r.error, r.warning, r.total, r.fixed, r.open, r.status])
    if rows:
        units.append(["合计", "", "", "", sum(r.documents for r in rows), sum(r.critical for r in rows),
                      sum(r.error for r in rows), sum(r.warning for r in rows), sum(r.total for r in rows),
                      sum(r.fixed for r in rows), sum(r.open for r in rows), ""])  # fmt: skip

    listing = wb.create_sheet("问题清单")
    headers = [h for _k, h in FINDING_COLUMNS]
    for i, h in enumerate(headers, 1):
        listing.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(h, 12)
    listing.freeze_panes = "A2"
    listing.append(_header(listing, headers, bold, fill))
    for row in findings_list(ledger, site, include_false_positives):
        listing.append([row[k] for k, _h in FINDING_COLUMNS])

    runs = wb.create_sheet("检查趋势")
    headers = ["检查次", "网站名称", "开始时间", "结束时间", "状态", "词库版本", "文档数", "新发现", "已消除",
               "未整改（严重）", "未整改（错误）", "未整改（提醒）", "未整改合计"]  # fmt: skip
    runs.append(_header(runs, headers, bold, fill))
    for t in trends(ledger, site):
        runs.append([t.id, t.site, t.started, t.finished, t.status, t.dictionary, t.documents, t.new, t.resolved,
                     t.open_critical, t.open_error, t.open_warning, t.open_total])  # fmt: skip

    failed = failures(ledger, site)
    if failed:
        ws = wb.create_sheet("无法检查")
        ws.append(_header(ws, ["网站名称", "单位", "网址或路径", "原因"], bold, fill))
        for f in failed:
            ws.append([f["site"], f["unit"] or "", f["url"] or f["key"], f["error"] or ""])
    wb.save(str(path))
