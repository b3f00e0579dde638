"""``cuomin rules``: every installed rule with its code, severity and description."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
from typing import Any

from ..rules.registry import ENTRY_POINT_GROUP, discover_rules

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "rules",
        help="列出所有已安装的规则",
        description="列出所有已安装的检查规则（内置规则和第三方规则包）：代码、类别、默认严重程度和说明。",
    )
    p.add_argument("--format", default="text", choices=("text", "json"), help="输出格式（默认 text）")
    p.add_argument("--select", default="", help="只列出这些代码前缀，逗号分隔，如 PI,SM")
    p.set_defaults(run=run)


def _origins() -> dict[str, str]:
    """Rule code → the distribution that registers it (cuomin, or a third-party package)."""
    out: dict[str, str] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        out.setdefault(ep.name, dist.name if dist is not None else "?")
    return out


def run(args: argparse.Namespace) -> int:
    rules = discover_rules()
    origins = _origins()
    prefixes = [p.strip() for p in args.select.split(",") if p.strip()]
    rows = []
    for code, cls in rules.items():
        codes = cls.codes()
        if prefixes and not any(c.startswith(p) for c in codes for p in prefixes):
            continue
        rows.append(
            {
                "code": code,
                "codes": list(codes),
                "name": cls.name,
                "category": cls.category.value,
                "severity": cls.severity.value,
                "description": cls.description,
                "package": origins.get(code, "?"),
            }
        )
    out = sys.stdout
    if args.format == "json":
        json.dump({"rules": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    for row, cls in ((r, rules[str(r["code"])]) for r in rows):
        extra = f"（另含代码 {'、'.join(row['codes'][1:])}）" if len(row["codes"]) > 1 else ""
        package = "" if row["package"] == "cuomin" else f" [{row['package']}]"
        out.write(
            f"{row['code']}  {cls.severity.label:<2}  {cls.category.label}  {row['name']}{package}\n"
            f"       {row['description']}{extra}\n"
        )
    out.write(f"共 {len(rows)} 条规则。用 --select/--ignore 或配置文件（cuomin.toml）选择规则，见 docs/rules.md。\n")
    return 0
