"""``--format html``: one self-contained HTML file with each finding in its highlighted context.

No scripts, fonts or styles from elsewhere: the page opens offline and can be mailed or
archived as it is. Files are written as they are checked (only those with findings or
errors get a section); the summary is written last and shown first by CSS.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from html import escape
from typing import Final, TextIO

from .. import __version__
from ..checker import CONTEXT_WIDTH
from ..model import DocumentMeta, Finding, Severity

__all__ = ["HtmlReporter", "split_context"]

_CONTROL: Final = {ord(c): " " for c in "\n\r\t\v\f"}

_STYLE: Final = """
body{margin:0;background:#f5f6f8;color:#1d2129;font:15px/1.7 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif}
.report{display:flex;flex-direction:column;max-width:1100px;margin:0 auto;padding:16px 20px}
header{order:-2}h1{font-size:22px;margin:8px 0 0;color:#a31f1f}.gen{color:#5f6670;font-size:13px;margin:2px 0 12px}
.summary{order:-1;background:#fff;border:1px solid #d6d9de;border-radius:6px;padding:10px 14px;margin-bottom:14px}
.summary table{border-collapse:collapse}.summary td,.summary th{border:1px solid #d6d9de;padding:3px 12px;text-align:left}
.file{background:#fff;border:1px solid #d6d9de;border-radius:6px;padding:10px 14px;margin:0 0 14px}
.file h2{font-size:16px;margin:0 0 4px;word-break:break-all}.meta{color:#5f6670;font-size:13px;margin:0 0 6px}
.error{color:#c62828;font-weight:bold}
ol{padding-left:22px;margin:0}li.finding{margin:8px 0;padding:6px 10px;border-left:5px solid #999;background:#fafbfc}
li.sev-critical{border-left-color:#c62828}li.sev-error{border-left-color:#b85c00}li.sev-warning{border-left-color:#1565c0}
.badge{color:#fff;font-size:12px;font-weight:bold;padding:0 6px;border-radius:3px;margin-right:6px}
.sev-critical .badge{background:#c62828}.sev-error .badge{background:#b85c00}.sev-warning .badge{background:#1565c0}
.head{font-size:13px;color:#5f6670}.head code{margin-left:6px}
.ctx{margin:4px 0;font-size:16px;white-space:pre-wrap}
mark{padding:0 2px;border-radius:2px}
.sev-critical mark{background:#fde0dc;box-shadow:inset 0 -2px 0 #c62828}.sev-error mark{background:#ffe9c7;box-shadow:inset 0 -2px 0 #b85c00}
.sev-warning mark{background:#dceafe;box-shadow:inset 0 -2px 0 #1565c0}
.fix ins{color:#2e7d32;text-decoration:none;font-weight:bold}.why{margin:2px 0}.src{font-size:12px;color:#8a919c;margin:0}
@media print{body{background:#fff}.file,.summary{border:none}}
"""


def split_context(finding: Finding) -> tuple[str, str, str]:
    """The context as (before, match, after), the match cut out where the checker put it."""
    ctx = finding.context
    match = finding.match.translate(_CONTROL)
    at = min(finding.start, CONTEXT_WIDTH)
    if not match:
        return ctx, "", ""
    if ctx[at : at + len(match)] != match:
        at = ctx.find(match)
        if at < 0:
            return ctx, "", ""
    return ctx[:at], match, ctx[at + len(match) :]


class HtmlReporter:
    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        self._out = out
        self._files = 0
        self._clean = 0
        self._errors = 0
        self._counts: Counter[Severity] = Counter()

    def begin(self) -> None:
        now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        self._out.write(
            '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>错敏词检查报告</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            '<div class="report">\n<header><h1>错敏词检查报告</h1>'
            f'<p class="gen">生成时间 {now} · cuomin {escape(__version__)} · 机器检查结果，请逐条人工确认</p></header>\n'
        )

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        self._files += 1
        w = self._out.write
        started = False

        def start() -> None:
            nonlocal started
            started = True
            w(f'<section class="file">\n<h2>{escape(path)}</h2>\n')
            if meta is not None:
                bits = [
                    f"{label}：{escape(value)}"
                    for label, value in (("单位", meta.unit), ("栏目", meta.column), ("标题", meta.title), ("网址", meta.url))
                    if value
                ]
                if meta.date:
                    bits.append(f"日期：{meta.date.isoformat()}")
                if bits:
                    w(f'<p class="meta">{" · ".join(bits)}</p>\n')

        if error is not None:
            self._errors += 1
            start()
            w(f'<p class="error">无法检查：{escape(error)}</p>\n')
        kept: list[Finding] = []
        for f in findings:
            if not started:
                start()
            if not kept:
                w("<ol>\n")
            kept.append(f)
            self._counts[f.severity] += 1
            w(self._finding(f))
        if kept:
            w("</ol>\n")
        if started:
            w("</section>\n")
        elif error is None:
            self._clean += 1
        return kept

    def _finding(self, f: Finding) -> str:
        where = f"第{f.line}行第{f.column}列"
        if f.location is not None:
            where = f"{f.location.describe()} · {where}"
        before, match, after = split_context(f)
        fix = (
            f'<p class="fix">建议：{"、".join(f"<ins>{escape(s)}</ins>" for s in f.suggestions)}</p>' if f.suggestions else ""
        )
        return (
            f'<li class="finding sev-{f.severity.value}">'
            f'<div class="head"><span class="badge">{f.severity.label}</span>{escape(f.category.label)} · {escape(where)}'
            f"<code>{escape(f.code)}</code></div>"
            f'<p class="ctx">…{escape(before)}<mark>{escape(match)}</mark>{escape(after)}…</p>'
            f'{fix}<p class="why">{escape(f.explanation)}</p>'
            f'<p class="src">词库 {escape(f.layer)} · 条目 {escape(f.entry)}</p></li>\n'
        )

    def end(self) -> None:
        total = sum(self._counts.values())
        rows = "".join(f"<tr><th>{sev.label}</th><td>{self._counts[sev]}</td></tr>" for sev in reversed(Severity))
        self._out.write(
            '<div class="summary"><p>'
            f"共检查 {self._files} 个文件，发现 {total} 处问题；{self._clean} 个文件未发现问题"
            + (f'，<span class="error">{self._errors} 个文件无法检查</span>' if self._errors else "")
            + f"。</p><table>{rows}</table></div>\n</div>\n</body>\n</html>\n"
        )
        self._out.flush()
