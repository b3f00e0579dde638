"""Running the executors' work: in waves streamed to the driver, or into Parquet.

``run_waves`` runs an RDD's partitions a wave at a time (by default two partitions per
core): every executor core is busy with one wave while the driver writes the previous one
to the ledger, and the driver never holds more than two waves of results. (``collect``
would hold everything; ``toLocalIterator`` computes one partition at a time.)

``write_parquet`` lets the executors write their results themselves, which is the way past
the driver when the ledger cannot keep up; ``read_parquet`` streams such an export back.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ...errors import ConfigError, CuominError
from ..items import SourceItem
from .records import result_schema

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

__all__ = ["read_parquet", "run_waves", "spark_error", "write_parquet"]

log = logging.getLogger(__name__)
PartitionFn = Callable[[Iterable[SourceItem]], Iterator[dict[str, Any]]]
_OUR_ERROR = re.compile(r"cuomin\.errors\.\w+: (.+)")
_PY_ERROR = re.compile(r"^(?:[\w.]+(?:Error|Exception)): .+$", re.MULTILINE)


def spark_error(exc: BaseException) -> str:
    """The useful line of a Spark job failure (the Python error on the executor)."""
    text = str(exc)
    found = _OUR_ERROR.search(text)
    if found:
        return str(found.group(1)).strip()
    lines = _PY_ERROR.findall(text)
    if lines:
        return str(lines[-1]).strip()
    first = text.strip().splitlines()
    return first[0] if first else type(exc).__name__


def _run(spark: SparkSession, rdd: RDD[SourceItem], fn: PartitionFn, partitions: list[int], group: str) -> list[Any]:
    sc = spark.sparkContext
    sc.setJobGroup(group, "cuomin scan", interruptOnCancel=True)
    return list(sc.runJob(rdd, fn, partitions))


def run_waves(
    spark: SparkSession, rdds: Iterable[RDD[SourceItem]], fn: PartitionFn, wave: int | None = None
) -> Iterator[dict[str, Any]]:
    """Records of every partition of every RDD, a wave of partitions at a time."""
    sc = spark.sparkContext
    size = wave or max(1, 2 * sc.defaultParallelism)

    def waves() -> Iterator[tuple[RDD[SourceItem], list[int]]]:
        for rdd in rdds:
            n = rdd.getNumPartitions()
            for start in range(0, n, size):
                yield rdd, list(range(start, min(n, start + size)))

    group = f"cuomin-{uuid.uuid4().hex[:12]}"
    plan = waves()
    finished = False
    with ThreadPoolExecutor(1, thread_name_prefix="cuomin-spark") as pool:

        def submit() -> Future[list[Any]] | None:
            job = next(plan, None)
            return None if job is None else pool.submit(_run, spark, job[0], fn, job[1], group)

        future = submit()
        try:
            while future is not None:
                try:
                    records = future.result()
                except CuominError:
                    raise
                except Exception as exc:
                    raise CuominError(f"Spark 作业失败：{spark_error(exc)}；已完成的结果已写入台账，重新运行即从中断处继续") from exc
                future = submit()  # the next wave runs while the driver writes this one
                yield from records
            finished = True
        finally:
            if not finished:
                sc.cancelJobGroup(group)


def write_parquet(spark: SparkSession, rdds: Iterable[RDD[SourceItem]], fn: PartitionFn, path: str, *,
                  append: bool = False) -> None:  # fmt: skip
    """The executors write their records to ``path`` (any file system Spark knows)."""
    schema = result_schema()
    for rdd in rdds:
        frame = spark.createDataFrame(rdd.mapPartitions(fn), schema)
        try:
            frame.write.mode("append" if append else "errorifexists").parquet(path)
        except Exception as exc:
            if not append and "already exists" in str(exc).lower():
                raise ConfigError(f"输出目录已存在：{path}（请换一个目录，或删除它）") from None
            raise CuominError(f"Spark 作业失败：{spark_error(exc)}") from exc
        append = True


def read_parquet(spark: SparkSession, path: str) -> Iterator[dict[str, Any]]:
    """Records of an export, streamed (one Parquet partition in the driver at a time)."""
    try:
        frame = spark.read.schema(result_schema()).parquet(path)
    except Exception as exc:  # noqa: BLE001 - Spark's AnalysisException and Py4J errors alike
        raise ConfigError(f"无法读取 Parquet 结果 {path}：{spark_error(exc)}") from None
    for row in frame.toLocalIterator(prefetchPartitions=True):
        yield row.asDict(recursive=True)
