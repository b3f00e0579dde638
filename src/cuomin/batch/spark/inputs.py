"""Where a Spark scan's documents come from, as RDDs of ``SourceItem``.

* ``TreeInput``: an exported site on a path every executor sees (NFS, a shared mount).
  The driver lists the pages; executors read them and their attachments and resolve
  links with ``TreeSource``, exactly as a local scan does.
* ``RowsInput``: rows of a DataFrame mapped to documents with the SQL source's column
  mapping: a CMS table read over JDBC (``jdbc_input``), or any table the platform has
  (Hive, Parquet...). Spark partitions the read; executors map the rows.
* ``DriverInput``: any other source (WARC files, a database through SQLAlchemy): the driver
  reads the items and ships them to the executors in chunks.

Each input gives the RDDs to process, one after another, and the files no article linked
to (read on the driver, processed on the executors like the rest).
"""

from __future__ import annotations

import logging
import math
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol

from ...errors import ConfigError
from ..items import SourceItem, loaded
from ..sources.base import LinkedLookup, Source
from ..sources.sql import SQL_FIELDS, SqlSource
from ..sources.tree import TreeSource

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["JDBC_DRIVERS", "DriverInput", "RowsInput", "SparkInput", "TreeInput", "item_rdds", "jdbc_input"]

log = logging.getLogger(__name__)
_ARTICLE_SUFFIXES: Final = frozenset({".html", ".htm", ".shtml", ".xhtml"})
#: Documents per partition when the number of partitions is not given.
DOCS_PER_PARTITION: Final = 200
#: Items the driver reads before shipping them (and at most this many bytes).
CHUNK_ITEMS: Final = 2000
CHUNK_BYTES: Final = 64 * 1024 * 1024
#: JDBC driver classes by URL prefix (Spark needs the class named when the jar is added at
#: run time). 达梦 (DM) and 人大金仓 (KingbaseES) are common in government CMSs.
JDBC_DRIVERS: Final = {
    "jdbc:postgresql:": "org.postgresql.Driver",
    "jdbc:mysql:": "com.mysql.cj.jdbc.Driver",
    "jdbc:mariadb:": "org.mariadb.jdbc.Driver",
    "jdbc:sqlite:": "org.sqlite.JDBC",
    "jdbc:oracle:": "oracle.jdbc.OracleDriver",
    "jdbc:sqlserver:": "com.microsoft.sqlserver.jdbc.SQLServerDriver",
    "jdbc:dm:": "dm.jdbc.driver.DmDriver",
    "jdbc:kingbase8:": "com.kingbase8.Driver",
}


class SparkInput(Protocol):
    site: str
    exhaustive: bool

    def describe(self) -> str: ...

    def count(self) -> int | None: ...

    def rdds(self, spark: SparkSession, partitions: int | None) -> Iterator[RDD[SourceItem]]: ...

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]: ...

    def close(self) -> None: ...


def _partitions(spark: SparkSession, n: int, wanted: int | None) -> int:
    if wanted:
        return max(1, wanted)
    parallelism = spark.sparkContext.defaultParallelism
    return max(1, min(n, max(2 * parallelism, math.ceil(n / DOCS_PER_PARTITION))))


# -- an exported tree on a shared path -------------------------------------------------------
def _read_tree(root: str, site: str, base_url: str | None) -> Callable[[Iterable[str]], Iterator[SourceItem]]:
    def read(rels: Iterable[str]) -> Iterator[SourceItem]:
        source = TreeSource(root, site=site, base_url=base_url)
        for rel in rels:
            try:
                data = source._read(source.root / rel)
            except OSError as exc:  # as a local scan does: gone or unreadable pages are left out
                log.warning("%s: %s", rel, exc)
                continue
            yield source._article(rel, data)

    return read


class TreeInput:
    exhaustive = True

    def __init__(self, source: TreeSource) -> None:
        self.source = source
        self.site = source.site
        self._pages: list[str] | None = None

    def describe(self) -> str:
        return self.source.describe()

    def pages(self) -> list[str]:
        if self._pages is None:
            self._pages = [rel for rel, _p in self.source._walk()
                           if posixpath.splitext(rel)[1].lower() in _ARTICLE_SUFFIXES]  # fmt: skip
        return self._pages

    def count(self) -> int:
        return len(self.pages())

    def rdds(self, spark: SparkSession, partitions: int | None) -> Iterator[RDD[SourceItem]]:
        pages = self.pages()
        if not pages:
            return
        n = _partitions(spark, len(pages), partitions)
        base = self.source.base_url
        read = _read_tree(str(self.source.root), self.site, base.rstrip("/") if base else None)
        yield spark.sparkContext.parallelize(pages, n).mapPartitions(read)

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        return self.source.orphans(linked)

    def close(self) -> None:
        self.source.close()


# -- rows of a DataFrame ---------------------------------------------------------------------
class _RowMapper(SqlSource):
    """The SQL source's row → document mapping, without its database connection."""

    def __init__(self, columns: Mapping[str, str]) -> None:
        self.columns = dict(columns)


