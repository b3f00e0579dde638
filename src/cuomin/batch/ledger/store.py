"""Open a ledger (SQLite file or PostgreSQL URL), manage runs, look up documents."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, create_engine, event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from ...errors import ConfigError
from ...pids import pid_alive
from . import schema as s
from .migrations import migrate

__all__ = ["Ledger", "DocState", "RunInfo", "ledger_url", "DEFAULT_LEDGER"]

log = logging.getLogger(__name__)

#: The default ledger: a SQLite file in the current directory.
DEFAULT_LEDGER = "cuomin-ledger.sqlite"
_LOOKUP_CHUNK = 500

# Lookups a scan makes for every batch, built once: building a statement costs more than
# running it (270 against 100 µs for find_copies on SQLite).
_COPIES = (
    select(s.documents.c.check_key, func.min(s.documents.c.id))
    .where(s.documents.c.check_key.in_(bindparam("keys", expanding=True)),
           s.documents.c.dict_fingerprint == bindparam("fingerprint"), s.documents.c.profile == bindparam("profile"),
           s.documents.c.status == "ok")  # fmt: skip
    .group_by(s.documents.c.check_key)
)
_TEXTS = select(s.texts.c.content_hash, s.texts.c.data).where(s.texts.c.content_hash.in_(bindparam("keys", expanding=True)))
_SIGNATURES = select(s.texts.c.content_hash, s.texts.c.bigrams).where(
    s.texts.c.content_hash.in_(bindparam("keys", expanding=True))
)


def ledger_url(target: str | os.PathLike[str]) -> str:
    """A SQLAlchemy URL from a file path or a URL (``postgresql://`` uses psycopg 3)."""
    raw = os.fspath(target)
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the scan; crash-safe
    cur.execute("PRAGMA synchronous=NORMAL")  # durable against process crashes (kill -9)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@dataclass(frozen=True, slots=True)
class DocState:
    """What the ledger knows about a document."""

    id: int
    key: str
    raw_hash: str | None
    content_hash: str | None
    check_key: str | None
    dict_fingerprint: str | None
    profile: str | None
    status: str
    date: dt.date | None
    last_run: int
    stamp: str | None = None  # the source's stamp of the files it was read from


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    site: str
    resumed: bool


class Ledger:
    """The scan ledger. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, create: bool = True) -> Ledger:
        url = ledger_url(target)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError(f"台账地址无法识别：{target}（应为文件路径或 postgresql://用户@主机/库名）") from None
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            path = Path(parsed.database)
            if not create and not path.is_file():
                raise ConfigError(f"台账文件不存在：{path}（先运行 cuomin scan）")
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = create_engine(url, future=True)
        except ModuleNotFoundError as exc:
            raise ConfigError(
                f"连接 {parsed.get_backend_name()} 需要额外的驱动（{exc.name}）：pip install 'cuomin[postgres]'"
            ) from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        try:
            migrate(engine)
        except OperationalError as exc:
            engine.dispose()
            raise ConfigError(f"无法打开台账 {parsed.render_as_string(hide_password=True)}：{exc.orig}") from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs -----------------------------------------------------------------------------
    def begin_run(self, site: str, source: str, fingerprint: str, version: str, profile: str) -> RunInfo:
        """A new run, or the unfinished run of this site (killed, or stopped with Ctrl-C)
        when its process is gone and it used the same dictionary and rules (resume)."""
        host = socket.gethostname()
        with self.engine.begin() as conn:
            last = conn.execute(
                select(s.runs).where(s.runs.c.site == site).order_by(s.runs.c.id.desc()).limit(1)
            ).mappings().first()
            if last is not None and last["status"] in ("running", "interrupted"):
                if last["host"] == host and last["pid"] and pid_alive(int(last["pid"])) and last["pid"] != os.getpid():
                    raise ConfigError(
                        f"站点“{site}”的检查（第 {last['id']} 次，进程 {last['pid']}）仍在进行；请等它结束后再运行"
                    )
                if last["dict_fingerprint"] == fingerprint and last["profile"] == profile and last["source"] == source:
                    conn.execute(
                        update(s.runs)
                        .where(s.runs.c.id == last["id"])
                        .values(pid=os.getpid(), host=host, resumes=s.runs.c.resumes + 1)
                    )
                    return RunInfo(int(last["id"]), site, True)
                conn.execute(update(s.runs).where(s.runs.c.id == last["id"]).values(status="interrupted"))
            run_id = conn.execute(
                s.runs.insert().values(
                    site=site, source=source, started_at=dt.datetime.now(), status="running", pid=os.getpid(),
                    host=host, dict_fingerprint=fingerprint, dict_version=version, profile=profile,
                    docs_seen=0, docs_checked=0, docs_copied=0, docs_delta=0, docs_unchanged=0, docs_failed=0,
                    docs_missing=0, findings_new=0, findings_resolved=0, resumes=0,
                )  # fmt: skip
            ).inserted_primary_key
        assert run_id is not None
        return RunInfo(int(run_id[0]), site, False)

    def finish_run(self, run_id: int, status: str = "done") -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(s.runs).where(s.runs.c.id == run_id).values(status=status, finished_at=dt.datetime.now())
            )

    def run(self, run_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.runs).where(s.runs.c.id == run_id)).mappings().first()
        if row is None:
            raise ConfigError(f"台账中没有第 {run_id} 次检查")
        return dict(row)

    def latest_run(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(s.runs.c.id), 0))).scalar_one())

    # -- dictionaries ---------------------------------------------------------------------
    def save_snapshot(self, fingerprint: str, version: str, blob: bytes) -> None:
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(s.dictionaries.c.fingerprint).where(s.dictionaries.c.fingerprint == fingerprint)
            ).first()
            if exists is None:
                conn.execute(
                    s.dictionaries.insert().values(
                        fingerprint=fingerprint, version=version, snapshot=blob, created_at=dt.datetime.now()
                    )
                )

    def snapshot(self, fingerprint: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.dictionaries.c.snapshot).where(s.dictionaries.c.fingerprint == fingerprint)
            ).first()
        return None if row is None else bytes(row[0])

    # -- documents ------------------------------------------------------------------------
    def doc_states(self, site: str, keys: Sequence[str]) -> dict[str, DocState]:
        d = s.documents
        cols = (d.c.id, d.c.key, d.c.raw_hash, d.c.content_hash, d.c.check_key, d.c.dict_fingerprint,
                d.c.profile, d.c.status, d.c.date, d.c.last_run, d.c.stamp)  # fmt: skip
        out: dict[str, DocState] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(keys), _LOOKUP_CHUNK):
                chunk = list(keys[i : i + _LOOKUP_CHUNK])
                for row in conn.execute(select(*cols).where(d.c.site == site, d.c.key.in_(chunk))):
                    out[row.key] = DocState(*row)  # columns in field order
        return out

    def iter_states(self, site: str | None, batch: int = 500) -> Iterable[list[DocState]]:
        """Every document (of a site), in id order, in batches (for rescans without a source)."""
        d = s.documents
        cols = (d.c.id, d.c.key, d.c.raw_hash, d.c.content_hash, d.c.check_key, d.c.dict_fingerprint,
                d.c.profile, d.c.status, d.c.date, d.c.last_run, d.c.stamp)  # fmt: skip
        last = 0
        while True:
            query = select(*cols, d.c.site).where(d.c.id > last, d.c.status == "ok").order_by(d.c.id).limit(batch)
            if site is not None:
                query = query.where(d.c.site == site)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            last = rows[-1].id
            yield [DocState(*row[:-1]) for row in rows]

    def find_copy(self, check_key: str, fingerprint: str, profile: str) -> int | None:
        d = s.documents
        with self.engine.connect() as conn:
            row = conn.execute(
                select(d.c.id)
                .where(d.c.check_key == check_key, d.c.dict_fingerprint == fingerprint, d.c.profile == profile,
                       d.c.status == "ok")  # fmt: skip
                .limit(1)
            ).first()
        return None if row is None else int(row[0])

    def find_copies(self, check_keys: Sequence[str], fingerprint: str, profile: str) -> dict[str, int]:
        """For each check key that has a document checked with this dictionary and these
        rules, one such document."""
        out: dict[str, int] = {}
        wanted = sorted(set(check_keys))
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _LOOKUP_CHUNK):
                params = {"keys": wanted[i : i + _LOOKUP_CHUNK], "fingerprint": fingerprint, "profile": profile}
                out.update((k, int(v)) for k, v in conn.execute(_COPIES, params))
        return out

    def open_findings(self, document_id: int) -> list[dict[str, Any]]:
        """The current findings of a document, as rows to copy to another document."""
        f = s.findings
        cols = [c for c in f.c if c.name in _FINDING_FIELDS]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*cols).where(f.c.document_id == document_id, f.c.resolved_run.is_(None)).order_by(f.c.id)
            ).mappings()
            return [dict(r) for r in rows]

    def text(self, content_hash: str) -> bytes | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.texts.c.data).where(s.texts.c.content_hash == content_hash)).first()
        return None if row is None else bytes(row[0])

    def texts(self, hashes: Iterable[str]) -> dict[str, bytes]:
        wanted = sorted(set(hashes))
        out: dict[str, bytes] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _LOOKUP_CHUNK):
                for h, data in conn.execute(_TEXTS, {"keys": wanted[i : i + _LOOKUP_CHUNK]}):
                    out[h] = bytes(data)
        return out

    def signatures(self, hashes: Iterable[str]) -> dict[str, bytes | None]:
        wanted = sorted(set(hashes))
        out: dict[str, bytes | None] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), _LOOKUP_CHUNK):
                for h, sig in conn.execute(_SIGNATURES, {"keys": wanted[i : i + _LOOKUP_CHUNK]}):
                    out[h] = None if sig is None else bytes(sig)
        return out

    def linked_parts(self, site: str, paths: Sequence[str], run_id: int) -> set[str]:
        """Which of these files are part of another document of the site seen in this run."""
        p, d = s.parts, s.documents
        out: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(paths), _LOOKUP_CHUNK):
                chunk = list(paths[i : i + _LOOKUP_CHUNK])
                query = (
                    select(p.c.path)
                    .join(d, d.c.id == p.c.document_id)
                    .where(p.c.site == site, p.c.path.in_(chunk), d.c.key != p.c.path, d.c.last_run >= run_id)
                    .distinct()
                )
                out.update(r[0] for r in conn.execute(query))
        return out

    def sites(self) -> list[str]:
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(select(s.documents.c.site).distinct().order_by(s.documents.c.site))]


_FINDING_FIELDS = frozenset(
    "fingerprint code entry layer category severity match context suggestions explanation location where "
    "start end line col".split()
)

