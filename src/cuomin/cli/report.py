"""``cuomin report``: 通报-style reports from a scan ledger (XLSX, HTML, CSV)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..batch import DEFAULT_LEDGER, Ledger
from ..batch.reports import TABLES, write_csv, write_html, write_xlsx
from ..errors import ConfigError

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="从批量检查台账生成通报表格和问题清单（XLSX、HTML、CSV）",
        description=(
            "生成通报汇总表（按单位统计错敏信息数量和整改情况）、问题清单和各次检查的趋势。"
            "格式由 --format 或输出文件扩展名决定；CSV 每次输出一张表（--table）。"
        ),
    )
    p.add_argument("output", help="输出文件：.xlsx、.html 或 .csv")
    p.add_argument("--ledger", default=os.environ.get("CUOMIN_LEDGER", DEFAULT_LEDGER), help="台账文件或 postgresql:// 地址")
    p.add_argument("--format", choices=("xlsx", "html", "csv"), help="输出格式（默认按扩展名）")
    p.add_argument("--site", help="只统计此站点")
    p.add_argument("--table", default="findings", choices=TABLES, help="CSV：units 通报汇总、findings 问题清单（默认）、trends 趋势")
    p.add_argument("--include-false-positives", action="store_true", help="问题清单中也列出误报")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "html", "csv"):
        raise ConfigError(f"无法从文件名 {out.name} 判断格式，请用 --format 指定 xlsx、html 或 csv")
    with Ledger.open(args.ledger, create=False) as ledger:
        kwargs = {"site": args.site, "include_false_positives": args.include_false_positives}
        if fmt == "xlsx":
            write_xlsx(ledger, out, **kwargs)
        elif fmt == "html":
            write_html(ledger, out, **kwargs)
        else:
            write_csv(ledger, out, table=args.table, **kwargs)
    print(f"已生成报告：{out}", file=sys.stderr)
    return 0
