"""``SparkScanner``: a scan whose extraction and checking run on a Spark cluster.

Three ways to run:

* into the ledger (``scan(input, ledger)``): results stream to the driver, where the
  ordinary scanner records them; documents the ledger already has with the same bytes and
  rules are skipped on the executors (the skip set), so a rerun or a resumed run is cheap;
* into Parquet (``scan(input, None)`` with ``output_parquet``): the executors write every
  document's results; nothing passes through the driver;
* both: the Parquet export, then ``import_parquet`` into the ledger.

The ledger then holds exactly what a local scan of the same source would have put there,
so review, rescans and reports work the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ...dictionary.compiled import default_cache_dir, load_dictionary
from ...errors import ConfigError
from ..context import ScanSettings, checker_profile
from ..ledger import Ledger
from ..progress import Progress
from ..runner import Scanner, ScanSummary
from ..worker import WorkerConfig
from .bundle import Bundle, build_bundle
from .feed import PrecomputedPool, ResultSource, ResultStore
from .inputs import SparkInput, item_rdds
from .jobs import read_parquet, run_waves, write_parquet
from .records import Result, from_record
from .tasks import SkipSet, TaskSpec, process_items

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["EXPORT_FORMAT", "SparkOptions", "SparkScanner"]

log = logging.getLogger(__name__)
EXPORT_FORMAT: Final = 1
_DOCS: Final = "documents"
_META: Final = "_cuomin"


@dataclass(frozen=True, slots=True)
class SparkOptions:
    partitions: int | None = None  # input partitions (default: 2 per core, at most 200 documents each)
    wave: int | None = None  # partitions per round of results sent to the driver (default: 2 per core)
    output_parquet: str | None = None  # write results here (a directory; any Hadoop file system)


class _Skip:
    """Reads the broadcast skip set on the executor (picklable, unlike a lambda over it)."""

    def __init__(self, broadcast: Any) -> None:
        self.broadcast = broadcast

    def __call__(self) -> SkipSet | None:
        return self.broadcast.value if self.broadcast is not None else None


class SparkScanner:
    def __init__(self, spark: SparkSession, settings: ScanSettings, options: SparkOptions | None = None,
                 progress: Progress | None = None) -> None:  # fmt: skip
        self.spark = spark
        self.settings = settings
        self.options = options or SparkOptions()
        self.progress = progress or Progress(None, "quiet")
        #: Set by the last scan: results received, skipped on executors, local fallback tasks.
        self.stats: dict[str, int] = {}

    # -- shipping the dictionaries ------------------------------------------------------------
    def _ship(self, fingerprint: str) -> Bundle:
        s = self.settings
        folder = Path(s.cache_dir or default_cache_dir()) / "spark"
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            built, bundle = build_bundle(s.dictionaries, s.cache_dir, fingerprint, Path(tmp),
                                         select=s.select, ignore=s.ignore, rules=s.rules)  # fmt: skip
            # A stable path per content: Spark refuses the same file name from two paths.
            target = folder / bundle.name
            if not target.is_file():
                os.replace(built, target)
        self.spark.sparkContext.addFile(str(target))
        return bundle

    def _task(self, site: str, fingerprint: str, skip: SkipSet | None) -> functools.partial[Iterator[dict[str, Any]]]:
        spec = TaskSpec(site=site, bundle=self._ship(fingerprint))
        broadcast = self.spark.sparkContext.broadcast(skip) if skip is not None and len(skip) else None
        return functools.partial(process_items, spec, _Skip(broadcast))

    # -- scans --------------------------------------------------------------------------------
    def scan(self, source: SparkInput, ledger: Ledger | None) -> ScanSummary:
        """Scan into the ledger, into Parquet (``ledger`` None), or both."""
        out = self.options.output_parquet
        if ledger is None:
            if not out:
                raise ConfigError("不写台账时需要 --output-parquet 指定结果目录")
            return self.export(source, out)
        if out:
            self.export(source, out)
            return self.import_parquet(out, ledger)
        return self._scan_ledger(source, ledger)

    def _scanner(self, ledger: Ledger, store: ResultStore) -> tuple[Scanner, list[PrecomputedPool]]:
        pools: list[PrecomputedPool] = []

        def factory(config: WorkerConfig, jobs: int) -> PrecomputedPool:
            pools.append(PrecomputedPool(store, config, jobs))
            return pools[-1]

        return Scanner(ledger, self.settings, self.progress, pool_factory=factory), pools

    def _scan_ledger(self, source: SparkInput, ledger: Ledger) -> ScanSummary:
        store = ResultStore()
        scanner, pools = self._scanner(ledger, store)
        ctx = scanner.ctx
        skip = SkipSet((state.key, state.raw_hash) for states in ledger.iter_states(source.site)
                       for state in states if state.profile == ctx.profile and state.raw_hash)  # fmt: skip
        task = self._task(source.site, ctx.fingerprint, skip)
        parts, wave = self.options.partitions, self.options.wave

        def results() -> Iterator[Result]:
            return (from_record(r) for r in run_waves(self.spark, source.rdds(self.spark, parts), task, wave))

        def orphans(linked: Any) -> Iterator[Result]:
            rdds = item_rdds(self.spark, source.orphans(linked), parts)
            return (from_record(r) for r in run_waves(self.spark, rdds, task, wave))

        feed = ResultSource(source.site, f"spark:{source.describe()}", source.exhaustive, store, results, orphans,
                            count=source.count(), close=source.close)  # fmt: skip
        summary = scanner.scan(feed)
        self.stats = {"received": feed.received, "skipped": feed.skipped,
                      "local_tasks": sum(p.local_tasks for p in pools)}  # fmt: skip
        return summary

    def export(self, source: SparkInput, path: str) -> ScanSummary:
        """Every document's results into ``path/documents`` (Parquet), written by the executors."""
        started = time.monotonic()
        s = self.settings
        paths = [Path(p) for p in s.dictionaries] if s.dictionaries else None
        compiled = load_dictionary(paths, cache_dir=s.cache_dir)
        task = self._task(source.site, compiled.fingerprint, None)
        docs = f"{path.rstrip('/')}/{_DOCS}"
        try:
            write_parquet(self.spark, source.rdds(self.spark, self.options.partitions), task, docs)
            frame = self.spark.read.parquet(docs)
            linked = {r[0] for r in frame.selectExpr("key", "explode(parts) AS part").where("part != key")
                      .select("part").distinct().toLocalIterator()}  # fmt: skip
            orphans = source.orphans(lambda candidates: {c for c in candidates if c in linked})
            write_parquet(self.spark, item_rdds(self.spark, orphans, self.options.partitions), task, docs, append=True)
        finally:
            source.close()
        frame = self.spark.read.parquet(docs)
        counts = {row["status"]: int(row["n"]) for row in frame.groupBy("status").count().withColumnRenamed("count", "n").collect()}
        findings = int(frame.selectExpr("sum(coalesce(size(findings), 0)) AS n").first()["n"] or 0)  # type: ignore[index]
        total = sum(counts.values())
        meta = {
            "format": EXPORT_FORMAT, "site": source.site, "source": f"spark:{source.describe()}",
            "exhaustive": bool(source.exhaustive), "fingerprint": compiled.fingerprint, "version": compiled.version,
            "profile": checker_profile(s), "documents": total, "created": dt.datetime.now().isoformat(timespec="seconds"),
        }  # fmt: skip
        self.spark.createDataFrame([meta]).coalesce(1).write.mode("overwrite").json(f"{path.rstrip('/')}/{_META}")
        c = {"docs_seen": total, "docs_checked": counts.get("ok", 0), "docs_failed": counts.get("error", 0),
             "findings_new": findings}  # fmt: skip
        return ScanSummary(0, source.site, False, time.monotonic() - started, c)

    def read_export_meta(self, path: str) -> dict[str, Any]:
        try:
            row = self.spark.read.json(f"{path.rstrip('/')}/{_META}").first()
        except Exception:  # noqa: BLE001 - a missing or unreadable path: the error below says so
            row = None
        if row is None:
            raise ConfigError(f"{path} 不是完整的 cuomin 导出结果（缺少 {_META}：导出未完成？）")
        meta = row.asDict()
        if int(meta.get("format", 0)) != EXPORT_FORMAT:
            raise ConfigError(f"{path} 的格式版本 {meta.get('format')} 不受支持（需要 {EXPORT_FORMAT}）")
        return meta

    def import_parquet(self, path: str, ledger: Ledger) -> ScanSummary:
        """Record an export in the ledger, as a scan of its source (same decisions, same reports)."""
        meta = self.read_export_meta(path)
        store = ResultStore()
        scanner, pools = self._scanner(ledger, store)
        if meta["fingerprint"] != scanner.ctx.fingerprint or meta["profile"] != scanner.ctx.profile:
            raise ConfigError(
                f"{path} 是用另一版词库或另一组规则检查的（词库 {meta.get('version') or '?'}），"
                "请用导出时的 --dict、--select、--ignore 导入，或重新检查"
            )

        def results() -> Iterator[Result]:
            return (from_record(r) for r in read_parquet(self.spark, f"{path.rstrip('/')}/{_DOCS}"))

        feed = ResultSource(str(meta["site"]), str(meta["source"]), bool(meta["exhaustive"]), store, results,
                            count=int(meta["documents"]))  # fmt: skip
        summary = scanner.scan(feed)
        self.stats = {"received": feed.received, "skipped": feed.skipped,
                      "local_tasks": sum(p.local_tasks for p in pools)}  # fmt: skip
        return summary
