"""The HTML report: one self-contained page with the per-unit table, trends, and every
finding in its context (the match highlighted), grouped by unit. Streamed as it is read."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TextIO

from ..ledger import Ledger
from .queries import failures, findings_list, trends, unit_table

__all__ = ["write_html"]

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #bbb;padding:4px 8px;vertical-align:top}
th{background:#ddebf7}td.n{text-align:right}.critical{color:#b00;font-weight:bold}.error{color:#c60}.warning{color:#666}
mark{background:#ffe08a}.ctx{max-width:40em}.ok{color:#080}.bad{color:#b00}h2{border-bottom:2px solid #ddebf7}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _context(context: str, match: str) -> str:
    i = context.find(match) if match else -1
    if i < 0:
        return _e(context)
    return _e(context[:i]) + "<mark>" + _e(match) + "</mark>" + _e(context[i + len(match) :])


def _write(ledger: Ledger, out: TextIO, site: str | None, include_fp: bool) -> None:
    title = f"错敏信息检查报告{('：' + site) if site else ''}"
    out.write(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>'
              f"<style>{_CSS}</style></head><body><h1>{_e(title)}</h1>\n")  # fmt: skip
    rows = unit_table(ledger, site)
    out.write("<h2>通报汇总</h2><table><tr><th>序号</th><th>单位</th><th>网站名称</th><th>问题文章数</th>"
              "<th>严重</th><th>错误</th><th>提醒</th><th>合计</th><th>已整改</th><th>未整改</th><th>整改情况</th></tr>\n")  # fmt: skip
    for i, r in enumerate(rows, 1):
        cls = "ok" if r.status == "已整改" else "bad"
        out.write(f"<tr><td class=n>{i}</td><td>{_e(r.unit)}</td><td>{_e(r.site)}</td><td class=n>{r.documents}</td>"
                  f"<td class=n>{r.critical}</td><td class=n>{r.error}</td><td class=n>{r.warning}</td>"
                  f"<td class=n>{r.total}</td><td class=n>{r.fixed}</td><td class=n>{r.open}</td>"
                  f"<td class={cls}>{_e(r.status)}</td></tr>\n")  # fmt: skip
    out.write("</table>\n<h2>检查趋势</h2><table><tr><th>检查次</th><th>网站名称</th><th>开始时间</th><th>状态</th>"
              "<th>文档数</th><th>新发现</th><th>已消除</th><th>未整改</th></tr>\n")  # fmt: skip
    for t in trends(ledger, site):
        out.write(f"<tr><td class=n>{t.id}</td><td>{_e(t.site)}</td><td>{_e(t.started)}</td><td>{_e(t.status)}</td>"
                  f"<td class=n>{t.documents}</td><td class=n>{t.new}</td><td class=n>{t.resolved}</td>"
                  f"<td class=n>{t.open_total}</td></tr>\n")  # fmt: skip
    out.write("</table>\n<h2>问题清单</h2>\n")
    unit = None
    for f in findings_list(ledger, site, include_fp):
        if f["unit"] != unit:
            if unit is not None:
                out.write("</table>\n")
            unit = f["unit"]
            out.write(f"<h3>{_e(unit)}</h3><table><tr><th>编号</th><th>文章</th><th>位置</th><th>错误内容</th>"
                      "<th>建议</th><th>上下文</th><th>严重程度</th><th>说明</th><th>整改情况</th></tr>\n")  # fmt: skip
        link = f["address"]
        article = f'<a href="{_e(link)}">{_e(f["title"] or link)}</a>' if "://" in str(link) else _e(f["title"] or link)
        out.write(f"<tr><td class=n>{f['id']}</td><td>{article}<br><small>{_e(f['date'])} {_e(f['column'])}</small></td>"
                  f"<td>{_e(f['where'])}</td><td><b>{_e(f['match'])}</b></td><td>{_e(f['suggestions'])}</td>"
                  f"<td class=ctx>{_context(f['context'], f['match'])}</td>"
                  f"<td class={_e(f['severity_key'])}>{_e(f['severity'])}</td><td>{_e(f['explanation'])}</td>"
                  f"<td>{_e(f['status'])}{('<br>' + _e(f['review'])) if f['review'] else ''}</td></tr>\n")  # fmt: skip
    if unit is not None:
        out.write("</table>\n")
    else:
        out.write("<p>没有发现错敏信息。</p>\n")
    failed = failures(ledger, site)
    if failed:
        out.write("<h2>无法检查的文档</h2><table><tr><th>网站名称</th><th>网址或路径</th><th>原因</th></tr>\n")
        for x in failed:
            out.write(f"<tr><td>{_e(x['site'])}</td><td>{_e(x['url'] or x['key'])}</td><td>{_e(x['error'])}</td></tr>\n")
        out.write("</table>\n")
    out.write("</body></html>\n")


def write_html(ledger: Ledger, path: str | Path, *, site: str | None = None, include_false_positives: bool = False) -> None:
    with Path(path).open("w", encoding="utf-8") as out:
        _write(ledger, out, site, include_false_positives)
