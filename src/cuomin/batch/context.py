"""What a scan checks with: the dictionary version, its snapshot, the rule profile, and
the deltas from older dictionary versions the ledger has seen."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..dictionary.compiled import load_dictionary
from ..dictionary.layers import resolve_stack
from ..dictionary.memo import CompileMemo
from ..dictionary.merge import merge_layers
from ..normalize import default_normalizer
from ..rules.registry import discover_rules
from .delta import DictDelta, diff, snapshot
from .ledger import Ledger
from .metadata import MetaRules

__all__ = ["ScanSettings", "CheckContext", "ASSEMBLY_VERSION"]

#: Bump when assembling documents (attachments, metadata, content hash) changes.
ASSEMBLY_VERSION = "1"


@dataclass(frozen=True, slots=True)
class ScanSettings:
    dictionaries: tuple[str, ...] | None = None
    cache_dir: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    jobs: int = 1
    rules: MetaRules = field(default_factory=MetaRules)
    batch_size: int = 16  # documents per task sent to a worker
    commit_size: int = 200  # documents per ledger transaction (at most)
    commit_seconds: float = 2.0
    mark_missing: bool = True
    reread: bool = False  # read every file again, even those whose stamp is unchanged


def checker_profile(settings: ScanSettings) -> str:
    """Everything besides the dictionary that shapes findings: a change means a full recheck."""
    from .. import __version__

    rules = ",".join(f"{code}={cls.__module__}:{cls.__qualname__}" for code, cls in discover_rules().items())
    text = "|".join(
        (__version__, ASSEMBLY_VERSION, default_normalizer().version, rules,
         ",".join(settings.select), ",".join(settings.ignore))  # fmt: skip
    )
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class CheckContext:
    """Loads (and caches on disk, for the workers) the dictionary; records its snapshot."""

    def __init__(self, ledger: Ledger, settings: ScanSettings) -> None:
        paths = [Path(p) for p in settings.dictionaries] if settings.dictionaries else None
        norm = default_normalizer()
        memo = CompileMemo()  # a compile and the snapshot below parse each table once
        compiled = load_dictionary(paths, cache_dir=settings.cache_dir, normalizer=norm, memo=memo)
        self.ledger = ledger
        self.fingerprint = compiled.fingerprint
        self.version = compiled.version
        self.entries = len(compiled)
        # The fingerprint covers everything the snapshot is made of: a version the ledger
        # has seen keeps its snapshot, and the layers need not be merged again.
        known = ledger.snapshot(self.fingerprint)
        if known is None:
            self.snapshot = snapshot(merge_layers(resolve_stack(paths), memo.read_records), norm)
            ledger.save_snapshot(self.fingerprint, self.version, self.snapshot)
        else:
            self.snapshot = known
        self.profile = checker_profile(settings)
        self._deltas: dict[str, DictDelta] = {}

    def delta_from(self, old_fingerprint: str | None) -> DictDelta:
        """What to recheck for a document checked with ``old_fingerprint``."""
        if old_fingerprint is None:
            return DictDelta(full=True)
        if old_fingerprint == self.fingerprint:
            return DictDelta(full=False)
        delta = self._deltas.get(old_fingerprint)
        if delta is None:
            delta = diff(self.ledger.snapshot(old_fingerprint), self.snapshot)
            self._deltas[old_fingerprint] = delta
        return delta
