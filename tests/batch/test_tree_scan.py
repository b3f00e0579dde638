"""Scanning an exported site: every article once, attachments inside their article,
metadata mapped, copies checked once, reruns incremental."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import cuomin
from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.ledger import schema

from . import reference


@pytest.mark.parametrize("jobs", [1, 2])
def test_scan_records_what_a_direct_check_finds(
    small_site: tuple[Path, list[Any], Path], settings_for: Any, mini_checker: cuomin.Checker, tmp_path: Path, jobs: int
) -> None:
    root, articles, config = small_site
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        summary = Scanner(ledger, settings_for(config=config, jobs=jobs)).scan(TreeSource(root))
        got = reference.actual(ledger)
        docs = reference.documents(ledger)
    want = reference.expected(root, config, mini_checker)
    assert got == want
    # every article (and the index page) is one document; attachments are not documents
    assert sorted(d["key"] for d in docs) == sorted([a.path for a in articles] + ["index.html"])
    assert summary.counts["docs_seen"] == len(docs)
    assert summary.counts["docs_checked"] + summary.counts["docs_copied"] == len(docs)


def test_injected_errors_are_found_where_they_were_put(
    small_site: tuple[Path, list[Any], Path], settings_for: Any, tmp_path: Path
) -> None:
    root, articles, config = small_site
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        Scanner(ledger, settings_for(config=config)).scan(TreeSource(root))
        found = reference.matches(ledger)
        docs = {d["key"]: d for d in reference.documents(ledger)}
        with ledger.engine.connect() as conn:
            where = {
                (k, m): w
                for k, m, w in conn.execute(
                    select(schema.documents.c.key, schema.findings.c.match, schema.findings.c.where)
                    .join(schema.findings, schema.findings.c.document_id == schema.documents.c.id)
                )
            }
    for art in articles:
        missing = Counter(art.injected) - Counter(found.get(art.path, []))
        assert not missing, f"{art.path}: {missing}"
        doc = docs[art.path]
        assert doc["unit"] == art.unit and doc["column_name"] == art.column
        assert doc["date"] == art.date
        if art.attachment and art.copy_of is None:
            name = art.attachment.rsplit("/", 1)[1]
            assert any(w.startswith("附件") and name in w for (k, _m), w in where.items() if k == art.path), art.path


def test_copies_are_checked_once_and_share_findings(
    small_site: tuple[Path, list[Any], Path], settings_for: Any, tmp_path: Path
) -> None:
    root, articles, config = small_site
    copies = [a for a in articles if a.copy_of]
    assert copies
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        summary = Scanner(ledger, settings_for(config=config)).scan(TreeSource(root))
        got = reference.actual(ledger)
    assert summary.counts["docs_copied"] >= len(copies)
    for art in copies:
        assert got[art.path] == got[art.copy_of]


def test_a_second_scan_changes_nothing_and_a_changed_page_is_rechecked(
    small_site: tuple[Path, list[Any], Path], settings_for: Any, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "site"
    shutil.copytree(small_site[0], root)
    config = small_site[2]
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        scanner = Scanner(ledger, settings_for(config=config))
        first = scanner.scan(TreeSource(root))
        before = reference.actual(ledger)
        again = scanner.scan(TreeSource(root))
        assert again.counts["docs_unchanged"] == first.counts["docs_seen"]
        assert again.counts["findings_new"] == again.counts["findings_resolved"] == 0
        assert reference.actual(ledger) == before
        # Fix one injected error, add a new one elsewhere, delete a page.
        art = next(a for a in small_site[1] if a.injected and not a.copy_of and not a.attachment)
        page = root / art.path
        text = page.read_text(encoding="utf-8")
        term = art.injected[0]
        text = text.replace(term, "XX", 1).replace("</h1>", "</h1><p>共商国事。</p>", 1)
        page.write_text(text, encoding="utf-8")
        gone = next(a for a in small_site[1] if a.path != art.path and not a.copy_of and not a.attachment)
        (root / gone.path).unlink()
        third = scanner.scan(TreeSource(root))
        with ledger.engine.connect() as conn:
            rechecked = set(conn.execute(
                select(schema.documents.c.key).where(schema.documents.c.checked_run == third.run_id)
            ).scalars())
        # the edited page, and pages that link to the deleted one (now a dead link)
        linking = {a.path for a in small_site[1] if (root / a.path).is_file()
                   and gone.path.rsplit("/", 1)[1] in (root / a.path).read_text(encoding="utf-8")}
        assert rechecked == {art.path, "index.html"} | linking, rechecked
        assert third.counts["docs_missing"] == 1
        with ledger.engine.connect() as conn:
            f, d = schema.findings, schema.documents
            rows = conn.execute(
                select(f.c.match, f.c.resolved_run, f.c.resolved_reason, f.c.first_run)
                .join(d, d.c.id == f.c.document_id).where(d.c.key == art.path)
            ).all()
            status = conn.execute(select(d.c.status).where(d.c.key == gone.path)).scalar_one()
            gone_open = conn.execute(
                select(func.count()).select_from(f).join(d, d.c.id == f.c.document_id)
                .where(d.c.key == gone.path, f.c.resolved_run.is_(None))
            ).scalar_one()
    assert any(r.match == term and r.resolved_reason == "fixed" and r.resolved_run == third.run_id for r in rows)
    assert any(r.match == "共商国事" and r.first_run == third.run_id and r.resolved_run is None for r in rows)
    # findings in untouched places keep their rows (fingerprints survive the edit)
    assert all(r.first_run == first.run_id for r in rows if r.match not in (term, "共商国事") and r.resolved_run is None)
    assert status == "missing" and gone_open == 0


def test_orphan_files_are_checked_on_their_own(tmp_path: Path, settings_for: Any) -> None:
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    (root / "files").mkdir()
    (root / "a" / "p.html").write_text('<html><body><p>正文</p><a href="../files/linked.txt">附件</a></body></html>', encoding="utf-8")
    (root / "files" / "linked.txt").write_text("附件写着再接再励。", encoding="utf-8")
    (root / "files" / "lonely.txt").write_text("孤立文件写着按步就班。", encoding="utf-8")
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        scanner = Scanner(ledger, settings_for())
        scanner.scan(TreeSource(root))
        found = reference.matches(ledger)
        again = scanner.scan(TreeSource(root))
    assert set(found) == {"a/p.html", "files/lonely.txt"}
    assert found["a/p.html"] == ["再接再励"] and found["files/lonely.txt"] == ["按步就班"]
    assert again.counts["docs_unchanged"] == 2 and again.counts.get("docs_missing", 0) == 0


def test_dead_links_and_broken_attachments_are_findings_of_the_article(tmp_path: Path, settings_for: Any) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "p.html").write_text(
        '<html><body><p>正文</p><a href="gone.html">旧页面</a><a href="missing.pdf">附件一</a>'
        '<a href="broken.docx">附件二</a><a href="http://other.example/x.html">外站</a></body></html>',
        encoding="utf-8",
    )
    (root / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a docx")
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        Scanner(ledger, settings_for()).scan(TreeSource(root))
        with ledger.engine.connect() as conn:
            rows = conn.execute(select(schema.findings.c.code, schema.findings.c.match, schema.findings.c.where)).all()
    codes = {(r.code, r.match) for r in rows}
    assert ("BT100", "gone.html") in codes
    assert ("BT200", "missing.pdf") in codes
    broken = [r for r in rows if r.code.startswith("FL")]
    assert broken and all("broken.docx" in r.where for r in broken)
    assert not any("other.example" in r.match for r in rows)


def test_documents_in_flight_stay_within_the_byte_budget(
    small_site: tuple[Path, list[Any], Path], settings_for: Any, mini_checker: cuomin.Checker, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A site of large attachments must not have hundreds of them in flight at once: past the
    budget the scan waits for tasks to finish (always letting one through), and loses nothing."""
    from cuomin.batch import runner

    budget = 60_000  # a few pages with their attachments
    monkeypatch.setattr(runner, "_MAX_BYTES_IN_FLIGHT", budget)
    seen: list[tuple[int, int]] = []
    pump = runner._Pipeline._pump

    def checked_pump(self: Any) -> None:
        pump(self)
        seen.append((len(self._futures), self._bytes_in_flight))

    monkeypatch.setattr(runner._Pipeline, "_pump", checked_pump)
    root, _articles, config = small_site
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        Scanner(ledger, settings_for(config=config, jobs=2, batch_size=2)).scan(TreeSource(root))
        got = reference.actual(ledger)
    assert got == reference.expected(root, config, mini_checker)
    assert seen and all(n <= 1 or in_flight <= budget for n, in_flight in seen), max(seen, key=lambda s: s[1])
    assert max(in_flight for _n, in_flight in seen) > 0