def _map_rows(columns: dict[str, str]) -> Callable[[Iterable[Any]], Iterator[SourceItem]]:
    def mapped(rows: Iterable[Any]) -> Iterator[SourceItem]:
        mapper = _RowMapper(columns)
        for row in rows:
            item = mapper._item(row.asDict())
            if item is not None:
                yield item

    return mapped


def check_columns(columns: Mapping[str, str] | None, available: Iterable[str]) -> dict[str, str]:
    """The SQL source's mapping rules: ``id`` and ``body`` required, known fields only."""
    mapping = {k: v for k, v in (columns or {}).items() if v}
    unknown = set(mapping) - set(SQL_FIELDS)
    if unknown:
        raise ConfigError(f"不认识的字段映射：{'、'.join(sorted(unknown))}（可用：{'、'.join(SQL_FIELDS)}）")
    mapping = {"id": "id", "body": "body", **mapping}
    keys = set(available)
    missing = {f: c for f, c in mapping.items() if c not in keys}
    if missing:
        wanted = "、".join(f"{f}→{c}" for f, c in missing.items())
        raise ConfigError(f"查询结果中没有这些列：{wanted}（结果的列：{'、'.join(sorted(keys))}）")
    return mapping


class RowsInput:
    exhaustive = True

    def __init__(self, frame: DataFrame, columns: Mapping[str, str] | None, *, site: str, description: str) -> None:
        self.columns = check_columns(columns, frame.columns)
        self.frame = frame.select(*sorted(set(self.columns.values())))
        self.site = site
        self._description = description
        self._count: int | None = None

    def describe(self) -> str:
        return self._description

    def count(self) -> int:
        if self._count is None:
            self._count = int(self.frame.count())
        return self._count

    def rdds(self, spark: SparkSession, partitions: int | None) -> Iterator[RDD[SourceItem]]:
        frame = self.frame
        n = _partitions(spark, max(1, self.count()), partitions)
        if partitions or frame.rdd.getNumPartitions() < n:
            frame = frame.repartition(n)
        yield frame.rdd.mapPartitions(_map_rows(self.columns))

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        return iter(())

    def close(self) -> None:
        pass


def jdbc_input(
    spark: SparkSession, url: str, query: str, columns: Mapping[str, str] | None, *,
    options: Mapping[str, str] | None = None, site: str | None = None,
) -> RowsInput:  # fmt: skip
    """A CMS table read over JDBC (the driver's jar must be on the classpath: spark.jars)."""
    if not query or not query.strip():
        raise ConfigError("SQL 来源需要查询语句（--query 或配置文件 [sql] query）")
    opts = {"url": url, "dbtable": f"({query.strip().rstrip(';')}) cuomin_q", "fetchsize": "500"}
    driver = next((cls for prefix, cls in JDBC_DRIVERS.items() if url.lower().startswith(prefix)), None)
    if driver:
        opts["driver"] = driver
    opts.update(options or {})
    try:
        frame = spark.read.format("jdbc").options(**opts).load()
    except Exception as exc:  # noqa: BLE001 - Py4J/JDBC errors of every kind become one clear message
        raise ConfigError(f"无法通过 JDBC 读取数据库（{_safe_url(url)}）：{_first_line(exc)}"
                          "（驱动 jar 需用 --spark-conf spark.jars=… 加入）") from None  # fmt: skip
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] or "cms"
    return RowsInput(frame, columns, site=site or name, description=f"jdbc:{_safe_url(url)}")


def _safe_url(url: str) -> str:
    """The URL without its query string (where JDBC URLs carry passwords)."""
    return url.split("?", 1)[0]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- items read on the driver ----------------------------------------------------------------
def item_rdds(spark: SparkSession, items: Iterable[SourceItem], partitions: int | None) -> Iterator[RDD[SourceItem]]:
    """Items in chunks (at most CHUNK_ITEMS items or CHUNK_BYTES bytes each), one RDD a chunk."""
    chunk: list[SourceItem] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.data) + sum(len(a.data or b"") for a in item.attachments)
        if len(chunk) >= CHUNK_ITEMS or size >= CHUNK_BYTES:
            yield spark.sparkContext.parallelize(chunk, _partitions(spark, len(chunk), partitions))
            chunk, size = [], 0
    if chunk:
        yield spark.sparkContext.parallelize(chunk, _partitions(spark, len(chunk), partitions))


class DriverInput:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.site = source.site
        self.exhaustive = source.exhaustive

    def describe(self) -> str:
        return self.source.describe()

    def count(self) -> int | None:
        return self.source.count()

    def rdds(self, spark: SparkSession, partitions: int | None) -> Iterator[RDD[SourceItem]]:
        return item_rdds(spark, loaded(self.source.items()), partitions)

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        return self.source.orphans(linked)

    def close(self) -> None:
        self.source.close()
