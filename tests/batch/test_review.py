"""Review: false positives stay false positives, fixed ones are verified by the next scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.ledger import schema
from cuomin.batch.review import list_findings, mark
from cuomin.cli import main


def _site(root: Path) -> None:
    root.mkdir()
    (root / "a.html").write_text("<html><body><p>希望大家再接再励。</p><p>工作要按步就班推进。</p></body></html>", encoding="utf-8")
    (root / "b.html").write_text("<html><body><p>代表委员共商国事。</p></body></html>", encoding="utf-8")
    (root / "c.html").write_text("<html><body><p>希望大家再接再励。</p><p>另一篇。</p></body></html>", encoding="utf-8")


def _row(ledger: Ledger, match: str, key: str) -> Any:
    f, d = schema.findings, schema.documents
    with ledger.engine.connect() as conn:
        return conn.execute(select(f).join(d, d.c.id == f.c.document_id).where(f.c.match == match, d.c.key == key)).mappings().one()


def test_false_positive_fixed_and_confirmed(tmp_path: Path, settings_for: Any) -> None:
    root = tmp_path / "site"
    _site(root)
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        scanner = Scanner(ledger, settings_for())
        scanner.scan(TreeSource(root))
        fp = _row(ledger, "再接再励", "a.html")
        fixed = _row(ledger, "按步就班", "a.html")
        claimed = _row(ledger, "共商国事", "b.html")
        mark(ledger, [fp["id"]], "误报", note="引用原文", reviewer="张三")
        mark(ledger, [fixed["id"], claimed["id"]], "fixed")
        # the same sentence in another article is judged with it
        assert _row(ledger, "再接再励", "c.html")["review"] == "false_positive"
        # a.html really fixed, plus an edit elsewhere; b.html claimed fixed but unchanged
        (root / "a.html").write_text("<html><body><p>开头新加一段。</p><p>希望大家再接再励。</p><p>工作要按部就班推进。</p></body></html>", encoding="utf-8")
        second = scanner.scan(TreeSource(root))
        after_fp, after_fixed, after_claim = _row(ledger, "再接再励", "a.html"), _row(ledger, "按步就班", "a.html"), _row(ledger, "共商国事", "b.html")
        open_ids = {r["id"] for r in list_findings(ledger)}
    assert after_fp["id"] == fp["id"] and after_fp["review"] == "false_positive" and after_fp["resolved_run"] is None
    assert after_fixed["resolved_run"] == second.run_id and after_fixed["resolved_reason"] == "fixed"
    assert after_claim["review"] == "confirmed" and "仍然存在" in after_claim["review_note"]
    assert claimed["id"] in open_ids and fp["id"] not in open_ids


def test_review_cli_and_import(tmp_path: Path, settings_for: Any, capsys: Any) -> None:
    root = tmp_path / "site"
    _site(root)
    db = tmp_path / "l.sqlite"
    with Ledger.open(db) as ledger:
        Scanner(ledger, settings_for()).scan(TreeSource(root))
        target = _row(ledger, "共商国事", "b.html")["id"]
    assert main(["review", "--ledger", str(db), "list", "--format", "json"]) == 0
    listed = capsys.readouterr().out
    assert f'"id": {target}' in listed
    sheet = tmp_path / "reviewed.csv"
    sheet.write_text(f"编号,审核结论,审核说明\n{target},误报,会议报道引用\n", encoding="utf-8-sig")
    assert main(["review", "--ledger", str(db), "import", str(sheet), "--by", "李四"]) == 0
    with Ledger.open(db) as ledger:
        row = _row(ledger, "共商国事", "b.html")
    assert row["review"] == "false_positive" and row["reviewer"] == "李四" and row["review_note"] == "会议报道引用"
    assert main(["review", "--ledger", str(db), "mark", "999999", "--as", "fixed"]) == 2
