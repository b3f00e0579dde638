"""Spark scans in local mode against single-machine scans of the same input, document by
document: findings (fingerprint multisets) and every document column the scan sets."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.spark import DriverInput, SparkOptions, SparkScanner, TreeInput
from cuomin.errors import ConfigError

from .conftest import Site, Snapshot, local_scan, snapshot

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _assert_same(got: Snapshot, want: Snapshot) -> None:
    assert sorted(got.documents) == sorted(want.documents)
    for key, row in want.documents.items():
        assert got.documents[key] == row, key
    for key, findings in want.findings.items():
        assert got.findings.get(key) == findings, key
    assert got.findings == want.findings


@pytest.fixture(scope="module")
def big_spark(spark: Any, big_site: Site, cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Snapshot, dict[str, int]]:
    path = tmp_path_factory.mktemp("spark") / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        scanner = SparkScanner(spark, big_site.settings(cache_dir, jobs=1))
        summary = scanner.scan(TreeInput(TreeSource(big_site.root)), ledger)
        return path, snapshot(ledger, summary.counts), dict(scanner.stats)


def test_findings_equal_the_single_machine_scan_document_by_document(
    big_spark: tuple[Path, Snapshot, dict[str, int]], big_local: Snapshot, big_site: Site
) -> None:
    _path, got, stats = big_spark
    assert len(got.documents) == len(big_site.articles) + 1  # and the index page
    assert sum(sum(c.values()) for c in got.findings.values()) > len(big_site.articles) // 4
    _assert_same(got, big_local)
    assert got.counts["docs_seen"] == big_local.counts["docs_seen"]
    assert got.counts["findings_new"] == big_local.counts["findings_new"]
    assert got.counts["docs_checked"] + got.counts["docs_copied"] == len(got.documents)
    # everything was extracted and checked on the executors, nothing on the driver
    assert stats == {"received": len(got.documents), "skipped": 0, "local_tasks": 0}


def test_a_rerun_is_skipped_on_the_executors(
    spark: Any, big_spark: tuple[Path, Snapshot, dict[str, int]], big_site: Site, cache_dir: Path, tmp_path: Path
) -> None:
    path, first, _stats = big_spark
    copy = tmp_path / "ledger.sqlite"
    shutil.copy(path, copy)
    with Ledger.open(copy) as ledger:
        scanner = SparkScanner(spark, big_site.settings(cache_dir))
        summary = scanner.scan(TreeInput(TreeSource(big_site.root)), ledger)
        again = snapshot(ledger)
    n = len(first.documents)
    assert summary.counts["docs_unchanged"] == n and summary.counts["findings_new"] == 0
    assert scanner.stats["skipped"] == n
    assert again.findings == first.findings


def _edit(site: Site) -> None:
    """Change one article, remove one, add one with a new error."""
    arts = [a for a in site.articles if a.copy_of is None and a.attachment is None]
    changed = site.root / arts[0].path
    changed.write_text(changed.read_text(encoding="utf-8").replace("</h1>", "</h1><p>共商国事。</p>"), encoding="utf-8")
    (site.root / arts[1].path).unlink()
    new = site.root / "jyj" / "tzgg" / "t20240105_999.html"
    new.write_text("<html><head><title>新文章</title></head><body><p>中华人民共合国成立。</p></body></html>", encoding="utf-8")


def test_incremental_scans_agree_with_local_ones(spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path) -> None:
    local_path, spark_path = tmp_path / "local.sqlite", tmp_path / "spark.sqlite"
    scanner = SparkScanner(spark, small_site.settings(cache_dir), SparkOptions(partitions=3))
    with Ledger.open(spark_path) as ledger:
        scanner.scan(TreeInput(TreeSource(small_site.root)), ledger)
    local_scan(small_site, cache_dir, local_path, jobs=1)
    _edit(small_site)
    want = local_scan(small_site, cache_dir, local_path, jobs=1)
    with Ledger.open(spark_path) as ledger:
        summary = scanner.scan(TreeInput(TreeSource(small_site.root)), ledger)
        got = snapshot(ledger, summary.counts)
    _assert_same(got, want)
    for name in ("docs_checked", "docs_unchanged", "docs_missing", "findings_new", "findings_resolved"):
        assert got.counts.get(name) == want.counts.get(name), name
    assert scanner.stats["skipped"] == summary.counts["docs_unchanged"]


def test_a_dictionary_change_is_rechecked_on_the_driver(
    spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path, layer_copy: Path
) -> None:
    """Same bytes, new dictionary: the scanner's delta recheck of stored text (local pool)."""
    local_path, spark_path = tmp_path / "local.sqlite", tmp_path / "spark.sqlite"
    settings = small_site.settings(cache_dir, layer=layer_copy)
    with Ledger.open(spark_path) as ledger:
        SparkScanner(spark, settings).scan(TreeInput(TreeSource(small_site.root)), ledger)
    with Ledger.open(local_path) as ledger:
        Scanner(ledger, settings).scan(TreeSource(small_site.root))
    with (layer_copy / "entries.csv").open("a", encoding="utf-8") as fh:
        fh.write("t-工作,工作,usage,warning,,测试用的新词条,,,,,,,,,,,\n")
    settings = small_site.settings(cache_dir, layer=layer_copy)
    with Ledger.open(local_path) as ledger:
        Scanner(ledger, settings).scan(TreeSource(small_site.root))
        want = snapshot(ledger)
    with Ledger.open(spark_path) as ledger:
        scanner = SparkScanner(spark, settings)
        summary = scanner.scan(TreeInput(TreeSource(small_site.root)), ledger)
        got = snapshot(ledger)
    _assert_same(got, want)
    assert summary.counts["docs_delta"] > 0
    assert scanner.stats["skipped"] == len(got.documents)  # bytes unchanged: nothing re-read


