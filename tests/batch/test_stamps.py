"""Stamps of exported trees: an article whose file, and every other file of the tree, kept
its size and modification time is not read again; any change that could alter what the
article is made of (its page, an attachment, which pages exist) makes it read again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.ledger import schema

from . import reference


class CountingTree(TreeSource):
    """The real tree source, counting the files it reads."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.reads: list[str] = []

    def _read(self, path: str | Path) -> bytes:
        self.reads.append(Path(path).relative_to(self.root).as_posix())
        return super()._read(path)


def _site(root: Path) -> None:
    (root / "files").mkdir(parents=True)
    (root / "a.html").write_text(
        '<html><body><p>第一篇写着按步就班。</p><a href="files/note.txt">附件</a><a href="gone.html">旧页面</a></body></html>',
        encoding="utf-8",
    )
    (root / "b.html").write_text("<html><body><p>第二篇写着再接再励。</p></body></html>", encoding="utf-8")
    (root / "c.html").write_text('<html><body><p>第三篇。</p><a href="b.html">第二篇</a></body></html>', encoding="utf-8")
    (root / "files" / "note.txt").write_text("附件正文。", encoding="utf-8")


def _rewrite_keeping_stamp(path: Path, old: str, new: str) -> None:
    """Change the file's bytes, keeping its size and modification time."""
    st = path.stat()
    data = path.read_bytes().replace(old.encode(), new.encode())
    assert len(data) == st.st_size
    path.write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _open(ledger: Ledger) -> list[tuple[str, str, str]]:
    f, d = schema.findings, schema.documents
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(d.c.key, f.c.code, f.c.match).join(d, d.c.id == f.c.document_id).where(f.c.resolved_run.is_(None))
        ).all()
    return [(r.key, r.code, r.match) for r in rows]


def test_a_second_scan_reads_no_file_and_records_every_stamp(tmp_path: Path, settings_for: Any) -> None:
    root = tmp_path / "site"
    _site(root)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        scanner = Scanner(ledger, settings_for())
        first = CountingTree(root)
        scanner.scan(first)
        assert sorted(first.reads) == ["a.html", "b.html", "c.html", "files/note.txt"]
        with ledger.engine.connect() as conn:
            stamps = conn.execute(select(schema.documents.c.key, schema.documents.c.stamp)).all()
        assert len(stamps) == 3 and all(stamp for _key, stamp in stamps)
        again = CountingTree(root)
        summary = scanner.scan(again)
    assert again.reads == []
    assert summary.counts["docs_unchanged"] == 3 and summary.counts["docs_seen"] == 3


def test_an_edited_page_is_read_again_and_only_it(tmp_path: Path, settings_for: Any) -> None:
    root = tmp_path / "site"
    _site(root)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        scanner = Scanner(ledger, settings_for())
        scanner.scan(TreeSource(root))
        page = root / "b.html"
        page.write_text(page.read_text(encoding="utf-8").replace("再接再励", "再接再厉，共商国事"), encoding="utf-8")
        tree = CountingTree(root)
        summary = scanner.scan(tree)
        found = _open(ledger)
    assert tree.reads == ["b.html"]
    assert summary.counts["docs_checked"] == 1 and summary.counts["docs_unchanged"] == 2
    assert not any(key == "b.html" and match == "再接再励" for key, _code, match in found)
    assert any(key == "b.html" and match == "共商国事" for key, _code, match in found)


def test_a_changed_attachment_or_a_new_page_reads_every_article_again(tmp_path: Path, settings_for: Any) -> None:
    root = tmp_path / "site"
    _site(root)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        scanner = Scanner(ledger, settings_for())
        scanner.scan(TreeSource(root))
        assert ("a.html", "BT100", "gone.html") in _open(ledger)
        # The attachment changes: its article is checked again, the others only read.
        (root / "files" / "note.txt").write_text("附件正文写着按步就班。", encoding="utf-8")
        tree = CountingTree(root)
        summary = scanner.scan(tree)
        assert sorted(tree.reads) == ["a.html", "b.html", "c.html", "files/note.txt"]
        assert summary.counts["docs_checked"] == 1
        assert sum(1 for key, _code, match in _open(ledger) if key == "a.html" and match == "按步就班") == 2
        # The dead link's page appears: the link is no longer dead.
        (root / "gone.html").write_text("<html><body><p>补上的页面。</p></body></html>", encoding="utf-8")
        scanner.scan(TreeSource(root))
        assert not any(code == "BT100" for _key, code, _match in _open(ledger))
        # A linked page disappears: the link that pointed to it is dead now.
        (root / "b.html").unlink()
        scanner.scan(TreeSource(root))
        assert ("c.html", "BT100", "b.html") in _open(ledger)


def test_reread_ignores_stamps(tmp_path: Path, settings_for: Any) -> None:
    """Bytes changed behind an unchanged size and time are seen only with ``reread``."""
    root = tmp_path / "site"
    _site(root)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        Scanner(ledger, settings_for()).scan(TreeSource(root))
        _rewrite_keeping_stamp(root / "b.html", "再接再励", "再接再厉")
        trusting = Scanner(ledger, settings_for()).scan(TreeSource(root))
        assert trusting.counts["docs_unchanged"] == 3
        assert any(key == "b.html" and match == "再接再励" for key, _code, match in _open(ledger))
        checking = Scanner(ledger, settings_for(reread=True)).scan(TreeSource(root))
        found = reference.matches(ledger)
    assert checking.counts["docs_checked"] == 1
    assert "再接再励" not in found.get("b.html", [])
