"""``cuomin check``: check files, directories or standard input."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..checker import Checker, parse_date
from ..config import Config, find_config, load_config
from ..errors import ConfigError, InputError
from ..extract import SUPPORTED_SUFFIXES, Limits, load_document
from ..model import Category, Finding, Severity
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
    p.add_argument("-o", "--output", metavar="FILE", help="把报告写入文件而不是标准输出（xlsx 须写入文件或重定向）")
    p.add_argument("--date", help="文档日期 YYYY-MM-DD（过时名称、领导职务按此判断；默认今天）")
    p.add_argument("--dict", dest="dicts", action="append", metavar="DIR", help="词库层目录，可多次指定（默认国家层）")
    p.add_argument("--fail-on", default="error", choices=_FAIL_ON, help="达到此级别即以 1 退出（默认 error）")
    p.add_argument("--select", default="", help="只报这些代码前缀，逗号分隔，如 WD1,WD2")
    p.add_argument("--ignore", default="", help="不报这些代码前缀，逗号分隔，如 WD7")
    p.add_argument("--cache-dir", help="编译词库缓存目录（默认 ~/.cache/cuomin）")
    p.add_argument("--color", default="auto", choices=("auto", "always", "never"), help="彩色输出")
    p.add_argument("--config", metavar="PATH", help="配置文件（默认当前目录的 cuomin.toml 或含 [tool.cuomin] 的 pyproject.toml）")
    p.add_argument("--no-config", action="store_true", help="不读取任何配置文件")
    p.add_argument(
        "--limit",
        dest="limits",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="文件检查限制，可多次指定，如 max_bytes=50M、max_pages=500、max_seconds=30（见 docs/formats.md）",
    )
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


def _unchecked(finding: Finding) -> bool:
    """An extraction problem that left the whole file unchecked (FL…, critical)."""
    return finding.category is Category.FILE and finding.severity is Severity.CRITICAL


def _configuration(args: argparse.Namespace) -> Config:
    """The configuration file (``--config``, else found in the current directory) merged
    with the command-line options."""
    path = None if args.no_config else (args.config or find_config())
    config = load_config(path) if path else Config()
    return config.merged(
        select=_split(args.select), ignore=_split(args.ignore), dictionaries=args.dicts, cache_dir=args.cache_dir
    )


def run(args: argparse.Namespace) -> int:
    date = parse_date(args.date)
    limits = Limits.parse(getattr(args, "limits", None) or [])
    checker = Checker(**_configuration(args).checker_kwargs())
    out: TextIO = sys.stdout
    if args.output:
        try:
            out = open(args.output, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise ConfigError(f"无法写入报告文件 {args.output}：{exc.strerror or exc}") from None
    try:
        return _check(args, checker, date, limits, out)
    finally:
        if out is not sys.stdout:
            out.close()


def _check(args: argparse.Namespace, checker: Checker, date: dt.date | None, limits: Limits, out: TextIO) -> int:
    color = args.color == "always" or (
        args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
    )
    reporter = make_reporter(args.format, out, color=color)
    threshold = None if args.fail_on == "none" else Severity(args.fail_on)
    failed = False
    input_errors = 0
    reporter.begin()
    for name, path in _inputs(args.paths):
        try:
            if path is None:
                doc = load_document(sys.stdin.buffer, name=name, limits=limits)
            else:
                doc = load_document(path, limits=limits)
        except InputError as exc:
            input_errors += 1
            reporter.file(name, [], error=str(exc))
            continue
        findings = reporter.file(name, checker.iter_findings(doc, date=date), meta=doc.meta)
        if any(_unchecked(f) for f in doc.problems if f in findings):
            input_errors += 1
        if threshold is not None and any(f.severity.rank >= threshold.rank for f in findings):
            failed = True
    reporter.end()
    if input_errors:
        return 2
    return 1 if failed else 0
