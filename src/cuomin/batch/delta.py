"""What a dictionary change can affect, so that a rescan checks only that.

The ledger keeps a snapshot of every dictionary version it has scanned with: per entry, a
hash of everything about the entry that shapes a finding, and its normalised term. Between
the version a document was checked with and the current one:

* added, changed and removed entries are the *seeds*;
* the dictionary rule drops a hit that lies inside a longer hit, so an entry whose term
  contains a seed's term, or lies inside one, can gain or lose findings too; so can an
  entry containing one of those inner terms. All of these are rechecked (the *closure*);
* everything else keeps its findings untouched.

A rescan then runs a small automaton of just the closure over the stored text, replaces the
closure's findings and retires the findings of removed entries. A change to what applies to
every entry (layer-wide allow phrases, the normaliser or compiler version) means a recheck
with the whole dictionary, still from the stored text.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

from ..dictionary.compiled import COMPILER_VERSION, CompiledDictionary, compile_stack
from ..dictionary.layers import resolve_stack
from ..dictionary.merge import MergedStack, merge_layers
from ..dictionary.records import Entry
from ..normalize import Normalizer, default_normalizer
from .signature import bigram_keys

__all__ = ["DictDelta", "snapshot", "diff", "subset_dictionary", "FULL_RECHECK_SHARE"]

#: Past this share of changed entries a full recheck is as cheap as a delta.
FULL_RECHECK_SHARE: Final = 0.3
_SKIP_FIELDS: Final = {"source", "changes"}


def _entry_hash(entry: Entry) -> str:
    values = [repr(getattr(entry, f.name)) for f in fields(entry) if f.name not in _SKIP_FIELDS]
    return hashlib.blake2b("\x1f".join(values).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def snapshot(merged: MergedStack, normalizer: Normalizer | None = None) -> bytes:
    """The compressed snapshot the ledger stores for a dictionary version."""
    norm = normalizer or default_normalizer()
    common = hashlib.blake2b(digest_size=16)
    common.update(f"{COMPILER_VERSION}|{norm.version}".encode())
    for phrase, layer in merged.allow:
        common.update(f"\0{layer}\0{phrase}".encode("utf-8", "surrogatepass"))
    data = {
        "common": common.hexdigest(),
        "entries": {e.id: [_entry_hash(e), norm.normalize_term(e.term)] for e in merged.entries},
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)


def _load(blob: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(zlib.decompress(blob).decode("utf-8"))
    return data


@dataclass(frozen=True, slots=True)
class DictDelta:
    """``full``: recheck with the whole dictionary. Otherwise ``recheck`` are the entries
    to run again and ``retire`` the entries whose old findings are replaced (recheck plus
    removed entries)."""

    full: bool
    recheck: frozenset[str] = frozenset()
    retire: frozenset[str] = frozenset()
    #: The rechecked terms' bigram keys, for skipping documents by their signature.
    probes: tuple[tuple[int, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.full and not self.retire

    @property
    def key(self) -> str:
        """A short stable name for this delta (workers cache the compiled subset by it)."""
        if self.full:
            return "full"
        return hashlib.blake2b("\x1f".join(sorted(self.recheck)).encode("utf-8"), digest_size=10).hexdigest()


def diff(old_blob: bytes | None, new_blob: bytes) -> DictDelta:
    """What to recheck when moving from the old snapshot to the new one."""
    if old_blob is None:
        return DictDelta(full=True)
    old, new = _load(old_blob), _load(new_blob)
    if old["common"] != new["common"]:
        return DictDelta(full=True)
    old_e: dict[str, list[str]] = old["entries"]
    new_e: dict[str, list[str]] = new["entries"]
    removed = set(old_e) - set(new_e)
    seeds = {i for i, (h, _t) in new_e.items() if i not in old_e or old_e[i][0] != h}
    if not seeds and not removed:
        return DictDelta(full=False)
    if len(seeds) + len(removed) > FULL_RECHECK_SHARE * max(1, len(new_e)):
        return DictDelta(full=True)
    seed_terms = {new_e[i][1] for i in seeds} | {old_e[i][1] for i in (removed | seeds) if i in old_e}
    inner = {i for i, (_h, t) in new_e.items() if any(t in s for s in seed_terms)}
    probe = seed_terms | {new_e[i][1] for i in inner}
    outer = {i for i, (_h, t) in new_e.items() if any(p in t for p in probe)}
    recheck = frozenset(seeds | inner | outer)
    probes = tuple(sorted({bigram_keys(new_e[i][1]) for i in recheck}))
    return DictDelta(full=False, recheck=recheck, retire=frozenset(recheck | removed), probes=probes)


def subset_dictionary(
    paths: Sequence[str | Path] | None,
    entry_ids: Iterable[str],
    normalizer: Normalizer | None = None,
) -> CompiledDictionary:
    """A compiled dictionary of just these entries of the stack (same layers and allow
    phrases), for a delta recheck."""
    norm = normalizer or default_normalizer()
    merged = merge_layers(resolve_stack([Path(p) for p in paths] if paths else None))
    wanted = set(entry_ids)
    entries = tuple(e for e in merged.entries if e.id in wanted)
    sub = MergedStack(layers=merged.layers, entries=entries, allow=merged.allow, retractions=())
    name = hashlib.blake2b("\x1f".join(sorted(wanted)).encode("utf-8"), digest_size=16).hexdigest()
    return compile_stack(sub, norm, fingerprint=f"subset-{name}")
