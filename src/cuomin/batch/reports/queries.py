"""What reports show, read from the ledger: the 通报 per-unit table, the findings list,
trends between runs, and documents that could not be checked.

Counting rules (one place for all formats): false positives and findings of retracted
dictionary entries are not 错敏信息; a finding counts as 已整改 once it is gone from the
page (or the page was deleted), 未整改 while it is still there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import and_, case, func, or_, select

from ..ledger import Ledger
from ..ledger import schema as s
from ..review import REVIEW_LABELS, finding_status

__all__ = ["UnitRow", "RunRow", "unit_table", "findings_list", "trends", "failures", "NO_UNIT", "FINDING_COLUMNS"]

NO_UNIT: Final = "（未归属单位）"
_SEVERITY_LABELS: Final = {"critical": "严重", "error": "错误", "warning": "提醒"}


@dataclass(frozen=True, slots=True)
class UnitRow:
    site: str
    unit: str
    documents: int  # documents with at least one 错敏信息
    critical: int
    error: int
    warning: int
    fixed: int
    open: int

    @property
    def total(self) -> int:
        return self.critical + self.error + self.warning

    @property
    def status(self) -> str:
        if self.total == 0 or self.open == 0:
            return "已整改"
        return "部分整改" if self.fixed else "未整改"


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    site: str
    started: str
    finished: str
    status: str
    dictionary: str
    documents: int
    new: int
    resolved: int
    open_critical: int
    open_error: int
    open_warning: int

    @property
    def open_total(self) -> int:
        return self.open_critical + self.open_error + self.open_warning


def _counted() -> Any:
    f = s.findings
    return and_(
        or_(f.c.review.is_(None), f.c.review != "false_positive"),
        or_(f.c.resolved_reason.is_(None), f.c.resolved_reason != "retired"),
    )


def unit_table(ledger: Ledger, site: str | None = None) -> list[UnitRow]:
    f, d = s.findings, s.documents
    unit = func.coalesce(d.c.unit, NO_UNIT)
    sev = {k: func.sum(case((f.c.severity == k, 1), else_=0)) for k in ("critical", "error", "warning")}
    query = (
        select(
            d.c.site, unit.label("unit"), func.count(func.distinct(d.c.id)), sev["critical"], sev["error"],
            sev["warning"], func.sum(case((f.c.resolved_run.is_not(None), 1), else_=0)),
            func.sum(case((f.c.resolved_run.is_(None), 1), else_=0)),
        )  # fmt: skip
        .join(f, f.c.document_id == d.c.id)
        .where(_counted())
        .group_by(d.c.site, unit)
        .order_by(d.c.site, unit)
    )
    if site:
        query = query.where(d.c.site == site)
    with ledger.engine.connect() as conn:
        return [UnitRow(r[0], r[1], *(int(v or 0) for v in r[2:])) for r in conn.execute(query)]


#: Columns of the findings list: (key, header).
FINDING_COLUMNS: Final = (
    ("id", "编号"), ("unit", "单位"), ("site", "网站名称"), ("column", "栏目"), ("title", "文章标题"),
    ("address", "网址或路径"), ("date", "发布日期"), ("where", "位置"), ("match", "错误内容"),
    ("suggestions", "建议"), ("context", "上下文"), ("category", "类别"), ("severity", "严重程度"),
    ("explanation", "说明"), ("code", "代码"), ("first_run", "首次发现"), ("status", "整改情况"),
    ("review", "审核结论"), ("review_note", "审核说明"),
)  # fmt: skip


def findings_list(ledger: Ledger, site: str | None = None, include_false_positives: bool = False) -> Iterator[dict[str, Any]]:
    """Every 错敏信息 (and, if asked, the false positives), one dict per finding, streamed."""
    from ...model import Category

    f, d = s.findings, s.documents
    query = (
        select(f, d.c.site, d.c.unit, d.c.column_name, d.c.title, d.c.url, d.c.path, d.c.key, d.c.date)
        .join(d, d.c.id == f.c.document_id)
        .where(or_(f.c.resolved_reason.is_(None), f.c.resolved_reason != "retired"))
        .order_by(d.c.site, d.c.unit, d.c.date, d.c.id, f.c.id)
    )
    if not include_false_positives:
        query = query.where(or_(f.c.review.is_(None), f.c.review != "false_positive"))
    if site:
        query = query.where(d.c.site == site)
    with ledger.engine.connect() as conn:
        for r in conn.execution_options(yield_per=1000).execute(query).mappings():
            try:
                category = Category(r["category"]).label
            except ValueError:
                category = r["category"]
            yield {
                "id": r["id"],
                "unit": r["unit"] or NO_UNIT,
                "site": r["site"],
                "column": r["column_name"] or "",
                "title": r["title"] or "",
                "address": r["url"] or r["path"] or r["key"],
                "date": r["date"].isoformat() if r["date"] else "",
                "where": r["where"],
                "match": r["match"],
                "suggestions": "、".join(json.loads(r["suggestions"] or "[]")),
                "context": r["context"],
                "category": category,
                "severity": _SEVERITY_LABELS.get(r["severity"], r["severity"]),
                "severity_key": r["severity"],
                "explanation": r["explanation"],
                "code": r["code"],
                "first_run": r["first_run"],
                "status": finding_status(r["resolved_run"], r["resolved_reason"], r["review"]),
                "review": REVIEW_LABELS.get(r["review"] or "", ""),
                "review_note": r["review_note"] or "",
            }


def trends(ledger: Ledger, site: str | None = None) -> list[RunRow]:
    """Per run: documents scanned, findings new and resolved, and what was open after it."""
    f, d, runs = s.findings, s.documents, s.runs
    query = select(runs).order_by(runs.c.id)
    if site:
        query = query.where(runs.c.site == site)
    out: list[RunRow] = []
    with ledger.engine.connect() as conn:
        for run in conn.execute(query).mappings():
            rid = run["id"]
            still_open = or_(f.c.resolved_run.is_(None), f.c.resolved_run > rid)
            counts: dict[str, int] = dict(
                conn.execute(
                    select(f.c.severity, func.count())
                    .join(d, d.c.id == f.c.document_id)
                    .where(d.c.site == run["site"], f.c.first_run <= rid, still_open,
                           or_(f.c.review.is_(None), f.c.review != "false_positive"))  # fmt: skip
                    .group_by(f.c.severity)
                ).all()
            )
            out.append(
                RunRow(
                    id=rid, site=run["site"],
                    started=run["started_at"].strftime("%Y-%m-%d %H:%M") if run["started_at"] else "",
                    finished=run["finished_at"].strftime("%Y-%m-%d %H:%M") if run["finished_at"] else "",
                    status={"done": "完成", "running": "进行中", "interrupted": "已中断"}.get(run["status"], run["status"]),
                    dictionary=run["dict_version"], documents=run["docs_seen"], new=run["findings_new"],
                    resolved=run["findings_resolved"], open_critical=int(counts.get("critical", 0)),
                    open_error=int(counts.get("error", 0)), open_warning=int(counts.get("warning", 0)),
                )  # fmt: skip
            )
    return out


def failures(ledger: Ledger, site: str | None = None) -> list[dict[str, Any]]:
    """Documents that could not be checked at all."""
    d = s.documents
    query = select(d.c.site, d.c.unit, d.c.key, d.c.url, d.c.error).where(d.c.status == "error").order_by(d.c.site, d.c.key)
    if site:
        query = query.where(d.c.site == site)
    with ledger.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
