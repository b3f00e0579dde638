"""The scan ledger: what was scanned, with which dictionary, and what was found.

SQLite by default (one file), PostgreSQL through a URL; SQLAlchemy Core; numbered
migrations. See docs/batch.md.
"""

from .migrations import LATEST, current_version, migrate
from .store import DEFAULT_LEDGER, DocState, Ledger, RunInfo, ledger_url
from .writer import DocUpdate, collect_texts, mark_missing, write_batch

__all__ = [
    "DEFAULT_LEDGER",
    "DocState",
    "DocUpdate",
    "LATEST",
    "Ledger",
    "RunInfo",
    "collect_texts",
    "current_version",
    "ledger_url",
    "mark_missing",
    "migrate",
    "write_batch",
]
