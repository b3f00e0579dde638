"""After a dictionary change a rescan rechecks only what the change can affect, from the
stored text, and ends up exactly where a full scan with the new dictionary would."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import cuomin
from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.ledger import schema

from . import reference


def _edit(layer: Path, *, add: list[dict[str, str]] = (), remove: set[str] = frozenset(),  # type: ignore[assignment]
          change: dict[str, dict[str, str]] | None = None) -> None:  # fmt: skip
    path = layer / "entries.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields = list(rows[0])
    rows = [r for r in rows if r["id"] not in remove]
    for r in rows:
        r.update((change or {}).get(r["id"], {}))
    for new in add:
        rows.append({k: new.get(k, "") for k in fields})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


ADDED = [
    # inside an existing term: its hits there must stay hidden by the longer one
    {"id": "name-共合国", "term": "共合国", "category": "name", "severity": "error", "suggestions": "共和国",
     "explanation": "应为“共和国”。"},
    # frequent in the corpus: many new findings
    {"id": "test-改革开放", "term": "改革开放", "category": "usage", "severity": "warning", "suggestions": "",
     "explanation": "测试用词条。"},
    {"id": "test-人民群众", "term": "人民群众", "category": "usage", "severity": "warning", "suggestions": "",
     "explanation": "测试用词条。"},
]  # fmt: skip


@pytest.fixture
def site(small_site: tuple[Path, list[Any], Path], tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "site"
    shutil.copytree(small_site[0], root)
    return root, small_site[2]


def _entries_of(ledger: Ledger, entry: str) -> list[Any]:
    f = schema.findings
    with ledger.engine.connect() as conn:
        return conn.execute(select(f.c.severity, f.c.resolved_run, f.c.resolved_reason).where(f.c.entry == entry)).all()


def test_rescan_after_a_dictionary_change_matches_a_full_scan(
    site: tuple[Path, Path], layer_copy: Path, settings_for: Any, cache_dir: Path, tmp_path: Path
) -> None:
    root, config = site
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        first = Scanner(ledger, settings_for(layer_copy, config)).scan(TreeSource(root))
        assert _entries_of(ledger, "typo-按步就班")
        _edit(layer_copy, add=ADDED, remove={"typo-按步就班"},
              change={"typo-再接再励": {"severity": "critical"}})  # fmt: skip
        second = Scanner(ledger, settings_for(layer_copy, config)).scan(TreeSource(root))
        got = reference.actual(ledger)
        retired = _entries_of(ledger, "typo-按步就班")
        stronger = _entries_of(ledger, "typo-再接再励")
        added = _entries_of(ledger, "test-改革开放")
    # nothing was extracted again: the stored text was rechecked with a few entries
    assert second.counts["docs_checked"] == 0
    assert second.counts["docs_delta"] + second.counts["docs_copied"] + second.counts["docs_unchanged"] == first.counts["docs_seen"]
    assert second.counts["docs_delta"] > 0
    checker = cuomin.Checker(dictionaries=[layer_copy], cache_dir=cache_dir)
    assert got == reference.expected(root, config, checker)
    assert retired and all(r.resolved_reason == "retired" and r.resolved_run == second.run_id for r in retired)
    assert stronger and all(r.severity == "critical" and r.resolved_run is None for r in stronger)
    assert added


def test_rescan_from_the_ledger_alone(
    site: tuple[Path, Path], layer_copy: Path, settings_for: Any, cache_dir: Path, tmp_path: Path
) -> None:
    root, config = site
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        Scanner(ledger, settings_for(layer_copy, config)).scan(TreeSource(root))
        _edit(layer_copy, add=ADDED[1:2], remove={"form-共商国事"})
        moved = tmp_path / "elsewhere"
        root.rename(moved)  # the source is gone: only the ledger's stored text remains
        summaries = Scanner(ledger, settings_for(layer_copy, config)).rescan()
        got = reference.actual(ledger)
    assert summaries and summaries[0].counts["docs_checked"] == 0
    checker = cuomin.Checker(dictionaries=[layer_copy], cache_dir=cache_dir)
    assert got == reference.expected(moved, config, checker)


def test_a_change_that_affects_nothing_only_records_the_new_version(
    site: tuple[Path, Path], layer_copy: Path, settings_for: Any, tmp_path: Path
) -> None:
    root, config = site
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        Scanner(ledger, settings_for(layer_copy, config)).scan(TreeSource(root))
        before = reference.actual(ledger)
        manifest = layer_copy / "layer.toml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("test-1", "test-2"), encoding="utf-8")
        second = Scanner(ledger, settings_for(layer_copy, config)).scan(TreeSource(root))
        assert reference.actual(ledger) == before
    assert second.counts["docs_delta"] == second.counts["docs_checked"] == 0
    assert second.counts["docs_unchanged"] == second.counts["docs_seen"]
