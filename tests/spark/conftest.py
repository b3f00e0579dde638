"""Fixtures for Spark scans: one local[2] session for the whole run (Java from .ci/apt-packages),
generated sites, and the single-machine scans to compare with."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from batch import reference, sitegen

from cuomin.batch import Ledger, Scanner, ScanSettings, TreeSource
from cuomin.batch.config import load_config

#: JDBC drivers from Debian (libxerial-sqlite-jdbc-java, libpostgresql-jdbc-java).
SQLITE_JAR = Path("/usr/share/java/sqlite-jdbc.jar")
POSTGRES_JAR = Path("/usr/share/java/postgresql.jar")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="pyspark is in the test extra: pip install -e '.[test]'")
    if shutil.which("java") is None:
        pytest.skip("no Java: .ci/apt-packages.txt installs openjdk-17-jre-headless")
    from cuomin.batch.spark import spark_session

    jars = ",".join(str(j) for j in (SQLITE_JAR, POSTGRES_JAR) if j.is_file())
    conf = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
    if jars:
        conf["spark.jars"] = jars
    session, created = spark_session("local[2]", conf, app_name="cuomin tests")
    yield session
    if created:
        session.stop()


@dataclass
class Site:
    root: Path
    config: Path
    articles: list[sitegen.Article]

    def settings(self, cache_dir: Path, layer: Path = reference.MINI, **kw: Any) -> ScanSettings:
        rules = load_config(self.config).rules
        return ScanSettings(dictionaries=(str(layer),), cache_dir=str(cache_dir), rules=rules, **kw)


@pytest.fixture(scope="session")
def big_site(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Site:
    """A few thousand small articles (every 40th with an attachment, every 10th a copy)."""
    base = tmp_path_factory.mktemp("spark-site")
    articles = sitegen.build_site(base / "site", corpus_dir, 2500, seed=23, min_kb=1, max_kb=3,
                                  attach_every=40, copy_every=10)  # fmt: skip
    return Site(base / "site", sitegen.unit_config(base / "scan.toml"), articles)


@pytest.fixture
def small_site(tmp_path: Path, corpus_dir: Path) -> Site:
    """40 articles in a private folder that a test may change."""
    articles = sitegen.build_site(tmp_path / "site", corpus_dir, 40, seed=11, min_kb=2, max_kb=5,
                                  attach_every=5, copy_every=8)  # fmt: skip
    return Site(tmp_path / "site", sitegen.unit_config(tmp_path / "scan.toml"), articles)


@pytest.fixture
def layer_copy(tmp_path: Path) -> Path:
    """A private copy of the mini layer that a test may edit."""
    target = tmp_path / "layers" / "mini"
    shutil.copytree(reference.MINI, target)
    return target


@dataclass
class Snapshot:
    """What a ledger says about a site: findings per document and each document's row."""

    findings: dict[str, Counter[str]]
    documents: dict[str, dict[str, Any]]
    counts: dict[str, int]


#: Document columns that a scan engine must set the same way.
DOC_COLUMNS = ("key", "status", "error", "title", "date", "url", "path", "unit", "column_name", "media_type",
               "raw_hash", "content_hash", "check_key", "dict_fingerprint", "profile")  # fmt: skip


def snapshot(ledger: Ledger, counts: dict[str, int] | None = None) -> Snapshot:
    docs = {d["key"]: {c: d.get(c) for c in DOC_COLUMNS} for d in reference.documents(ledger)}
    return Snapshot(reference.actual(ledger), docs, dict(counts or {}))


def local_scan(site: Site, cache_dir: Path, ledger_path: Path, jobs: int = 2) -> Snapshot:
    with Ledger.open(ledger_path) as ledger:
        summary = Scanner(ledger, site.settings(cache_dir, jobs=jobs)).scan(TreeSource(site.root))
        return snapshot(ledger, summary.counts)


@pytest.fixture(scope="session")
def big_local(big_site: Site, cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The single-machine scan (process pool of 2) of the big site."""
    return local_scan(big_site, cache_dir, tmp_path_factory.mktemp("local") / "ledger.sqlite")


def cms_database(path: Path, site: Site) -> Path:
    """A CMS table (SQLite) holding the site's articles: HTML bodies, units, columns, dates."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE art (aid INTEGER PRIMARY KEY, headline TEXT, content TEXT, pub TEXT, dept TEXT,"
                     " chan TEXT, link TEXT)")  # fmt: skip
        rows = []
        for i, art in enumerate(site.articles, 1):
            html = (site.root / art.path).read_text(encoding="utf-8")
            pub: str | None = art.date.isoformat() if i % 7 else f"{art.date:%Y年%m月%d日}"
            if i % 11 == 0:
                pub = None
            rows.append((i, art.title, html, pub, art.unit, art.column, f"https://www.example.gov.cn/{art.path}"))
        rows.append((len(rows) + 1, "纯文本", "这是纯文本正文，台湾总统一词应被发现。", dt.date(2024, 1, 2).isoformat(), None, None, None))
        conn.executemany("INSERT INTO art VALUES (?,?,?,?,?,?,?)", rows)
    return path


CMS_QUERY = "SELECT aid, headline, content, pub, dept, chan, link FROM art"
CMS_MAP = {"id": "aid", "title": "headline", "body": "content", "date": "pub", "unit": "dept", "column": "chan",
           "url": "link"}  # fmt: skip
