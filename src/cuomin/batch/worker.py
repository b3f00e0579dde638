"""Work done in the pool's processes: extract documents, check them.

Each process builds its checker once (the compiled dictionary comes from the on-disk
cache, so this is fast) and keeps it for every task; subset dictionaries for delta rescans
are compiled once per process and kept too. Tasks carry batches of documents to keep the
cost of passing messages small. Nothing here touches the ledger.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checker import Checker
from ..errors import ConfigError, CuominError, DictionaryError, RuleError
from ..model import Document, DocumentMeta, Finding
from ..rules.dictionary import DictionaryRule
from .assemble import (
    assemble,
    content_digest,
    context_digest,
    decode_document,
    encode_document,
)
from .delta import subset_dictionary
from .fingerprint import finding_row, fingerprints
from .items import SourceItem
from .metadata import MetaRules
from .signature import may_contain_many

__all__ = ["WorkerConfig", "Extracted", "CheckJob", "Checked", "ProbeJob", "init_worker", "extract_many", "check_many",
           "probe_many"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    dictionaries: tuple[str, ...] | None
    cache_dir: str | None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: MetaRules = field(default_factory=MetaRules)


@dataclass(frozen=True, slots=True)
class Extracted:
    """First stage result. ``error`` set: the article could not be read."""

    key: str
    raw_hash: str
    fields: dict[str, Any]  # documents columns: title, date, url, path, unit, column_name, media_type
    parts: tuple[str, ...]
    content_hash: str | None = None
    blob: bytes | None = None
    signature: bytes | None = None  # bigram signature (see signature.py)
    error: str | None = None
    #: The findings of every rule (rows for the ledger), found right after extraction
    #: while the document is at hand; None when that check failed (the main process then
    #: asks for a check job, which reports the failure properly).
    findings: list[dict[str, Any]] | None = None

    @property
    def check_key(self) -> str | None:
        if self.content_hash is None:
            return None
        date = self.fields.get("date")
        return f"{self.content_hash}:{date.isoformat() if isinstance(date, dt.date) else '-'}"


@dataclass(frozen=True, slots=True)
class CheckJob:
    token: int
    blob: bytes
    date: dt.date | None
    meta: dict[str, Any]
    #: ``("all",)`` every rule; ``("dictionary",)`` the dictionary rule with the whole
    #: dictionary; ``("subset", key, entry ids)`` the dictionary rule with these entries.
    mode: tuple[Any, ...] = ("all",)


@dataclass(frozen=True, slots=True)
class Checked:
    token: int
    findings: list[dict[str, Any]] | None
    error: str | None = None
    fatal: bool = False  # a broken rule: every document would fail, so the scan stops


_config: WorkerConfig | None = None
_checkers: dict[str, Checker] = {}


def init_worker(config: WorkerConfig, in_subprocess: bool = False) -> None:
    """Pool initializer: remember the configuration. Checkers are built when a job first
    needs them (a rescan after a dictionary change needs only the changed entries'), and
    then kept for every later job.

    A pool process ignores Ctrl-C: the main process handles it and shuts the pool down."""
    global _config
    if in_subprocess:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _config = config
    _checkers.clear()


def _checker(mode: tuple[Any, ...]) -> Checker:
    assert _config is not None, "init_worker was not called"
    name = mode[0] if mode[0] != "subset" else f"subset:{mode[1]}"
    checker = _checkers.get(name)
    if checker is not None:
        return checker
    cfg = _config
    paths = list(cfg.dictionaries) if cfg.dictionaries else None
    if mode[0] == "all":
        checker = Checker(dictionaries=paths, select=cfg.select, ignore=cfg.ignore, cache_dir=cfg.cache_dir)
    else:
        opts: dict[str, object] = {"cache_dir": cfg.cache_dir} if cfg.cache_dir else {}
        if mode[0] == "dictionary":
            base = _checker(("all",)).dictionary
        else:
            base = subset_dictionary([Path(p) for p in paths] if paths else None, mode[2])
        checker = Checker(base, select=cfg.select, ignore=cfg.ignore, rules=[DictionaryRule(opts)])
    _checkers[name] = checker
    return checker


def _fields(meta: DocumentMeta) -> dict[str, Any]:
    return {
        "title": meta.title,
        "date": meta.date,
        "url": meta.url,
        "path": meta.path,
        "unit": meta.unit,
        "column_name": meta.column,
        "media_type": meta.media_type,
    }


def extract_one(item: SourceItem) -> Extracted:
    assert _config is not None, "init_worker was not called"
    raw = item.raw_hash
    try:
        doc = assemble(item, _config.rules)
    except CuominError as exc:
        return _failed(item, raw, str(exc))
    except Exception as exc:  # one broken page must not stop a scan of a whole site
        log.warning("%s: extraction failed: %r", item.key, exc)
        return _failed(item, raw, f"无法解析（{type(exc).__name__}: {exc}）")
    fields = _fields(doc.meta)
    (digest, signature), findings = _check_now(doc, fields)
    return Extracted(
        key=item.key,
        raw_hash=raw,
        fields=fields,
        parts=item.parts,
        content_hash=digest,
        blob=encode_document(doc),
        signature=signature,
        findings=findings,
    )


def _job_meta(fields: dict[str, Any], date: dt.date | None) -> DocumentMeta:
    """The metadata a check sees: what the ledger keeps of the document."""
    return DocumentMeta(
        title=fields.get("title"), date=date, url=fields.get("url"), path=fields.get("path"),
        unit=fields.get("unit"), column=fields.get("column_name"),
    )  # fmt: skip


def _rows(found: list[Finding]) -> list[dict[str, Any]]:
    return [finding_row(f, fp) for f, fp in zip(found, fingerprints(found))]


def _check_now(doc: Document, fields: dict[str, Any]) -> tuple[tuple[str, bytes], list[dict[str, Any]] | None]:
    """The content's hash and signature, and the findings of every rule on the document
    just extracted: most documents need exactly this check, and doing it here saves
    decoding the stored text again in a second job. (Copies and documents whose content did
    not change throw the findings away.) The hash is taken from the text the checker
    normalised. Findings None: the check failed; the check job will run again and report it."""
    date = fields.get("date")
    try:
        checker = _checker(("all",))
        ctx = checker.context(dataclasses.replace(doc, meta=_job_meta(fields, date)), date=date)
    except Exception:  # noqa: BLE001 - see above
        return content_digest(doc), None
    digest = context_digest(ctx)
    try:
        return digest, _rows(list(checker.iter_context_findings(ctx)))
    except Exception:  # noqa: BLE001 - see above
        return digest, None


def _failed(item: SourceItem, raw: str, error: str) -> Extracted:
    unit, column = _config.rules.unit_and_column(item.path, item.url) if _config else (None, None)
    fields = {
        "title": item.title, "date": item.date, "url": item.url, "path": item.path,
        "unit": item.unit or unit, "column_name": item.column or column, "media_type": item.media_type,
    }  # fmt: skip
    return Extracted(key=item.key, raw_hash=raw, fields=fields, parts=item.parts, error=error)


def extract_many(items: Sequence[SourceItem]) -> list[Extracted]:
    return [extract_one(item) for item in items]


def check_one(job: CheckJob) -> Checked:
    try:
        doc = decode_document(job.blob, _job_meta(job.meta, job.date))
        found = list(_checker(job.mode).iter_findings(doc, date=job.date))
    except (RuleError, DictionaryError, ConfigError) as exc:
        return Checked(job.token, None, str(exc), fatal=True)
    except CuominError as exc:
        return Checked(job.token, None, str(exc))
    except Exception as exc:
        log.warning("check failed: %r", exc)
        return Checked(job.token, None, f"检查出错（{type(exc).__name__}: {exc}）")
    return Checked(job.token, _rows(found))


def check_many(jobs: Sequence[CheckJob]) -> list[Checked]:
    return [check_one(job) for job in jobs]


@dataclass(slots=True)
class ProbeJob:
    """Stored bigram signatures to test against the terms a dictionary change rechecks."""

    signatures: list[bytes | None]
    probes: tuple[tuple[int, ...], ...]


def probe_many(job: ProbeJob) -> list[bool]:
    """Per signature: could one of the terms occur in that content?"""
    return [bool(may) for may in may_contain_many(job.signatures, job.probes)]
