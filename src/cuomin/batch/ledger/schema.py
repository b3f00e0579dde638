"""The ledger's tables (SQLAlchemy Core), as of the latest migration.

runs          one row per scan of a site (resumed scans keep their row)
dictionaries  a snapshot of every dictionary version scanned with (for incremental rescans)
texts         the extracted text of each distinct content, compressed (shared by copies)
documents     one row per document of a site: hashes, dictionary version, status, metadata
findings      one row per finding of a document, keyed by a fingerprint; history and review
parts         which files (article, attachments) make up which document
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = ["metadata", "migrations_table", "runs", "dictionaries", "texts", "documents", "findings", "parts"]

metadata = MetaData()

migrations_table = Table(
    "cuomin_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(16), nullable=False),  # running, done, interrupted, failed
    Column("pid", Integer),
    Column("host", String(200)),
    Column("dict_fingerprint", String(64), nullable=False),
    Column("dict_version", Text, nullable=False),
    Column("profile", String(64), nullable=False),
    Column("docs_seen", Integer, nullable=False, default=0),
    Column("docs_checked", Integer, nullable=False, default=0),
    Column("docs_copied", Integer, nullable=False, default=0),
    Column("docs_delta", Integer, nullable=False, default=0),
    Column("docs_unchanged", Integer, nullable=False, default=0),
    Column("docs_failed", Integer, nullable=False, default=0),
    Column("docs_missing", Integer, nullable=False, default=0),
    Column("findings_new", Integer, nullable=False, default=0),
    Column("findings_resolved", Integer, nullable=False, default=0),
    Column("resumes", Integer, nullable=False, default=0),
)

dictionaries = Table(
    "dictionaries",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("version", Text, nullable=False),
    Column("snapshot", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

texts = Table(
    "texts",
    metadata,
    Column("content_hash", String(40), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("bigrams", LargeBinary),  # migration 3: the content's bigram signature
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(200), nullable=False),
    Column("key", Text, nullable=False),
    Column("url", Text),
    Column("path", Text),
    Column("title", Text),
    Column("date", Date),
    Column("unit", Text),
    Column("column_name", Text),
    Column("media_type", String(100)),
    Column("raw_hash", String(40)),
    Column("content_hash", String(40)),
    Column("check_key", String(60)),
    Column("dict_fingerprint", String(64)),
    Column("profile", String(64)),
    Column("status", String(16), nullable=False),  # ok, error, missing
    Column("error", Text),
    Column("first_run", Integer, nullable=False),
    Column("last_run", Integer, nullable=False),
    Column("checked_run", Integer),
    Column("copy_of", Integer),
    # migration 4: sizes and modification times of the files the document was read from
    Column("stamp", String(40)),
    UniqueConstraint("site", "key", name="uq_documents_site_key"),
)
Index("ix_documents_check", documents.c.check_key, documents.c.dict_fingerprint)
Index("ix_documents_site_unit", documents.c.site, documents.c.unit)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("code", String(8), nullable=False),
    Column("entry", Text, nullable=False),
    Column("layer", Text, nullable=False),
    Column("category", String(16), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("match", Text, nullable=False),
    Column("context", Text, nullable=False),
    Column("suggestions", Text, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("location", Text),
    Column("where", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("line", Integer, nullable=False),
    Column("col", Integer, nullable=False),
    Column("first_run", Integer, nullable=False),
    Column("resolved_run", Integer),
    Column("resolved_reason", String(16)),  # fixed, removed (page gone), retired (rule/entry gone)
    Column("review", String(16)),  # confirmed, false_positive, fixed
    Column("review_note", Text),
    Column("reviewer", Text),
    Column("reviewed_at", DateTime),
    Column("review_run", Integer),
    UniqueConstraint("document_id", "fingerprint", name="uq_findings_doc_fp"),
)
Index("ix_findings_open", findings.c.document_id, findings.c.resolved_run)

# Added by migration 2.
parts = Table(
    "parts",
    metadata,
    Column("site", String(200), primary_key=True),
    Column("path", Text, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
)
Index("ix_findings_fingerprint", findings.c.fingerprint)
