"""``cuomin check``: check files, directories or standard input."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..checker import Checker, parse_date
from ..errors import InputError
from ..extract import SUPPORTED_SUFFIXES, load_document
from ..model import Severity
from ..report import FORMATS, make_reporter

__all__ = ["add_parser", "run"]

_FAIL_ON = ("critical", "error", "warning", "none")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="检查文件或标准输入",
        description=(
            "检查文件、目录或标准输入（-）中的错敏词。退出码：0 没有达到 --fail-on 级别的问题；"
            "1 有；2 用法或配置错误，或有文件无法检查。"
        ),
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="文件或目录；- 表示标准输入（默认）")
    p.add_argument("--format", default="text", choices=sorted(FORMATS), help="输出格式（默认 text）")
    p.add_argument("--date", help="文档日期 YYYY-MM-DD（过时名称、领导职务按此判断；默认今天）")
    p.add_argument("--dict", dest="dicts", action="append", metavar="DIR", help="词库层目录，可多次指定（默认国家层）")
    p.add_argument("--fail-on", default="error", choices=_FAIL_ON, help="达到此级别即以 1 退出（默认 error）")
    p.add_argument("--select", default="", help="只报这些代码前缀，逗号分隔，如 WD1,WD2")
    p.add_argument("--ignore", default="", help="不报这些代码前缀，逗号分隔，如 WD7")
    p.add_argument("--cache-dir", help="编译词库缓存目录（默认 ~/.cache/cuomin）")
    p.add_argument("--color", default="auto", choices=("auto", "always", "never"), help="彩色输出")
    p.set_defaults(run=run)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _inputs(paths: list[str]) -> Iterator[tuple[str, Path | None]]:
    """(display name, path or None for stdin); directories are walked in sorted order."""
    for raw in paths or ["-"]:
        if raw == "-":
            yield "<stdin>", None
            continue
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    child = Path(root) / name
                    if child.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield str(child), child
        else:
            yield raw, path


def run(args: argparse.Namespace) -> int:
    date = parse_date(args.date)
    checker = Checker(
        dictionaries=args.dicts,
        select=_split(args.select),
        ignore=_split(args.ignore),
        cache_dir=args.cache_dir,
    )
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    reporter = make_reporter(args.format, sys.stdout, color=color)
    threshold = None if args.fail_on == "none" else Severity(args.fail_on)
    failed = False
    input_errors = 0
    reporter.begin()
    for name, path in _inputs(args.paths):
        try:
            if path is None:
                doc = load_document(sys.stdin.buffer, name=name)
            else:
                doc = load_document(path)
        except InputError as exc:
            input_errors += 1
            reporter.file(name, [], error=str(exc))
            continue
        findings = reporter.file(name, checker.iter_findings(doc, date=date))
        if threshold is not None and any(f.severity.rank >= threshold.rank for f in findings):
            failed = True
    reporter.end()
    if input_errors:
        return 2
    return 1 if failed else 0
