"""Reviewers' judgements on findings: confirmed, false positive, fixed.

* A false positive stays one: the row keeps its mark across rescans, and a new finding with
  the same fingerprint (a copy, or the same sentence after an edit elsewhere) inherits it.
* A finding marked fixed is verified by the next scan of its document: gone, it counts as
  rectified (已整改); still there, it is confirmed again with a note.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from sqlalchemy import and_, func, or_, select, update

from ..errors import ConfigError, InputError
from .ledger import Ledger
from .ledger import schema as s

__all__ = ["REVIEW_LABELS", "parse_review", "mark", "list_findings", "import_reviews", "finding_status"]

REVIEW_LABELS: Final = {"confirmed": "已确认", "false_positive": "误报", "fixed": "已整改"}
_ALIASES: Final = {
    "confirmed": "confirmed", "confirm": "confirmed", "确认": "confirmed", "已确认": "confirmed", "属实": "confirmed",
    "false_positive": "false_positive", "false-positive": "false_positive", "fp": "false_positive",
    "误报": "false_positive", "不是问题": "false_positive",
    "fixed": "fixed", "已整改": "fixed", "整改": "fixed", "已修改": "fixed",
}  # fmt: skip


def parse_review(value: str) -> str:
    key = value.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise ConfigError(f"未知的审核结论“{value}”，应为 confirmed（已确认）、false-positive（误报）或 fixed（已整改）")


def finding_status(resolved_run: int | None, resolved_reason: str | None, review: str | None) -> str:
    """What a 通报 says about a finding."""
    if review == "false_positive":
        return "误报"
    if resolved_reason == "retired":
        return "词库已撤销"
    if resolved_run is not None:
        return "已整改" if resolved_reason != "removed" else "已整改（页面已删除）"
    if review == "fixed":
        return "已整改（待复查）"
    return "未整改"


def mark(
    ledger: Ledger, ids: Sequence[int], review: str, *, note: str | None = None, reviewer: str | None = None,
    copies: bool = True,
) -> int:  # fmt: skip
    """Record a judgement on findings by id; returns how many rows changed. A false positive
    also marks unreviewed findings with the same fingerprint (copies of the same text)."""
    state = parse_review(review)
    f = s.findings
    run = ledger.latest_run()
    now = dt.datetime.now()
    values = {"review": state, "review_note": note, "reviewer": reviewer, "reviewed_at": now, "review_run": run}
    with ledger.engine.begin() as conn:
        rows = conn.execute(select(f.c.id, f.c.fingerprint).where(f.c.id.in_(list(ids)))).all()
        missing = set(ids) - {r.id for r in rows}
        if missing:
            raise ConfigError(f"台账中没有这些问题编号：{', '.join(map(str, sorted(missing)))}")
        changed = conn.execute(update(f).where(f.c.id.in_(list(ids))).values(values)).rowcount or 0
        if state == "false_positive" and copies:
            fps = [r.fingerprint for r in rows]
            copy_values = dict(values, review_note=f"随问题 {', '.join(map(str, ids))} 一并判为误报" + (f"：{note}" if note else ""))
            changed += conn.execute(
                update(f).where(f.c.fingerprint.in_(fps), f.c.review.is_(None), ~f.c.id.in_(list(ids))).values(copy_values)
            ).rowcount or 0
    return int(changed)


def list_findings(
    ledger: Ledger, *, site: str | None = None, unit: str | None = None, status: str = "open", limit: int | None = None,
) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Findings with their documents. status: open (未整改, not false positive), review
    (open and not yet reviewed), fp, fixed (rectified), all."""
    f, d = s.findings, s.documents
    query = (
        select(f.c.id, f.c.code, f.c.severity, f.c.category, f.c.match, f.c.context, f.c.suggestions, f.c.where,
               f.c.explanation, f.c.review, f.c.review_note, f.c.resolved_run, f.c.resolved_reason, f.c.first_run,
               d.c.site, d.c.key, d.c.url, d.c.path, d.c.title, d.c.date, d.c.unit, d.c.column_name)  # fmt: skip
        .join(d, d.c.id == f.c.document_id)
        .order_by(d.c.site, d.c.unit, d.c.id, f.c.id)
    )
    not_fp = or_(f.c.review.is_(None), f.c.review != "false_positive")
    if status == "open":
        query = query.where(f.c.resolved_run.is_(None), not_fp)
    elif status == "review":
        query = query.where(f.c.resolved_run.is_(None), f.c.review.is_(None))
    elif status == "fp":
        query = query.where(f.c.review == "false_positive")
    elif status == "fixed":
        query = query.where(f.c.resolved_run.is_not(None), f.c.resolved_reason != "retired", not_fp)
    elif status != "all":
        raise ConfigError(f"未知的状态“{status}”，应为 open、review、fp、fixed 或 all")
    if site:
        query = query.where(d.c.site == site)
    if unit:
        query = query.where(d.c.unit == unit)
    if limit:
        query = query.limit(limit)
    with ledger.engine.connect() as conn:
        for row in conn.execution_options(yield_per=1000).execute(query).mappings():
            yield dict(row)


_ID_HEADERS: Final = ("编号", "问题编号", "id")
_REVIEW_HEADERS: Final = ("审核结论", "审核", "review")
_NOTE_HEADERS: Final = ("审核说明", "说明", "note")
_BY_HEADERS: Final = ("审核人", "reviewer")


def _rows_of(path: Path) -> list[dict[str, Any]]:
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise InputError(f"无法读取 {path}：{exc}") from None
        ws = wb["问题清单"] if "问题清单" in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        out = [dict(zip(header, r)) for r in rows]
        wb.close()
        return out
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取 {path}：{exc}") from None


def _pick(row: dict[str, Any], names: Sequence[str]) -> Any:
    for name in names:
        if name in row and row[name] not in (None, ""):
            return row[name]
    return None


def import_reviews(ledger: Ledger, path: str | Path, reviewer: str | None = None) -> int:
    """Apply the 审核结论 column of a findings list (the CSV or XLSX ``cuomin report`` wrote,
    filled in by editors). Rows without a conclusion are skipped."""
    file = Path(path)
    rows = _rows_of(file)
    if rows and not any(h in rows[0] for h in _ID_HEADERS):
        raise InputError(f"{file}: 找不到“编号”列（请使用 cuomin report 导出的问题清单）")
    groups: dict[tuple[str, str | None, str | None], list[int]] = {}
    for n, row in enumerate(rows, 2):
        value = _pick(row, _REVIEW_HEADERS)
        if value is None:
            continue
        ident = _pick(row, _ID_HEADERS)
        try:
            fid = int(str(ident).strip())
        except (TypeError, ValueError):
            raise InputError(f"{file}: 第 {n} 行的编号“{ident}”不是数字") from None
        note = _pick(row, _NOTE_HEADERS)
        by = _pick(row, _BY_HEADERS) or reviewer
        groups.setdefault((parse_review(str(value)), note, by), []).append(fid)
    changed = 0
    for (state, note, by), ids in groups.items():
        changed += mark(ledger, ids, state, note=note, reviewer=by)
    return changed


def open_count(ledger: Ledger) -> int:
    f = s.findings
    with ledger.engine.connect() as conn:
        return int(conn.execute(
            select(func.count()).where(and_(f.c.resolved_run.is_(None), or_(f.c.review.is_(None), f.c.review != "false_positive")))
        ).scalar_one())  # fmt: skip
