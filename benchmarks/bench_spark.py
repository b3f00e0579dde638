"""Benchmark of ``cuomin scan --engine spark`` in local mode against the process pool
(see benchmarks/results/spark.md).

    .venv/bin/python benchmarks/bench_spark.py --work /tmp/cuomin-bench-spark          # 10,000 articles
    .venv/bin/python benchmarks/bench_spark.py --work /tmp/cuomin-bench-spark --n 2000

Input: articles of 5–20 KB generated from ../shared/corpus (no attachments), dictionary
tests/data/layers/mini, all rules, SQLite ledgers. Measured, on the same input:

  pool        the single-machine scan, a process pool of 2 (``Scanner``, jobs=2)
  session     starting a local[2] Spark session (JVM)
  spark       the Spark scan into a fresh ledger, local[2] (executors + driver writing)
  rerun       the same Spark scan again (everything skipped on the executors)
  compute     the executors' work alone: extract + check every article, results dropped
              (local[1] and local[2]: the per-core rate and how it scales)
  export      the executors write Parquet; import: the driver alone reads it into a ledger
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "batch"))

import sitegen

from cuomin.batch import Ledger, Scanner, ScanSettings, TreeSource
from cuomin.batch.config import load_config

CORPUS = ROOT.parent / "shared" / "corpus"
MINI = ROOT / "tests" / "data" / "layers" / "mini"


def _fresh(path: Path) -> Path:
    for p in path.parent.glob(path.name + "*"):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    return path


def _findings(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM findings WHERE resolved_run IS NULL").fetchone()[0])


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.monotonic()
    value = fn()
    return time.monotonic() - start, value


def _cpu(fn: Any) -> tuple[float, float, Any]:
    """Wall seconds, this process's CPU seconds (the driver's Python side), the value."""
    cpu = time.process_time()
    seconds, value = _timed(fn)
    return seconds, time.process_time() - cpu, value


class _CpuMeter:
    """Wraps the partition function: adds each partition's CPU seconds to an accumulator."""

    def __init__(self, task: Any, acc: Any) -> None:
        self.task, self.acc = task, acc

    def __call__(self, items: Any) -> Any:
        start = time.process_time()
        yield from self.task(items)
        self.acc.add(time.process_time() - start)


def _spark_part(work: Path, site: Path, settings: ScanSettings, master: str, n: int, results: dict[str, Any]) -> None:
    from cuomin.batch.spark import SparkOptions, SparkScanner, TreeInput, spark_session

    seconds, (spark, _created) = _timed(lambda: spark_session(master, {"spark.sql.shuffle.partitions": "4"}))
    tag = master.replace("[", "").replace("]", "")
    results[f"session_{tag}_s"] = round(seconds, 1)
    scanner = SparkScanner(spark, settings)
    if master == "local[2]":
        db = _fresh(work / "spark.sqlite")
        with Ledger.open(db) as ledger:
            seconds, cpu, summary = _cpu(lambda: scanner.scan(TreeInput(TreeSource(site)), ledger))
            results["spark_local2"] = {"seconds": round(seconds, 1), "articles_per_s": round(n / seconds),
                                       "driver_cpu_ms_per_article": round(cpu / n * 1000, 2),
                                       "open_findings": _findings(db), "counts": summary.counts}  # fmt: skip
            print("spark", results["spark_local2"], flush=True)
            seconds, _ = _timed(lambda: scanner.scan(TreeInput(TreeSource(site)), ledger))
            results["spark_rerun_s"] = round(seconds, 1)
            print("rerun", seconds, flush=True)
        out = _fresh(work / "export")
        exporter = SparkScanner(spark, settings, SparkOptions(output_parquet=str(out)))
        seconds, _ = _timed(lambda: exporter.scan(TreeInput(TreeSource(site)), None))
        db = _fresh(work / "imported.sqlite")
        with Ledger.open(db) as ledger:
            imported, cpu, _ = _cpu(lambda: exporter.import_parquet(str(out), ledger))
        results["export_local2"] = {"export_s": round(seconds, 1), "export_per_s": round(n / seconds),
                                    "import_s": round(imported, 1), "import_per_s": round(n / imported),
                                    "import_driver_cpu_ms_per_article": round(cpu / n * 1000, 2)}  # fmt: skip
        print("export/import", results["export_local2"], flush=True)
    # the executors alone: no driver work besides scheduling
    task = scanner._task(TreeSource(site).site, _fingerprint(settings), None)
    rdd = next(TreeInput(TreeSource(site)).rdds(spark, None))
    rdd.mapPartitions(task).count()  # warm: workers started, checkers built
    acc = spark.sparkContext.accumulator(0.0)
    seconds, count = _timed(lambda: rdd.mapPartitions(_CpuMeter(task, acc)).count())
    assert count == n, count
    results[f"compute_{tag}"] = {"seconds": round(seconds, 1), "articles_per_s": round(n / seconds),
                                 "executor_cpu_ms_per_article": round(acc.value / n * 1000, 2),
                                 "partitions": rdd.getNumPartitions(), "master": spark.sparkContext.master,
                                 "parallelism": spark.sparkContext.defaultParallelism}  # fmt: skip
    print("compute", master, results[f"compute_{tag}"], flush=True)
    spark.stop()


def _fingerprint(settings: ScanSettings) -> str:
    from cuomin.dictionary.compiled import load_dictionary

    paths = [Path(p) for p in settings.dictionaries] if settings.dictionaries else None
    return str(load_dictionary(paths, cache_dir=settings.cache_dir).fingerprint)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=Path("/tmp/cuomin-bench-spark"))
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    site = work / f"plain-{args.n}"
    if not site.is_dir():
        seconds, _ = _timed(lambda: sitegen.build_site(site, CORPUS, args.n, seed=1, attach_every=0, copy_every=0))
        print(f"generated {args.n} articles in {seconds:.0f} s", flush=True)
    config = sitegen.unit_config(work / "scan.toml")
    n = args.n + 1  # and the index page
    cache = work / "cache"
    results: dict[str, Any] = {"n": n, "cores": os.cpu_count(), "python": platform.python_version()}
    settings = ScanSettings(dictionaries=(str(MINI),), cache_dir=str(cache), rules=load_config(config).rules, jobs=2)

    results["load_before"] = os.getloadavg()
    db = _fresh(work / "pool.sqlite")
    with Ledger.open(db) as ledger:
        seconds, cpu, _ = _cpu(lambda: Scanner(ledger, settings).scan(TreeSource(site)))
    results["pool_jobs2"] = {"seconds": round(seconds, 1), "articles_per_s": round(n / seconds),
                             "main_process_cpu_ms_per_article": round(cpu / n * 1000, 2), "open_findings": _findings(db)}
    print("pool", results["pool_jobs2"], flush=True)

    _spark_part(work, site, settings, "local[2]", n, results)
    _spark_part(work, site, settings, "local[1]", n, results)
    import pyspark

    results["pyspark"] = pyspark.__version__
    results["load_after"] = os.getloadavg()
    (work / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
