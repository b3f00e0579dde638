"""Batch scans of a site's history: sources, a process pool, a resumable ledger, review
and 通报-style reports. See docs/batch.md.

The names below are imported when first used: the pool's workers import modules of this
package (cuomin.batch.worker) and must not pay for the ledger's database stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "DEFAULT_LEDGER": ".ledger",
    "Ledger": ".ledger",
    "MetaRules": ".metadata",
    "Progress": ".progress",
    "ScanSettings": ".context",
    "ScanSummary": ".runner",
    "Scanner": ".runner",
    "Source": ".sources",
    "TreeSource": ".sources",
    "UnitRule": ".metadata",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
