"""What a scan should have found, computed without the scanner: every article of a tree
assembled and checked directly, and what the ledger holds, both as fingerprint multisets."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import and_, select

import cuomin
from cuomin.batch import Ledger
from cuomin.batch.assemble import assemble
from cuomin.batch.config import load_config
from cuomin.batch.fingerprint import fingerprints
from cuomin.batch.ledger import schema
from cuomin.batch.items import loaded
from cuomin.batch.sources import TreeSource

#: The small test layer (tests/data/layers/mini).
MINI = Path(__file__).resolve().parent.parent / "data" / "layers" / "mini"


def expected(root: Path, config: Path | None, checker: cuomin.Checker) -> dict[str, Counter[str]]:
    rules = load_config(config).rules
    out: dict[str, Counter[str]] = {}
    for item in loaded(TreeSource(root).items()):
        doc = assemble(item, rules)
        found = list(checker.iter_findings(doc))
        out[item.key] = Counter(fingerprints(found))
    return out


def actual(ledger: Ledger, site: str | None = None, open_only: bool = True) -> dict[str, Counter[str]]:
    f, d = schema.findings, schema.documents
    on = f.c.document_id == d.c.id
    if open_only:
        on = and_(on, f.c.resolved_run.is_(None))
    query = select(d.c.key, f.c.fingerprint).join(f, on, isouter=True).where(d.c.status != "missing")
    if site:
        query = query.where(d.c.site == site)
    out: dict[str, Counter[str]] = {}
    with ledger.engine.connect() as conn:
        for key, fp in conn.execute(query):
            counter = out.setdefault(key, Counter())
            if fp is not None:
                counter[fp] += 1
    return out


def matches(ledger: Ledger) -> dict[str, list[str]]:
    """Open findings' matched text per document key."""
    f, d = schema.findings, schema.documents
    out: dict[str, list[str]] = {}
    with ledger.engine.connect() as conn:
        for key, match in conn.execute(
            select(d.c.key, f.c.match).join(f, f.c.document_id == d.c.id).where(f.c.resolved_run.is_(None))
        ):
            out.setdefault(key, []).append(match)
    return out


def documents(ledger: Ledger) -> list[dict[str, object]]:
    with ledger.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(schema.documents)).mappings()]
