"""Fixtures for batch scans: generated sites, settings on the mini layer, ledgers on SQLite
and (when CUOMIN_TEST_PG_URL is set, as .ci/services/postgres.sh does) PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cuomin.batch import Ledger, ScanSettings
from cuomin.batch.config import load_config

from . import sitegen
from .reference import MINI

PG_ENV = "CUOMIN_TEST_PG_URL"


@pytest.fixture(scope="session")
def small_site(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> tuple[Path, list[sitegen.Article], Path]:
    """40 articles (every 5th with an attachment, every 8th a copy), and a scan config."""
    base = tmp_path_factory.mktemp("site")
    articles = sitegen.build_site(base / "site", corpus_dir, 40, seed=11, copy_every=8, min_kb=3, max_kb=8)
    config = sitegen.unit_config(base / "scan.toml")
    return base / "site", articles, config


@pytest.fixture
def settings_for(cache_dir: Path) -> Callable[..., ScanSettings]:
    def make(layer: Path = MINI, config: Path | None = None, **kw: object) -> ScanSettings:
        rules = load_config(config).rules
        return ScanSettings(dictionaries=(str(layer),), cache_dir=str(cache_dir), rules=rules, **kw)  # type: ignore[arg-type]

    return make


@pytest.fixture
def layer_copy(tmp_path: Path) -> Path:
    """A private copy of the mini layer that a test may edit."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


def _pg_admin() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against (.ci/services/postgres.sh starts one)")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    admin = _pg_admin()
    name = f"cuomin_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A ledger location: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    return str(request.getfixturevalue("pg_url"))


def open_ledger(target: str) -> Ledger:
    return Ledger.open(target)