def test_items_read_on_the_driver_are_checked_on_the_executors(
    spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path
) -> None:
    want = local_scan(small_site, cache_dir, tmp_path / "local.sqlite", jobs=1)
    with Ledger.open(tmp_path / "spark.sqlite") as ledger:
        scanner = SparkScanner(spark, small_site.settings(cache_dir))
        scanner.scan(DriverInput(TreeSource(small_site.root)), ledger)
        got = snapshot(ledger)
    _assert_same(got, want)
    assert scanner.stats["local_tasks"] == 0


def test_orphan_files_are_checked_like_locally(spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path) -> None:
    (small_site.root / "files" / "未链接.txt").write_text("没有页面链接的文件，写有再接再励。", encoding="utf-8")
    want = local_scan(small_site, cache_dir, tmp_path / "local.sqlite", jobs=1)
    assert "files/未链接.txt" in want.documents
    with Ledger.open(tmp_path / "spark.sqlite") as ledger:
        SparkScanner(spark, small_site.settings(cache_dir)).scan(TreeInput(TreeSource(small_site.root)), ledger)
        got = snapshot(ledger)
    _assert_same(got, want)


def test_parquet_export_then_import_gives_the_same_ledger(
    spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path
) -> None:
    want = local_scan(small_site, cache_dir, tmp_path / "local.sqlite", jobs=1)
    out = str(tmp_path / "export")
    scanner = SparkScanner(spark, small_site.settings(cache_dir), SparkOptions(output_parquet=out))
    summary = scanner.scan(TreeInput(TreeSource(small_site.root)), None)
    assert summary.counts["docs_seen"] == len(want.documents)
    assert summary.counts["findings_new"] == sum(sum(c.values()) for c in want.findings.values())
    frame = spark.read.parquet(f"{out}/documents")
    rows = {r["key"]: r for r in frame.selectExpr("key", "unit", "column_name", "size(findings) AS n").collect()}
    assert {k: (r["unit"], r["column_name"]) for k, r in rows.items()} == {
        k: (d["unit"], d["column_name"]) for k, d in want.documents.items()
    }
    assert {k: r["n"] for k, r in rows.items()} == {k: sum(want.findings[k].values()) for k in want.documents}
    with pytest.raises(ConfigError, match="已存在"):
        scanner.scan(TreeInput(TreeSource(small_site.root)), None)
    with Ledger.open(tmp_path / "imported.sqlite") as ledger:
        SparkScanner(spark, small_site.settings(cache_dir)).import_parquet(out, ledger)
        got = snapshot(ledger)
    _assert_same(got, want)


def test_an_export_is_not_imported_with_another_dictionary(
    spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path, layer_copy: Path
) -> None:
    out = str(tmp_path / "export")
    SparkScanner(spark, small_site.settings(cache_dir), SparkOptions(output_parquet=out)).scan(
        TreeInput(TreeSource(small_site.root)), None
    )
    (layer_copy / "layer.toml").write_text((layer_copy / "layer.toml").read_text(encoding="utf-8").replace("test-1", "test-2"),
                                           encoding="utf-8")  # fmt: skip
    with Ledger.open(tmp_path / "l.sqlite") as ledger, pytest.raises(ConfigError, match="另一版词库"):
        SparkScanner(spark, small_site.settings(cache_dir, layer=layer_copy)).import_parquet(out, ledger)
    with Ledger.open(tmp_path / "l.sqlite") as ledger, pytest.raises(ConfigError, match="不是完整的 cuomin 导出结果"):
        SparkScanner(spark, small_site.settings(cache_dir)).import_parquet(str(tmp_path / "nothing"), ledger)
