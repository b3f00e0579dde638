"""Write scan results to the ledger, a batch of documents per transaction.

Everything about one document (its row, text, parts, findings, the run's counters) goes
into the same transaction, so a scan killed at any moment leaves every document either as
it was or fully updated: a rerun redoes the rest and never counts anything twice (documents
are unique per site and key, findings per document and fingerprint).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from . import schema as s
from .store import DocState, Ledger

__all__ = ["DocUpdate", "write_batch", "mark_missing", "collect_texts", "COUNTERS"]

#: Keys per query when reading back the ids of new documents.
_ID_CHUNK = 500

COUNTERS = ("docs_seen", "docs_checked", "docs_copied", "docs_delta", "docs_unchanged", "docs_failed",
            "findings_new", "findings_resolved")  # fmt: skip


@dataclass(slots=True)
class DocUpdate:
    """What happened to one document in this run.

    kind: ``checked`` (extracted and checked), ``copied`` (findings of an identical copy),
    ``delta`` (rechecked part of the dictionary: ``findings`` replace those of ``retire``),
    ``unchanged`` (seen, nothing to do), ``refingerprint`` (dictionary changed, nothing it
    can affect), ``failed`` (could not be read: ``error``).
    """

    site: str
    key: str
    kind: str
    state: DocState | None
    fields: dict[str, Any] = field(default_factory=dict)  # documents columns to set
    text: tuple[str, bytes, bytes | None] | None = None  # (content_hash, blob, bigram signature)
    findings: list[dict[str, Any]] | None = None
    retire: frozenset[str] | None = None  # delta: entries whose findings are replaced
    retire_all_dictionary: bool = False  # delta with the whole dictionary
    retired_entries: frozenset[str] = frozenset()  # gone findings of these entries are retired, not fixed
    parts: tuple[str, ...] | None = None


def _in_scope(update_: DocUpdate, code: str, entry: str | None) -> bool:
    """Is a finding (of this code and entry) one that this update decides about? A delta
    decides only about the dictionary findings of the entries it rechecked."""
    if update_.kind != "delta":
        return True
    if not str(code).startswith("WD"):
        return False
    return update_.retire_all_dictionary or (update_.retire is not None and entry in update_.retire)


def write_batch(ledger: Ledger, run_id: int, updates: Sequence[DocUpdate]) -> dict[str, int]:
    """Persist a batch atomically; returns the counters added to the run."""
    counts = dict.fromkeys(COUNTERS, 0)
    if not updates:
        return counts
    now = dt.datetime.now()
    with ledger.engine.begin() as conn:
        _write_texts(conn, updates)
        ids = _write_documents(conn, run_id, updates)
        counts.update(_write_findings(conn, run_id, updates, ids, now))
        _write_parts(conn, updates, ids)
        for u in updates:
            counts["docs_seen"] += 1
            key = {"checked": "docs_checked", "copied": "docs_copied", "delta": "docs_delta",
                   "unchanged": "docs_unchanged", "refingerprint": "docs_unchanged", "failed": "docs_failed"}[u.kind]  # fmt: skip
            counts[key] += 1
        conn.execute(
            update(s.runs).where(s.runs.c.id == run_id).values({c: getattr(s.runs.c, c) + counts[c] for c in COUNTERS})
        )
    return counts


def _write_texts(conn: Connection, updates: Sequence[DocUpdate]) -> None:
    blobs = {u.text[0]: u.text[1:] for u in updates if u.text is not None}
    if not blobs:
        return
    present = {
        r[0] for r in conn.execute(select(s.texts.c.content_hash).where(s.texts.c.content_hash.in_(list(blobs))))
    }
    rows = [{"content_hash": h, "data": b, "size": len(b), "bigrams": sig}
            for h, (b, sig) in blobs.items() if h not in present]  # fmt: skip
    if rows:
        conn.execute(insert(s.texts), rows)


def _write_documents(conn: Connection, run_id: int, updates: Sequence[DocUpdate]) -> dict[int, int]:
    """Upsert document rows; returns {index in updates: document id}. Rows are grouped by
    the columns they set, so that each group is one executemany."""
    d = s.documents
    ids: dict[int, int] = {}
    same: dict[tuple[tuple[str, Any], ...], list[int]] = {}  # the same values set on these ids
    fresh: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for i, u in enumerate(updates):
        if u.state is not None:
            ids[i] = u.state.id
            values = dict(u.fields)
            values["last_run"] = run_id
            if u.kind == "unchanged" and not u.fields:
                values["status"] = "ok"
            same.setdefault(tuple(sorted(values.items(), key=itemgetter(0))), []).append(u.state.id)
        else:
            values = dict(u.fields)
            values.update(site=u.site, key=u.key, first_run=run_id, last_run=run_id)
            fresh.setdefault(tuple(sorted(values)), []).append((i, values))
    # A rescan sets the same new version on most documents: one statement for all of them.
    changed: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for items, doc_ids in same.items():
        if len(doc_ids) > 1:
            conn.execute(update(d).where(d.c.id.in_(doc_ids)).values(dict(items)))
            continue
        changed.setdefault(tuple(k for k, _v in items), []).append({"b_id": doc_ids[0], **{f"b_{k}": v for k, v in items}})
    for columns, rows in changed.items():
        conn.execute(update(d).where(d.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in columns}), rows)
    # New rows: one executemany per group, then their ids by (site, key), which are unique.
    # (An INSERT … RETURNING in parameter order runs row by row on SQLite: 50 µs a row.)
    wanted: dict[tuple[str, str], int] = {}
    for _columns, inserted in fresh.items():
        conn.execute(insert(d), [values for _i, values in inserted])
        wanted.update(((values["site"], values["key"]), index) for index, values in inserted)
    by_site: dict[str, list[str]] = {}
    for site, key in wanted:
        by_site.setdefault(site, []).append(key)
    for site, keys in by_site.items():
        for i in range(0, len(keys), _ID_CHUNK):
            query = select(d.c.key, d.c.id).where(d.c.site == site, d.c.key.in_(keys[i : i + _ID_CHUNK]))
            for key, new_id in conn.execute(query):
                ids[wanted[(site, key)]] = int(new_id)
    return ids


def _write_findings(
    conn: Connection, run_id: int, updates: Sequence[DocUpdate], ids: dict[int, int], now: dt.datetime
) -> dict[str, int]:
    f = s.findings
    counts = {"findings_new": 0, "findings_resolved": 0}
    touched = {ids[i]: u for i, u in enumerate(updates) if u.findings is not None}
    existing: dict[int, list[Any]] = {}
    # A delta with part of the dictionary decides only about the findings of the entries it
    # rechecked: only those are read (an article has a dozen findings of other entries).
    narrow = {i: u for i, u in touched.items() if u.kind == "delta" and not u.retire_all_dictionary}
    cols = (f.c.id, f.c.document_id, f.c.fingerprint, f.c.code, f.c.entry, f.c.resolved_run, f.c.review,
            f.c.review_run)  # fmt: skip
    wide = [i for i in touched if i not in narrow]
    if wide:
        for row in conn.execute(select(*cols).where(f.c.document_id.in_(wide))):
            existing.setdefault(row.document_id, []).append(row)
    entries = sorted(set().union(*(u.retire or () for u in narrow.values())))
    if narrow and entries:
        for row in conn.execute(select(*cols).where(f.c.document_id.in_(list(narrow)), f.c.entry.in_(entries))):
            existing.setdefault(row.document_id, []).append(row)
    inserts: list[dict[str, Any]] = []
    refresh: list[dict[str, Any]] = []
    reopen: list[dict[str, Any]] = []
    resolve: list[dict[str, Any]] = []
    for doc_id, u in touched.items():
        assert u.findings is not None
        new = {row["fingerprint"]: row for row in u.findings}
        old = {row.fingerprint: row for row in existing.get(doc_id, [])}
        for fp, row in old.items():
            if not _in_scope(u, row.code, row.entry):
                continue
            if fp in new:
                values = {k: v for k, v in new[fp].items() if k != "fingerprint"}
                values["b_id"] = row.id
                if row.review == "fixed" and (row.review_run or 0) < run_id:
                    values["review_note"] = f"标记为已整改，但第 {run_id} 次检查时仍然存在"
                    reopen.append(values)
                else:
                    refresh.append(values)
            elif row.resolved_run is None:
                reason = "retired" if (u.kind == "delta" or row.entry in u.retired_entries) else "fixed"
                resolve.append({"b_id": row.id, "b_run": run_id, "b_reason": reason})
        for fp, new_row in new.items():
            # (A finding outside the delta's scope is in the ledger already, unread: the
            # same text was checked in full before.)
            if fp not in old and _in_scope(u, new_row["code"], new_row["entry"]):
                inserts.append({**new_row, "document_id": doc_id, "first_run": run_id})
    _inherit_false_positives(conn, inserts, now, run_id)
    if inserts:
        conn.execute(insert(f), inserts)
        counts["findings_new"] += len(inserts)
    if refresh:
        _refresh(conn, refresh, reopened=False)
    if reopen:
        _refresh(conn, reopen, reopened=True)
    if resolve:
        conn.execute(
            update(f).where(f.c.id == bindparam("b_id")).values(
                resolved_run=bindparam("b_run"), resolved_reason=bindparam("b_reason")
            ),
            resolve,
        )
        counts["findings_resolved"] += len(resolve)
    # Findings marked fixed on documents that were seen unchanged: still there.
    unchanged = [ids[i] for i, u in enumerate(updates) if u.findings is None and u.state is not None]
    if unchanged:
        conn.execute(
            update(f)
            .where(and_(f.c.document_id.in_(unchanged), f.c.review == "fixed", f.c.resolved_run.is_(None),
                        f.c.review_run < run_id))  # fmt: skip
            .values(review="confirmed", review_note=f"标记为已整改，但第 {run_id} 次检查时内容未变、问题仍然存在")
        )
    return counts


_DETAIL = ("code", "entry", "layer", "category", "severity", "match", "context", "suggestions", "explanation",
           "location", "where", "start", "end", "line", "col")  # fmt: skip


def _refresh(conn: Connection, rows: list[dict[str, Any]], *, reopened: bool) -> None:
    """Update the details of findings still present (offsets move when text is edited);
    a resolved one is open again; one marked fixed that is still there is confirmed."""
    f = s.findings
    values: dict[str, Any] = {c: bindparam(f"b_{c}") for c in _DETAIL}
    values.update(resolved_run=None, resolved_reason=None)
    if reopened:
        values.update(review="confirmed", review_note=bindparam("b_review_note"))
    params = [{k if k == "b_id" else f"b_{k}": v for k, v in r.items()} for r in rows]
    conn.execute(update(f).where(f.c.id == bindparam("b_id")).values(values), params)


def _inherit_false_positives(conn: Connection, inserts: list[dict[str, Any]], now: dt.datetime, run_id: int) -> None:
    """A new finding whose fingerprint a reviewer already judged a false positive (in a
    copy, or before the document was rewritten) stays a false positive."""
    if not inserts:
        return
    f = s.findings
    fps = sorted({r["fingerprint"] for r in inserts})
    judged: dict[str, Any] = {}
    for i in range(0, len(fps), 500):
        for row in conn.execute(
            select(f.c.fingerprint, f.c.document_id, f.c.review_note, f.c.reviewer)
            .where(f.c.fingerprint.in_(fps[i : i + 500]), f.c.review == "false_positive")
        ):
            judged.setdefault(row.fingerprint, row)
    for r in inserts:
        prior = judged.get(r["fingerprint"])
        if prior is not None:
            r.update(
                review="false_positive",
                review_note=f"沿用文档 {prior.document_id} 中的误报判定" + (f"：{prior.review_note}" if prior.review_note else ""),
                reviewer=prior.reviewer,
                reviewed_at=now,
                review_run=run_id,
            )
    # Rows must share keys for executemany.
    keys = {"review", "review_note", "reviewer", "reviewed_at", "review_run"}
    for r in inserts:
        for k in keys:
            r.setdefault(k, None)


def _write_parts(conn: Connection, updates: Sequence[DocUpdate], ids: dict[int, int]) -> None:
    p = s.parts
    rows: list[dict[str, Any]] = []
    replace: list[int] = []
    for i, u in enumerate(updates):
        if u.parts is None:
            continue
        replace.append(ids[i])
        rows.extend({"site": u.site, "path": path, "document_id": ids[i]} for path in dict.fromkeys(u.parts))
    if replace:
        conn.execute(delete(p).where(p.c.document_id.in_(replace)))
    if rows:
        conn.execute(insert(p), rows)


def mark_missing(ledger: Ledger, site: str, run_id: int) -> int:
    """Documents of the site not seen in this (complete) run are gone from the site: their
    open findings count as rectified by removal."""
    d, f = s.documents, s.findings
    with ledger.engine.begin() as conn:
        gone = [r[0] for r in conn.execute(
            select(d.c.id).where(d.c.site == site, d.c.last_run < run_id, d.c.status != "missing")
        )]  # fmt: skip
        for i in range(0, len(gone), 500):
            chunk = gone[i : i + 500]
            conn.execute(update(d).where(d.c.id.in_(chunk)).values(status="missing"))
            conn.execute(
                update(f)
                .where(f.c.document_id.in_(chunk), f.c.resolved_run.is_(None))
                .values(resolved_run=run_id, resolved_reason="removed")
            )
        if gone:
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(docs_missing=s.runs.c.docs_missing + len(gone)))
    return len(gone)


def collect_texts(ledger: Ledger) -> int:
    """Drop stored texts that no document refers to any more."""
    t, d = s.texts, s.documents
    with ledger.engine.begin() as conn:
        result = conn.execute(
            delete(t).where(~t.c.content_hash.in_(select(d.c.content_hash).where(d.c.content_hash.is_not(None))))
        )
    return int(result.rowcount or 0)
