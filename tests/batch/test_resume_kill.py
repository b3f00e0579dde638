"""kill -9 in the middle of a scan, run it again: nothing lost, nothing counted twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.ledger import schema

from . import reference, sitegen
from .reference import MINI


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_kill_9_then_rerun_loses_nothing_and_counts_nothing_twice(
    tmp_path: Path, corpus_dir: Path, cache_dir: Path, settings_for: object
) -> None:
    root = tmp_path / "site"
    articles = sitegen.build_site(root, corpus_dir, 240, seed=3, min_kb=3, max_kb=6, attach_every=6,
                                  copy_every=9, kinds=("docx", "xlsx"))  # fmt: skip
    total = len(articles) + 1  # and the index page
    db = tmp_path / "ledger.sqlite"
    cmd = [sys.executable, "-c", "import sys; from cuomin.cli import main; sys.exit(main())", "scan", str(root),
           "--ledger", str(db), "--dict", str(MINI), "--cache-dir", str(cache_dir), "-j", "2", "-q",
           "--commit-size", "5"]  # fmt: skip
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while _count(db) < 15:
            assert proc.poll() is None, f"scan ended before it could be killed: {proc.stderr.read().decode() if proc.stderr else ''}"
            assert time.monotonic() < deadline, "scan made no progress"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # the main process, mid-run, as a crash would
        proc.wait(timeout=30)
        at_kill = _count(db)
    finally:
        time.sleep(0.5)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # workers left behind, if any
        except ProcessLookupError:
            pass
    assert 0 < at_kill < total, "the kill did not land mid-run"

    done = subprocess.run(cmd, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()

    with Ledger.open(db) as ledger:
        with ledger.engine.connect() as conn:
            d, f, runs = schema.documents, schema.findings, schema.runs
            keys = list(conn.execute(select(d.c.key)).scalars())
            run_rows = conn.execute(select(runs)).mappings().all()
            dup_findings = conn.execute(
                select(func.count()).select_from(
                    select(f.c.document_id, f.c.fingerprint).group_by(f.c.document_id, f.c.fingerprint)
                    .having(func.count() > 1).subquery()
                )
            ).scalar_one()
            n_findings = conn.execute(select(func.count()).select_from(f)).scalar_one()
        resumed = reference.actual(ledger)
    assert len(keys) == len(set(keys)) == total
    assert dup_findings == 0
    # one run, resumed once, that saw every document exactly once
    assert len(run_rows) == 1
    run = run_rows[0]
    assert run["status"] == "done" and run["resumes"] == 1
    assert run["docs_seen"] == total
    assert run["findings_new"] == n_findings

    # the same findings as a scan that was never interrupted
    with Ledger.open(tmp_path / "clean.sqlite") as clean:
        Scanner(clean, settings_for()).scan(TreeSource(root))  # type: ignore[operator]
        expected = reference.actual(clean)
    assert resumed == expected
    assert sum(map(Counter.total, resumed.values())) == n_findings
