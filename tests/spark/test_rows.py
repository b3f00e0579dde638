"""CMS tables: read over JDBC by Spark (SQLite and PostgreSQL drivers from Debian), or any
DataFrame, mapped to documents like the SQL source; compared with a local SQL scan."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cuomin.batch import Ledger, Scanner
from cuomin.batch.sources import SqlSource
from cuomin.batch.spark import RowsInput, SparkScanner, jdbc_input
from cuomin.errors import ConfigError

from .conftest import (
    CMS_MAP,
    CMS_QUERY,
    POSTGRES_JAR,
    SQLITE_JAR,
    Site,
    cms_database,
    snapshot,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _local_sql(site: Site, cache_dir: Path, url: str, ledger_path: Path) -> Any:
    with Ledger.open(ledger_path) as ledger:
        Scanner(ledger, site.settings(cache_dir)).scan(SqlSource(url, CMS_QUERY, CMS_MAP, site="cms"))
        return snapshot(ledger)


def _spark_rows(spark: Any, site: Site, cache_dir: Path, source: RowsInput, ledger_path: Path) -> Any:
    with Ledger.open(ledger_path) as ledger:
        SparkScanner(spark, site.settings(cache_dir)).scan(source, ledger)
        return snapshot(ledger)


def test_a_cms_table_over_jdbc_gives_what_the_sql_source_gives(
    spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path
) -> None:
    if not SQLITE_JAR.is_file():
        pytest.skip(f"{SQLITE_JAR} missing: .ci/apt-packages.txt installs libxerial-sqlite-jdbc-java")
    db = cms_database(tmp_path / "cms.db", small_site)
    want = _local_sql(small_site, cache_dir, f"sqlite:///{db}", tmp_path / "local.sqlite")
    source = jdbc_input(spark, f"jdbc:sqlite:{db}", CMS_QUERY, CMS_MAP, site="cms")
    assert source.count() == len(small_site.articles) + 1
    got = _spark_rows(spark, small_site, cache_dir, source, tmp_path / "spark.sqlite")
    assert got.findings == want.findings and got.documents == want.documents
    art = small_site.articles[0]
    assert got.documents["1"]["unit"] == art.unit and got.documents["1"]["date"] == art.date
    assert got.documents["7"]["date"] == small_site.articles[6].date  # 2019年01月01日 parsed too
    plain = str(len(small_site.articles) + 1)
    assert got.documents[plain]["media_type"] == "text/plain" and sum(got.findings[plain].values()) >= 1


def test_a_cms_table_in_postgresql_over_jdbc(spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path) -> None:
    admin = os.environ.get("CUOMIN_TEST_PG_URL")
    if not admin:
        pytest.skip("CUOMIN_TEST_PG_URL is not set (.ci/services/postgres.sh starts a server)")
    if not POSTGRES_JAR.is_file():
        pytest.skip(f"{POSTGRES_JAR} missing: .ci/apt-packages.txt installs libpostgresql-jdbc-java")
    import sqlite3
    from urllib.parse import urlsplit

    import psycopg

    db = cms_database(tmp_path / "cms.db", small_site)
    with sqlite3.connect(db) as lite:
        rows = lite.execute(CMS_QUERY).fetchall()
    table = f"art_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} (aid INTEGER PRIMARY KEY, headline TEXT, content TEXT, pub TEXT, dept TEXT,"
                     " chan TEXT, link TEXT)")  # fmt: skip
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} VALUES (%s,%s,%s,%s,%s,%s,%s)", rows)
    try:
        query = CMS_QUERY.replace("FROM art", f"FROM {table}")
        with Ledger.open(tmp_path / "local.sqlite") as ledger:
            Scanner(ledger, small_site.settings(cache_dir)).scan(SqlSource(admin, query, CMS_MAP, site="cms"))
            want = snapshot(ledger)
        u = urlsplit(admin)
        jdbc = f"jdbc:postgresql://{u.hostname}:{u.port or 5432}{u.path}"
        source = jdbc_input(spark, jdbc, query, CMS_MAP, site="cms",
                            options={"user": u.username or "postgres", "password": u.password or ""})  # fmt: skip
        got = _spark_rows(spark, small_site, cache_dir, source, tmp_path / "spark.sqlite")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    assert got.findings == want.findings and got.documents == want.documents


def test_a_dataframe_is_mapped_like_a_sql_result(spark: Any, small_site: Site, cache_dir: Path, tmp_path: Path) -> None:
    rows = [
        (101, "通知", "<p>中华人民共合国成立。</p>", dt.date(2020, 5, 1), "市教育局"),
        (102, None, "纯文本，再接再励。", None, None),
        (None, "没有编号的行被跳过", "台湾总统", None, None),
    ]
    frame = spark.createDataFrame(rows, "nid INT, title STRING, body STRING, d DATE, unit STRING")
    source = RowsInput(frame, {"id": "nid", "date": "d", "title": "title", "unit": "unit"}, site="df", description="df")
    got = _spark_rows(spark, small_site, cache_dir, source, tmp_path / "l.sqlite")
    assert sorted(got.documents) == ["101", "102"]
    assert got.documents["101"]["date"] == dt.date(2020, 5, 1) and got.documents["101"]["unit"] == "市教育局"
    assert got.documents["101"]["media_type"] == "text/html" and got.documents["102"]["media_type"] == "text/plain"
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        matches = {k: sorted(v) for k, v in _matches(ledger).items()}
    assert matches == {"101": ["中华人民共合国"], "102": ["再接再励"]}


def _matches(ledger: Ledger) -> dict[str, Counter[str]]:
    from batch import reference

    return {k: Counter(v) for k, v in reference.matches(ledger).items()}


def test_a_bad_column_mapping_is_a_clear_error(spark: Any) -> None:
    frame = spark.createDataFrame([(1, "x")], "nid INT, content STRING")
    with pytest.raises(ConfigError, match="body→body"):
        RowsInput(frame, {"id": "nid"}, site="s", description="d")
    with pytest.raises(ConfigError, match="不认识的字段映射：author"):
        RowsInput(frame, {"id": "nid", "body": "content", "author": "x"}, site="s", description="d")


def test_an_unreachable_jdbc_database_is_a_clear_error(spark: Any, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="无法通过 JDBC 读取数据库"):
        jdbc_input(spark, "jdbc:postgresql://127.0.0.1:9/none?password=secret", "SELECT 1", {}, options={"connectTimeout": "2"})
    with pytest.raises(ConfigError, match="需要查询语句"):
        jdbc_input(spark, "jdbc:sqlite:/nonexistent.db", " ", {})
