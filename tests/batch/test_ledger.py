"""The ledger on SQLite and on a real PostgreSQL server: migrations, scans, resume."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, select

from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.ledger import LATEST, current_version, ledger_url, migrate, schema

from . import reference


def test_migrations_upgrade_an_old_ledger_and_keep_its_rows(tmp_path: Path) -> None:
    engine = create_engine(ledger_url(tmp_path / "old.sqlite"))
    assert migrate(engine, target=1) == 1
    assert not inspect(engine).has_table("parts")
    assert "bigrams" not in {c["name"] for c in inspect(engine).get_columns("texts")}
    with engine.begin() as conn:
        conn.execute(schema.documents.insert().values(site="s", key="k", status="ok", first_run=1, last_run=1))
    engine.dispose()
    with Ledger.open(tmp_path / "old.sqlite") as ledger:
        assert current_version(ledger.engine) == LATEST
        assert inspect(ledger.engine).has_table("parts")
        assert "bigrams" in {c["name"] for c in inspect(ledger.engine).get_columns("texts")}
        with ledger.engine.connect() as conn:
            assert conn.execute(select(schema.documents.c.key)).scalars().all() == ["k"]
    with Ledger.open(tmp_path / "old.sqlite") as ledger:  # a second open migrates nothing
        assert current_version(ledger.engine) == LATEST


def test_scan_rescan_and_resume_on_both_databases(
    ledger_target: str, small_site: tuple[Path, list[Any], Path], settings_for: Any
) -> None:
    root, articles, config = small_site
    with Ledger.open(ledger_target) as ledger:
        assert current_version(ledger.engine) == LATEST
        scanner = Scanner(ledger, settings_for(config=config, commit_size=7))
        first = scanner.scan(TreeSource(root))
        got = reference.actual(ledger)
        # an interrupted run (status left "running" by a dead process) is resumed, not repeated
        with ledger.engine.begin() as conn:
            conn.execute(schema.runs.insert().values(
                site=first.site, source=TreeSource(root).describe(), started_at=dt.datetime.now(), status="running", pid=2**22 + 7,
                host="elsewhere", dict_fingerprint=scanner.ctx.fingerprint, dict_version=scanner.ctx.version,
                profile=scanner.ctx.profile, docs_seen=0, docs_checked=0, docs_copied=0, docs_delta=0,
                docs_unchanged=0, docs_failed=0, docs_missing=0, findings_new=0, findings_resolved=0, resumes=0))  # fmt: skip
        second = scanner.scan(TreeSource(root))
        assert second.resumed
        assert second.counts["docs_unchanged"] == first.counts["docs_seen"]
        assert reference.actual(ledger) == got
        with ledger.engine.connect() as conn:
            n_docs = len(conn.execute(select(schema.documents.c.id)).all())
    assert n_docs == len(articles) + 1
    assert sum(len(c) for c in got.values()) > 0
