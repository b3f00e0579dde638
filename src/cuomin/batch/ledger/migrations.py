"""Schema migrations: numbered steps, each applied once, recorded in ``cuomin_migrations``.

A step creates what it adds explicitly (tables without their later indexes, then its own
indexes), so that an old ledger and a new one end up with the same schema. Steps run in one
transaction each; on PostgreSQL an advisory lock keeps two scans from migrating at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Final

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    inspect,
    select,
    text,
)
from sqlalchemy.schema import CreateIndex, CreateTable

from ...errors import ConfigError
from . import schema as s

__all__ = ["MIGRATIONS", "migrate", "current_version", "LATEST"]

log = logging.getLogger(__name__)
_LOCK_ID: Final = 0x6375_6F6D  # "cuom"


def _create(conn: Connection, table: Table) -> None:
    conn.execute(CreateTable(table))


def _index(conn: Connection, index: Index) -> None:
    conn.execute(CreateIndex(index))


def _index_named(table: Table, name: str) -> Index:
    for index in table.indexes:
        if index.name == name:
            return index
    raise KeyError(name)


def _v1(conn: Connection) -> None:
    # texts as it was in version 1 (migration 3 adds a column)
    _create(conn, Table("texts", MetaData(), Column("content_hash", String(40), primary_key=True),
                        Column("data", LargeBinary, nullable=False), Column("size", Integer, nullable=False)))  # fmt: skip
    # documents as it was in version 1 (migration 4 adds a column)
    columns = [Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
               for c in s.documents.columns if c.name != "stamp"]  # fmt: skip
    documents = Table("documents", MetaData(), *columns, UniqueConstraint("site", "key", name="uq_documents_site_key"))
    for table in (s.runs, s.dictionaries, documents, s.findings):
        _create(conn, table)
    _index(conn, _index_named(s.documents, "ix_documents_check"))
    _index(conn, _index_named(s.documents, "ix_documents_site_unit"))
    _index(conn, _index_named(s.findings, "ix_findings_open"))


def _v2(conn: Connection) -> None:
    _create(conn, s.parts)
    _index(conn, _index_named(s.findings, "ix_findings_fingerprint"))


def _v3(conn: Connection) -> None:
    kind = s.texts.c.bigrams.type.compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE texts ADD COLUMN bigrams {kind}"))


def _v4(conn: Connection) -> None:
    kind = s.documents.c.stamp.type.compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE documents ADD COLUMN stamp {kind}"))


MIGRATIONS: Final[tuple[tuple[int, str, Callable[[Connection], None]], ...]] = (
    (1, "initial schema: runs, dictionaries, texts, documents, findings", _v1),
    (2, "parts of documents (orphan attachments); index findings by fingerprint", _v2),
    (3, "bigram signatures of stored texts (rescans skip what a new entry cannot match)", _v3),
    (4, "file stamps of documents (scans skip reading files whose sizes and times are unchanged)", _v4),
)
LATEST: Final = MIGRATIONS[-1][0]


def current_version(engine: Engine) -> int:
    if not inspect(engine).has_table(s.migrations_table.name):
        return 0
    with engine.connect() as conn:
        value = conn.execute(select(s.migrations_table.c.version).order_by(s.migrations_table.c.version.desc())).first()
    return int(value[0]) if value else 0


def migrate(engine: Engine, target: int | None = None) -> int:
    """Bring the ledger to ``target`` (the latest by default); returns the version reached."""
    goal = LATEST if target is None else target
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        if not inspect(conn).has_table(s.migrations_table.name):
            _create(conn, s.migrations_table)
    version = current_version(engine)
    if version > LATEST:
        raise ConfigError(f"台账的结构版本（{version}）比本程序支持的（{LATEST}）新：请升级 cuomin")
    for number, description, step in MIGRATIONS:
        if number <= version or number > goal:
            continue
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
            done = conn.execute(
                select(s.migrations_table.c.version).where(s.migrations_table.c.version == number)
            ).first()
            if done:
                continue
            log.info("ledger migration %d: %s", number, description)
            step(conn)
            conn.execute(
                s.migrations_table.insert().values(
                    version=number, description=description, applied_at=dt.datetime.now()
                )
            )
        version = number
    return version
