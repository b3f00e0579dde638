"""``--format text``: findings for people, in Chinese, coloured on a terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from ..model import DocumentMeta, Finding, Severity

__all__ = ["TextReporter"]

_RESET = "\033[0m"
_COLORS = {Severity.CRITICAL: "\033[1;31m", Severity.ERROR: "\033[33m", Severity.WARNING: "\033[36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"


class TextReporter:
    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        self._out = out
        self._color = color
        self._files = 0
        self._errors = 0
        self._counts: Counter[Severity] = Counter()

    def _c(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self._color else text

    def begin(self) -> None:
        pass

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        self._files += 1
        w = self._out.write
        if error is not None:
            self._errors += 1
            w(f"{path}: {self._c(_COLORS[Severity.CRITICAL], '无法检查')}：{error}\n")
        kept: list[Finding] = []
        for f in findings:
            kept.append(f)
            self._counts[f.severity] += 1
            where = f"{path}:{f.line}:{f.column}"
            if f.location is not None:
                where += f" [{f.location.describe()}]"
            arrow = f" → {'、'.join(f.suggestions)}" if f.suggestions else ""
            w(f"{where}: {self._c(_COLORS[f.severity], f.severity.label)} {f.code} "
              f"{self._c(_BOLD, f.match)}{arrow}\n")
            w(f"    {f.explanation}\n")
            ctx = f.context
            if self._color and f.match and f.match in ctx:
                ctx = ctx.replace(f.match, self._c(_COLORS[f.severity], f.match), 1)
            if ctx:  # file-level findings (FL…) have no text around them
                w(f"    上下文：…{ctx}…\n")
            w(self._c(_DIM, f"    类别：{f.category.label} · 词库：{f.layer} · 条目：{f.entry}") + "\n")
        return kept

    def end(self) -> None:
        total = sum(self._counts.values())
        parts = [f"{sev.label} {self._counts[sev]}" for sev in reversed(Severity) if self._counts[sev]]
        summary = f"共检查 {self._files} 个文件，发现 {total} 处问题"
        if parts:
            summary += "（" + "，".join(parts) + "）"
        if self._errors:
            summary += f"，{self._errors} 个文件无法检查"
        self._out.write(summary + "。\n")
