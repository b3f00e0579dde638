"""One document as an executor leaves it, in a shape that is both a Python dict (sent to
the driver) and a Parquet row (``result_schema``).

``status``: ``skipped`` (the ledger already has these exact bytes checked with these rules:
nothing was done), ``error`` (the article could not be read), ``ok`` (extracted and
checked; ``findings`` is None when the check itself failed, with ``check_error``).
The Parquet form is also what analysts read on the platform: one row per document with
its findings nested (``SELECT key, f.* FROM docs LATERAL VIEW explode(findings) t AS f``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..worker import Checked, Extracted

__all__ = ["FIELD_COLUMNS", "FINDING_COLUMNS", "Result", "from_record", "result_schema", "to_record"]

#: Extracted.fields that get a column of their own; other keys go to ``fields_extra`` (JSON).
FIELD_COLUMNS: Final = ("title", "date", "url", "path", "unit", "column_name", "media_type")
#: Columns of a finding row (fingerprint.finding_row) and whether they are integers.
FINDING_COLUMNS: Final = (
    ("fingerprint", False), ("code", False), ("entry", False), ("layer", False), ("category", False),
    ("severity", False), ("match", False), ("context", False), ("suggestions", False), ("explanation", False),
    ("location", False), ("where", False), ("start", True), ("end", True), ("line", True), ("col", True),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Result:
    key: str
    raw_hash: str
    parts: tuple[str, ...]
    extracted: Extracted | None  # None: skipped
    checked: Checked | None  # None: skipped, or the article could not be read


def _finding(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: (None if row.get(name) is None else int(row[name])) if is_int else row.get(name)
            for name, is_int in FINDING_COLUMNS}  # fmt: skip


def to_record(site: str, key: str, raw_hash: str, parts: tuple[str, ...], extracted: Extracted | None = None,
              checked: Checked | None = None) -> dict[str, Any]:  # fmt: skip
    fields = extracted.fields if extracted is not None else {}
    extra = {k: v for k, v in fields.items() if k not in FIELD_COLUMNS}
    date = fields.get("date")
    status = "skipped" if extracted is None else ("error" if extracted.error is not None else "ok")
    rec: dict[str, Any] = {
        "site": site,
        "key": key,
        "raw_hash": raw_hash,
        "parts": list(parts),
        "status": status,
        "error": extracted.error if extracted is not None else None,
        **{name: fields.get(name) for name in FIELD_COLUMNS},
        "date": date if isinstance(date, dt.date) else None,
        "fields_extra": json.dumps(extra, ensure_ascii=False, default=str) if extra else None,
        "content_hash": extracted.content_hash if extracted is not None else None,
        "blob": extracted.blob if extracted is not None else None,
        "signature": extracted.signature if extracted is not None else None,
        "check_error": checked.error if checked is not None else None,
        "check_fatal": bool(checked.fatal) if checked is not None else False,
        "findings": [_finding(f) for f in checked.findings] if checked is not None and checked.findings is not None else None,
    }
    return rec


def from_record(rec: Mapping[str, Any]) -> Result:
    key, raw_hash = str(rec["key"]), str(rec["raw_hash"])
    parts = tuple(rec.get("parts") or ())
    if rec["status"] == "skipped":
        return Result(key, raw_hash, parts, None, None)
    fields: dict[str, Any] = {name: rec.get(name) for name in FIELD_COLUMNS}
    if rec.get("fields_extra"):
        fields.update(json.loads(rec["fields_extra"]))
    blob = rec.get("blob")
    signature = rec.get("signature")
    extracted = Extracted(
        key=key,
        raw_hash=raw_hash,
        fields=fields,
        parts=parts,
        content_hash=rec.get("content_hash"),
        blob=bytes(blob) if blob is not None else None,
        signature=bytes(signature) if signature is not None else None,
        error=rec.get("error"),
    )
    if rec["status"] == "error":
        return Result(key, raw_hash, parts, extracted, None)
    findings = rec.get("findings")
    checked = Checked(
        token=0,
        findings=[_finding(f if isinstance(f, Mapping) else f.asDict()) for f in findings] if findings is not None else None,
        error=rec.get("check_error"),
        fatal=bool(rec.get("check_fatal")),
    )
    return Result(key, raw_hash, parts, extracted, checked)


def result_schema() -> Any:
    """The Spark schema of a record (pyspark is imported only here)."""
    from pyspark.sql.types import (
        ArrayType,
        BinaryType,
        BooleanType,
        DateType,
        LongType,
        StringType,
        StructField,
        StructType,
    )  # fmt: skip

    finding = StructType([StructField(name, LongType() if is_int else StringType()) for name, is_int in FINDING_COLUMNS])
    text = StringType()
    return StructType(
        [
            StructField("site", text, False),
            StructField("key", text, False),
            StructField("raw_hash", text, False),
            StructField("parts", ArrayType(text, False)),
            StructField("status", text, False),
            StructField("error", text),
            *[StructField(name, DateType() if name == "date" else text) for name in FIELD_COLUMNS],
            StructField("fields_extra", text),
            StructField("content_hash", text),
            StructField("blob", BinaryType()),
            StructField("signature", BinaryType()),
            StructField("check_error", text),
            StructField("check_fatal", BooleanType(), False),
            StructField("findings", ArrayType(finding, False)),
        ]
    )
