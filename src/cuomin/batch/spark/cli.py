"""``cuomin scan --engine spark``: the options and the run (called from ``cli/scan.py``)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ...errors import ConfigError
from ..config import ScanConfig
from ..context import ScanSettings
from ..ledger import Ledger
from ..progress import Progress
from ..runner import ScanSummary
from ..sources import Source, TreeSource
from .inputs import DriverInput, SparkInput, TreeInput, jdbc_input
from .scanner import SparkOptions, SparkScanner
from .session import spark_session

__all__ = ["add_arguments", "run"]

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("Spark 集群（--engine spark，需要 pip install 'cuomin[spark]'，见 docs/distributed.md）")
    g.add_argument("--spark-master", metavar="URL",
                   help="Spark master（默认取 spark-submit 的设置，否则 local[*]），如 yarn、spark://host:7077、local[4]")  # fmt: skip
    g.add_argument("--partitions", type=int, metavar="N", help="输入分区数（默认每核 2 个且每区不超过 200 篇）")
    g.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                   help="Spark 配置，可多次指定，如 spark.jars=/usr/share/java/postgresql.jar")  # fmt: skip
    g.add_argument("--jdbc-option", action="append", default=[], metavar="KEY=VALUE",
                   help="--sql jdbc:… 时传给 Spark JDBC 读取的选项，如 user=reader、numPartitions=8")  # fmt: skip
    g.add_argument("--output-parquet", metavar="DIR", help="各执行器把每篇文档的检查结果写成 Parquet（再导入台账）")
    g.add_argument("--no-ledger", action="store_true", help="只写 --output-parquet，不写台账（之后可用 --from-parquet 导入）")
    g.add_argument("--from-parquet", metavar="DIR", help="把 --output-parquet 导出的结果导入台账（不读来源）")


def _pairs(values: Sequence[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in values:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{option} 应为 键=值，而不是“{pair}”")
        out[key.strip()] = value.strip()
    return out


def _input(args: argparse.Namespace, config: ScanConfig, spark: Any, make_source: Callable[[], Source]) -> SparkInput:
    url = args.sql or (config.sql.get("url") if not args.sources else None)
    if url and str(url).startswith("jdbc:"):
        columns = dict(config.sql.get("columns", {}))
        for pair in args.map:
            field, sep, column = pair.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise ConfigError(f"--map 应为 字段=列名，而不是“{pair}”")
            columns[field.strip()] = column.strip()
        query = args.query or config.sql.get("query", "")
        return jdbc_input(spark, str(url), query, columns, options=_pairs(args.jdbc_option, "--jdbc-option"),
                          site=args.site or config.site)  # fmt: skip
    if args.sources and args.sources[0].startswith(("http://", "https://")):
        raise ConfigError("在线爬取受网站限速约束，放到集群上不会更快：请用 --engine local 爬取，或先导出为目录或 WARC")
    source = make_source()
    if isinstance(source, TreeSource):
        return TreeInput(source)
    return DriverInput(source)


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def run(
    args: argparse.Namespace, config: ScanConfig, settings: ScanSettings, progress: Progress,
    make_source: Callable[[], Source], describe: Callable[[ScanSummary], str],
) -> int:  # fmt: skip
    if args.partitions is not None and args.partitions < 1:
        raise ConfigError("--partitions 至少为 1")
    if args.no_ledger and not args.output_parquet:
        raise ConfigError("--no-ledger 需要同时指定 --output-parquet（结果总要写到一个地方）")
    if args.from_parquet and (args.sources or args.sql or args.output_parquet or args.no_ledger):
        raise ConfigError("--from-parquet 只导入已导出的结果，不能同时指定来源、--output-parquet 或 --no-ledger")
    options = SparkOptions(partitions=args.partitions, output_parquet=args.output_parquet)
    spark, created = spark_session(args.spark_master, _pairs(args.spark_conf, "--spark-conf"))
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        scanner = SparkScanner(spark, settings, options, progress)
        if args.from_parquet:
            with Ledger.open(args.ledger) as ledger:
                summary = scanner.import_parquet(args.from_parquet, ledger)
        else:
            source = _input(args, config, spark, make_source)
            if args.no_ledger:
                summary = scanner.scan(source, None)
            else:
                with Ledger.open(args.ledger) as ledger:
                    summary = scanner.scan(source, ledger)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if created:
            spark.stop()
    if not args.quiet:
        if args.no_ledger:
            c = summary.counts
            print(f"已把 {c.get('docs_seen', 0)} 篇文档的检查结果写入 {args.output_parquet}（失败 {c.get('docs_failed', 0)}，"
                  f"问题 {c.get('findings_new', 0)} 条）；用时 {summary.seconds:.1f} 秒", file=sys.stderr)  # fmt: skip
        else:
            print(describe(summary), file=sys.stderr)
            where = args.ledger if "://" in args.ledger else Path(args.ledger).resolve()
            print(f"台账：{where}", file=sys.stderr)
    return 0
