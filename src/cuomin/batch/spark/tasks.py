"""What runs on the executors: source items in, result records out.

Per partition the Python worker makes sure its checker is built (once per worker, from the
shipped bundle), then for each item: skipped when the ledger already has exactly these
bytes checked with these rules (the skip set, broadcast by the driver), otherwise the same
two stages as the process pool, ``extract_one`` and ``check_one`` from ``batch.worker``.
What to record, copy or resolve is still decided on the driver, by the scanner.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..items import SourceItem
from ..worker import Checked, CheckJob, check_one, extract_one
from .bundle import Bundle, ensure_worker
from .records import to_record

__all__ = ["SkipSet", "TaskSpec", "process_items"]

log = logging.getLogger(__name__)


def _digest(key: str, raw_hash: str) -> int:
    h = hashlib.blake2b(f"{key}\0{raw_hash}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(h, "little")


class SkipSet:
    """A compact set of (key, raw hash) pairs: 8 bytes a document, so a million documents
    broadcast as 8 MB. A false match needs a 64-bit hash collision; the driver still
    compares the real raw hash with the ledger, so one would show as a failed document,
    never as a wrong result."""

    __slots__ = ("_values",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        values = np.fromiter((_digest(k, h) for k, h in pairs), dtype=np.uint64)
        self._values: npt.NDArray[np.uint64] = np.unique(values)

    def __len__(self) -> int:
        return int(self._values.size)

    def __contains__(self, pair: object) -> bool:
        if not isinstance(pair, tuple) or len(pair) != 2:
            return False
        value = np.uint64(_digest(str(pair[0]), str(pair[1])))
        i = int(np.searchsorted(self._values, value))
        return i < self._values.size and self._values[i] == value

    def __getstate__(self) -> bytes:
        return self._values.tobytes()

    def __setstate__(self, state: bytes) -> None:
        self._values = np.frombuffer(state, dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """Everything a partition needs besides its items (pickled once per task)."""

    site: str
    bundle: Bundle


def process_item(site: str, item: SourceItem, skip: SkipSet | None) -> dict[str, Any]:
    raw = item.raw_hash
    if skip is not None and (item.key, raw) in skip:
        return to_record(site, item.key, raw, item.parts)
    extracted = extract_one(item)
    if extracted.error is not None or extracted.blob is None:
        return to_record(site, item.key, raw, item.parts, extracted)
    if extracted.findings is not None:  # checked right after extraction
        return to_record(site, item.key, raw, item.parts, extracted, Checked(0, extracted.findings))
    # That check failed: the check job reports why.
    meta = {k: extracted.fields.get(k) for k in ("title", "url", "path", "unit", "column_name")}
    checked = check_one(CheckJob(token=0, blob=extracted.blob, date=extracted.fields.get("date"), meta=meta))
    return to_record(site, item.key, raw, item.parts, extracted, checked)


def process_items(
    spec: TaskSpec, skip: Callable[[], SkipSet | None], items: Iterable[SourceItem]
) -> Iterator[dict[str, Any]]:
    """The partition function. ``skip`` reads the broadcast (on the executor, lazily)."""
    ensure_worker(spec.bundle)
    skip_set = skip()
    for item in items:
        yield process_item(spec.site, item, skip_set)
