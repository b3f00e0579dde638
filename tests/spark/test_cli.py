"""``cuomin scan --engine spark`` from the command line: the same ledger, the same reports."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from batch import reference

from cuomin.cli import main

from .conftest import Site

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _report(ledger: Path, out: Path, table: str) -> list[dict[str, str]]:
    assert main(["report", str(out), "--ledger", str(ledger), "--table", table]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    drop = {"编号", "首次发现"}  # row ids and run numbers, not content
    return [{k: v for k, v in r.items() if k not in drop} for r in rows]


def test_the_spark_engine_gives_the_same_reports(spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path) -> None:
    common = [str(small_site.root), "--config", str(small_site.config), "--dict", str(reference.MINI),
              "--cache-dir", str(cache_dir), "-q"]  # fmt: skip
    local, cluster = tmp_path / "local.sqlite", tmp_path / "spark.sqlite"
    assert main(["scan", *common, "--ledger", str(local), "-j", "1"]) == 0
    assert main(["scan", *common, "--ledger", str(cluster), "--engine", "spark", "--spark-master", "local[2]",
                 "--partitions", "3"]) == 0  # fmt: skip
    for table in ("units", "findings"):
        want = _report(local, tmp_path / f"l-{table}.csv", table)
        got = _report(cluster, tmp_path / f"s-{table}.csv", table)
        assert want and sorted(map(str, got)) == sorted(map(str, want)), table
    # Parquet only, then imported: the same findings list again
    export = tmp_path / "export"
    assert main(["scan", *common, "--engine", "spark", "--output-parquet", str(export), "--no-ledger"]) == 0
    assert not (tmp_path / "cuomin-ledger.sqlite").exists()
    imported = tmp_path / "imported.sqlite"
    assert main(["scan", "--engine", "spark", "--from-parquet", str(export), "--ledger", str(imported),
                 "--dict", str(reference.MINI), "--cache-dir", str(cache_dir), "-q"]) == 0  # fmt: skip
    got = _report(imported, tmp_path / "i.csv", "findings")
    assert sorted(map(str, got)) == sorted(map(str, _report(local, tmp_path / "l2.csv", "findings")))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["http://127.0.0.1:9/"], "在线爬取"),
        (["DIR", "--no-ledger"], "--no-ledger 需要同时指定 --output-parquet"),
        (["DIR", "--from-parquet", "x"], "--from-parquet 只导入"),
        (["DIR", "--partitions", "0"], "--partitions 至少为 1"),
        (["DIR", "--spark-conf", "novalue"], "--spark-conf 应为 键=值"),
    ],
)
def test_bad_spark_options_are_clear_errors(
    spark: Any, small_site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    argv = [str(small_site.root) if a == "DIR" else a for a in argv]
    code = main(["scan", *argv, "--engine", "spark", "--ledger", str(tmp_path / "l.sqlite"), "-q"])
    assert code != 0
    assert message in capsys.readouterr().err
