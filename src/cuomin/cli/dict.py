"""``cuomin dict lint|test|explain|import``: tools for the people who maintain a layer.

The work is done by :mod:`cuomin.dictionary.lint`, ``.examples``, ``.explain`` and
``.importer``; this module only parses arguments and formats their results.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from ..checker import parse_date
from ..dictionary.examples import ExampleReport, run_stack_examples
from ..dictionary.explain import Explanation, LayerRow, explain_term
from ..dictionary.importer import ImportReport, import_words
from ..dictionary.lint import LintReport, lint_stack

__all__ = ["add_parser", "run"]

_ACTION_LABEL = {"add": "新增", "override": "修改", "retract": "撤销"}


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "dict",
        help="词库维护：检查、运行例句、解释、导入",
        description="词库维护工具。--dict 指定要处理的层目录（可多次指定，须在同一条继承链上；默认国家层）。",
    )
    tools = p.add_subparsers(dest="dict_command", metavar="TOOL")

    def common(q: argparse.ArgumentParser, *, layers: bool = True) -> None:
        q.add_argument("--dict", dest="dicts", action="append", metavar="DIR", help="词库层目录，可多次指定（默认国家层）")
        if layers:
            q.add_argument("--all", dest="all_layers", action="store_true", help="处理继承链上的所有层（默认只处理 --dict 指定的层）")
        q.add_argument("--cache-dir", help="编译词库缓存目录（默认 ~/.cache/cuomin）")
        q.add_argument("--format", default="text", choices=("text", "json"), help="输出格式（默认 text）")

    q = tools.add_parser("lint", help="检查词库：重复、层间冲突、例句、常用词误报风险",
                         description="检查词库中的问题并说明怎么改。退出码：0 没有错误（可能有提醒）；1 有错误；2 词库无法读取。")  # fmt: skip
    common(q)
    q.add_argument("--no-examples", dest="examples", action="store_false", help="不运行例句")
    q.add_argument("--no-collisions", dest="collisions", action="store_false", help="不检查常用词误报风险")
    q.add_argument("--min-freq", type=int, default=100, help="常用词的最低词频（jieba 词表，默认 100）")
    q.set_defaults(run=_run_lint)

    q = tools.add_parser("test", help="运行词条的错误例句和正确例句",
                         description="每条错误例句必须报出本词条，正确例句不得报出本词条。退出码：0 全部通过；1 有未通过的例句。")  # fmt: skip
    common(q)
    q.set_defaults(run=_run_test)

    q = tools.add_parser("explain", help="说明一个词被哪些层定义、修改、撤销，以及现在是否报出")
    q.add_argument("term", metavar="TERM", help="要查询的词或短语")
    q.add_argument("--date", help="文档日期 YYYY-MM-DD（默认今天）")
    common(q, layers=False)
    q.set_defaults(run=_run_explain)

    q = tools.add_parser("import", help="从 .txt（一行一个词）、.csv 或 .xlsx 导入词条",
                         description="把词表导入 DIR/imported.csv（没有则创建，有则追加），缺少 layer.toml 时一并创建。"
                                     "退出码：0 成功；1 有无法导入的行；2 文件或参数有误。")  # fmt: skip
    q.add_argument("file", metavar="FILE", help="要导入的 .txt、.csv 或 .xlsx 文件")
    q.add_argument("--out", required=True, metavar="DIR", help="本单位词库层目录")
    q.add_argument("--category", help="默认类别（表中没有类别列时使用），如 typo、sensitive")
    q.add_argument("--severity", help="默认严重程度：critical、error 或 warning（默认按类别）")
    q.add_argument("--layer-name", help="新建 layer.toml 时的层名（字母、数字、-、_；默认目录名）")
    q.add_argument("--level", help="新建 layer.toml 时的层级：province、city、county 或 unit（默认 unit）")
    q.add_argument("--parent", help="新建 layer.toml 时的上级层（默认 national）")
    q.add_argument("--format", default="text", choices=("text", "json"), help="输出格式（默认 text）")
    q.set_defaults(run=_run_import)
    p.set_defaults(run=lambda args: _missing_tool(p))


def run(args: argparse.Namespace) -> int:
    result: int = args.run(args)
    return result


def _missing_tool(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# -- formatting helpers ------------------------------------------------------------------------


def _short(source: str) -> str:
    """A path (or path:line) relative to the working directory when it lies below it."""
    if not source:
        return source
    try:
        rel = os.path.relpath(source)
    except ValueError:
        return source
    return source if rel.startswith("..") else rel


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, Path)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def _json(value: Any, out: TextIO, **extra: Any) -> None:
    data = _plain(value)
    data.update(extra)
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


# -- lint ------------------------------------------------------------------------------------


def _run_lint(args: argparse.Namespace) -> int:
    report = lint_stack(
        args.dicts,
        all_layers=args.all_layers,
        cache_dir=args.cache_dir,
        examples=args.examples,
        collisions=args.collisions,
        min_word_freq=args.min_freq,
    )
    if args.format == "json":
        _json(report, sys.stdout, ok=report.ok)
    else:
        _print_lint(report, sys.stdout)
    return 0 if report.ok else 1


def _print_lint(report: LintReport, out: TextIO) -> None:
    for p in report.problems:
        where = _short(p.source) or "（整个词库）"
        out.write(f"{where}: {p.level.label} [{p.code}] {p.message}\n")
        out.write(f"    怎么办：{p.advice}\n")
    layers = "、".join(report.layers)
    out.write(
        f"检查了 {layers} 层的 {report.entries} 个词条：错误 {len(report.errors)} 处，提醒 {len(report.warnings)} 处。\n"
    )


# -- test ------------------------------------------------------------------------------------


def _run_test(args: argparse.Namespace) -> int:
    report = run_stack_examples(args.dicts, all_layers=args.all_layers, cache_dir=args.cache_dir)
    if args.format == "json":
        _json(report, sys.stdout, ok=report.ok)
    else:
        _print_test(report, sys.stdout)
    return 0 if report.ok else 1


def _print_test(report: ExampleReport, out: TextIO) -> None:
    for r in report.failures:
        what = "错误例句" if r.kind == "wrong" else "正确例句"
        out.write(f"{_short(r.source)}: 未通过 {r.entry} {what}“{r.sentence}”（文档日期 {r.date}）\n")
        out.write(f"    原因：{r.message}\n")
    total = len(report.results)
    out.write(
        f"运行了 {'、'.join(report.layers)} 层 {report.entries} 个词条的 {total} 句例句："
        f"通过 {total - len(report.failures)} 句，未通过 {len(report.failures)} 句。\n"
    )


# -- explain ---------------------------------------------------------------------------------


def _run_explain(args: argparse.Namespace) -> int:
    result = explain_term(args.term, args.dicts, date=parse_date(args.date), cache_dir=args.cache_dir)
    if args.format == "json":
        _json(result, sys.stdout, flagged=result.flagged)
    else:
        _print_explain(result, sys.stdout)
    return 0


def _row_details(row: LayerRow) -> list[str]:
    bits = []
    if row.category:
        bits.append(f"类别 {row.category}")
    if row.severity:
        bits.append(f"严重程度 {row.severity}")
    if row.suggestions:
        bits.append(f"建议 {'|'.join(row.suggestions)}")
    if row.allow:
        bits.append(f"放行短语 {'|'.join(row.allow)}")
    if row.boundary:
        bits.append("整词检查")
    if row.valid_from or row.valid_until:
        bits.append(f"曾经正确的期间 {row.valid_from or '…'} 至 {row.valid_until or '…'}")
    if row.locked:
        bits.append("锁定")
    lines = ["；".join(bits)] if bits else []
    if row.explanation:
        lines.append(f"说明：{row.explanation}")
    if row.basis:
        lines.append(f"依据：{row.basis}")
    if row.reason:
        lines.append(f"理由：{row.reason}")
    return lines


def _print_explain(x: Explanation, out: TextIO) -> None:
    norm = "" if x.normalized == x.term else f"（规范化为“{x.normalized}”）"
    out.write(f"“{x.term}”{norm}，文档日期 {x.date}，词库 {' → '.join(x.stack)}\n")
    if not x.rows and not x.layer_allow:
        out.write("没有任何一层的词条与它相同或包含在它之中。\n")
    for row in x.rows:
        relation = "与查询词相同" if row.relation == "same" else "在查询词之中"
        out.write(f"\n{row.layer} 层 {_ACTION_LABEL[row.action.value]} {row.entry}“{row.term}”（{relation}） {_short(row.source)}\n")
        for line in _row_details(row):
            out.write(f"    {line}\n")
    for phrase, source in x.layer_allow:
        out.write(f"\n通用放行短语“{phrase}” {_short(source)}\n")
    if x.entries:
        out.write("\n当前生效的词条：\n")
    for state in x.entries:
        e = state.entry
        out.write(f"  {e.id}（{e.layer} 层，{e.severity.label}）“{e.term}”：")
        if state.reported:
            out.write("报出\n")
        elif not state.occurrences:
            out.write("不在查询词中\n")
        else:
            reasons = [o.status or "被同一位置更长或更严重的词条覆盖" for o in state.occurrences]
            out.write("不报出，" + "；".join(dict.fromkeys(reasons)) + "\n")
    if x.retractions:
        out.write("\n已撤销的词条：\n")
    for r in x.retractions:
        out.write(f"  {r.entry_id}“{r.term}”已被 {r.layer} 层撤销（{_short(r.source)}），理由：{r.reason}\n")
    if x.findings:
        out.write(f"\n结论：作为一句话检查，会报出 {len(x.findings)} 处：\n")
        for f in x.findings:
            sugg = f" → {'、'.join(f.suggestions)}" if f.suggestions else ""
            out.write(f"  {f.severity.label} {f.code} {f.match}{sugg}（{f.layer} 层 {f.entry}）\n")
    else:
        out.write("\n结论：作为一句话检查，不会报出。\n")


# -- import ----------------------------------------------------------------------------------


def _run_import(args: argparse.Namespace) -> int:
    report = import_words(
        args.file,
        args.out,
        category=args.category,
        severity=args.severity,
        layer_name=args.layer_name,
        level=args.level,
        parent=args.parent,
    )
    if args.format == "json":
        _json(report, sys.stdout, ok=report.ok)
    else:
        _print_import(report, sys.stdout)
    return 0 if report.ok else 1


def _print_import(report: ImportReport, out: TextIO) -> None:
    for note in report.notes:
        out.write(f"{note}\n")
    for issue in report.skipped:
        out.write(f"跳过 {issue.where}“{issue.term}”：{issue.message}\n")
    for issue in report.bad:
        term = f"“{issue.term}”" if issue.term else ""
        out.write(f"无法导入 {issue.where}{term}：{issue.message}\n")
    out.write(
        f"导入 {len(report.added)} 个词到 {_short(str(report.output))}（{report.layer} 层），"
        f"跳过重复 {len(report.skipped)} 个，无法导入 {len(report.bad)} 行。\n"
    )
    if report.added:
        out.write("请补充说明、依据和例句，然后运行 cuomin dict lint 检查。\n")
