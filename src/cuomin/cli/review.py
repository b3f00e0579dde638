"""``cuomin review``: list findings of a scan ledger and record reviewers' judgements."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..batch import DEFAULT_LEDGER, Ledger
from ..batch.review import (
    REVIEW_LABELS,
    finding_status,
    import_reviews,
    list_findings,
    mark,
)

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "review",
        help="审核批量检查发现的问题（确认、误报、已整改）",
        description=(
            "列出台账中的问题并记录审核结论：confirmed（已确认）、false-positive（误报，以后不再报）、"
            "fixed（已整改，下次检查时复核）。也可导入填写了“审核结论”列的问题清单（CSV 或 XLSX）。"
        ),
    )
    p.add_argument("--ledger", default=os.environ.get("CUOMIN_LEDGER", DEFAULT_LEDGER), help="台账文件或 postgresql:// 地址")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    ls = actions.add_parser("list", help="列出问题")
    ls.add_argument("--site", help="只列此站点")
    ls.add_argument("--unit", help="只列此单位")
    ls.add_argument("--status", default="open", choices=("open", "review", "fp", "fixed", "all"),
                    help="open 未整改（默认）、review 待审核、fp 误报、fixed 已整改、all 全部")  # fmt: skip
    ls.add_argument("--limit", type=int, help="最多列出多少条")
    ls.add_argument("--format", default="text", choices=("text", "json"), help="输出格式")
    mk = actions.add_parser("mark", help="记录审核结论")
    mk.add_argument("ids", nargs="+", type=int, metavar="ID", help="问题编号（见 list 或报告中的“编号”）")
    mk.add_argument("--as", dest="state", required=True, metavar="STATE",
                    help="confirmed（已确认）、false-positive（误报）或 fixed（已整改）")  # fmt: skip
    mk.add_argument("--note", help="审核说明")
    mk.add_argument("--by", help="审核人")
    im = actions.add_parser("import", help="导入填写了“审核结论”列的问题清单（CSV 或 XLSX）")
    im.add_argument("file")
    im.add_argument("--by", help="审核人（清单中没有“审核人”列时使用）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.action is None:
        print("cuomin review: 请指定 list、mark 或 import（cuomin review --help）", file=sys.stderr)
        return 2
    with Ledger.open(args.ledger, create=False) as ledger:
        if args.action == "mark":
            changed = mark(ledger, args.ids, args.state, note=args.note, reviewer=args.by)
            print(f"已记录 {changed} 条问题的审核结论", file=sys.stderr)
            return 0
        if args.action == "import":
            changed = import_reviews(ledger, args.file, reviewer=args.by)
            print(f"已导入 {changed} 条问题的审核结论", file=sys.stderr)
            return 0
        count = 0
        for row in list_findings(ledger, site=args.site, unit=args.unit, status=args.status, limit=args.limit):
            count += 1
            status = finding_status(row["resolved_run"], row["resolved_reason"], row["review"])
            if args.format == "json":
                row = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
                row["suggestions"] = json.loads(row["suggestions"] or "[]")
                row["status"] = status
                print(json.dumps(row, ensure_ascii=False))
                continue
            where = row["url"] or row["path"] or row["key"]
            review = REVIEW_LABELS.get(row["review"] or "", "待审核")
            suggestion = "、".join(json.loads(row["suggestions"] or "[]"))
            print(f"#{row['id']} [{row['severity']}] {row['unit'] or '（未归属单位）'} {where} {row['where']}："
                  f"“{row['match']}”" + (f" → {suggestion}" if suggestion else "") + f"（{status}，{review}）")  # fmt: skip
            print(f"    {row['context']}")
        if args.format == "text":
            print(f"共 {count} 条", file=sys.stderr)
    return 0
