"""Batch scans of a site's history: sources, a process pool, a resumable ledger, review
and 通报-style reports. See docs/batch.md."""

from .context import ScanSettings
from .ledger import DEFAULT_LEDGER, Ledger
from .metadata import MetaRules, UnitRule
from .progress import Progress
from .runner import Scanner, ScanSummary
from .sources import Source, TreeSource

__all__ = [
    "DEFAULT_LEDGER",
    "Ledger",
    "MetaRules",
    "Progress",
    "ScanSettings",
    "ScanSummary",
    "Scanner",
    "Source",
    "TreeSource",
    "UnitRule",
]
