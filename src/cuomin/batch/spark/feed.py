"""Results computed on the executors, handed to the ordinary scanner on the driver.

The scanner (``batch.runner``) decides everything about the ledger: unchanged documents,
copies, dictionary deltas, resumed runs, findings that are new, kept or resolved. A Spark
scan reuses it unchanged: ``ResultSource`` is the scanner's source, yielding for each
result a stand-in item (its key and raw hash, no bytes), and ``PrecomputedPool`` is its
pool, answering the scanner's extract and check requests with the results the executors
already computed. Requests no executor answered (a delta recheck of stored text after a
dictionary change, an evicted result) run in a local process pool.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, Final, TypeVar

from ..items import SourceItem
from ..pool import WorkerPool
from ..sources.base import LinkedLookup
from ..worker import (
    Checked,
    CheckJob,
    Extracted,
    WorkerConfig,
    check_many,
    extract_many,
)
from .records import Result

__all__ = ["PrecomputedPool", "ResultSource", "ResultStore"]

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Results waiting for the scanner. It asks for a result within a few hundred items of
#: receiving the item (it looks items up in the ledger 256 at a time), so this bound
#: is never reached in practice; it keeps memory flat if the scanner never asks (an
#: unchanged document in a Parquet import).
STORE_LIMIT: Final = 8192


class _StandIn(SourceItem):
    """An item whose bytes stayed on an executor. The scanner reads ``key`` and ``raw_hash`` of an item and hands it back to the pool."""

    __slots__ = ("known_hash",)
    known_hash: str

    def __init__(self, key: str, raw_hash: str) -> None:
        super().__init__(key=key, data=b"", name="")
        object.__setattr__(self, "known_hash", raw_hash)

    @property
    def raw_hash(self) -> str:
        return self.known_hash


class ResultStore:
    def __init__(self, limit: int = STORE_LIMIT) -> None:
        self._limit = limit
        self._extracted: OrderedDict[str, Extracted] = OrderedDict()
        self._checked: OrderedDict[tuple[bytes, dt.date | None], Checked] = OrderedDict()

    def put(self, result: Result) -> None:
        if result.extracted is None:
            return
        e = result.extracted
        self._extracted[result.key] = e
        self._extracted.move_to_end(result.key)
        if len(self._extracted) > self._limit:
            self._extracted.popitem(last=False)
        if result.checked is not None and e.blob is not None:
            key = (e.blob, e.fields.get("date"))
            self._checked[key] = result.checked
            self._checked.move_to_end(key)
            if len(self._checked) > self._limit:
                self._checked.popitem(last=False)

    def take_extracted(self, key: str) -> Extracted | None:
        return self._extracted.pop(key, None)

    def checked(self, job: CheckJob) -> Checked | None:
        """The executor's check of this content, for a full check (copies share it)."""
        if job.mode != ("all",):
            return None
        found = self._checked.get((job.blob, job.date))
        if found is None:
            return None
        return Checked(job.token, found.findings, found.error, found.fatal)

    def __len__(self) -> int:
        return len(self._extracted)


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future


def _merge(hits: list[Any], misses: list[int], pending: Future[list[Any]]) -> Future[list[Any]]:
    """A future of ``hits`` with the positions ``misses`` filled from ``pending``."""
    merged: Future[list[Any]] = Future()

    def fill(done: Future[list[Any]]) -> None:
        try:
            results = done.result()
        except BaseException as exc:  # noqa: BLE001 - handed to the scanner through the future
            merged.set_exception(exc)
            return
        out = list(hits)
        for i, value in zip(misses, results):
            out[i] = value
        merged.set_result(out)

    pending.add_done_callback(fill)
    return merged


class PrecomputedPool(WorkerPool):
    """The scanner's pool: executors' results first, a local pool for the rest."""

    def __init__(self, store: ResultStore, config: WorkerConfig, jobs: int) -> None:
        # No super().__init__(): the local pool starts only if something needs it.
        self.jobs = max(1, jobs)
        self._store = store
        self._config = config
        self._local: WorkerPool | None = None
        self.local_tasks = 0

    def _fallback(self) -> WorkerPool:
        if self._local is None:
            log.info("starting a local pool of %d for work the executors did not do", self.jobs)
            self._local = WorkerPool(self._config, self.jobs)
        return self._local

    def submit(self, fn: Callable[[Any], T], arg: Any) -> Future[T]:
        if fn is extract_many:
            return self._extract(arg)  # type: ignore[return-value]
        if fn is check_many:
            return self._check(arg)  # type: ignore[return-value]
        self.local_tasks += 1
        return self._fallback().submit(fn, arg)

    def _extract(self, items: Sequence[SourceItem]) -> Future[list[Extracted]]:
        out: list[Any] = []
        misses: list[int] = []
        for i, item in enumerate(items):
            found = self._store.take_extracted(item.key)
            if found is None and isinstance(item, _StandIn):
                # The executor skipped it (the ledger had these bytes) but the ledger says
                # otherwise now: only a rerun can read the source again.
                found = Extracted(key=item.key, raw_hash=item.raw_hash, fields={}, parts=(item.key,),
                                  error="集群上未读取此文档（台账状态在扫描中途改变），请重新运行扫描")  # fmt: skip
            out.append(found)
            if found is None:
                misses.append(i)
        if not misses:
            return _done(out)
        self.local_tasks += 1
        return _merge(out, misses, self._fallback().submit(extract_many, [items[i] for i in misses]))

    def _check(self, jobs: Sequence[CheckJob]) -> Future[list[Checked]]:
        out: list[Any] = [self._store.checked(job) for job in jobs]
        misses = [i for i, found in enumerate(out) if found is None]
        if not misses:
            return _done(out)
        self.local_tasks += 1
        return _merge(out, misses, self._fallback().submit(check_many, [jobs[i] for i in misses]))

    def close(self, cancel: bool = False) -> None:
        if self._local is not None:
            self._local.close(cancel)
            self._local = None


class ResultSource:
    """The scanner's source: results streamed from the executors (or a Parquet export)."""

    def __init__(
        self, site: str, description: str, exhaustive: bool, store: ResultStore,
        results: Callable[[], Iterator[Result]], orphans: Callable[[LinkedLookup], Iterator[Result]] | None = None,
        count: int | None = None, close: Callable[[], None] | None = None,
    ) -> None:  # fmt: skip
        self.site = site
        self.exhaustive = exhaustive
        self._description = description
        self._store = store
        self._results = results
        self._orphans = orphans
        self._count = count
        self._close = close
        self.received = 0
        self.skipped = 0

    def describe(self) -> str:
        return self._description

    def count(self) -> int | None:
        return self._count

    def _stand_ins(self, results: Iterator[Result]) -> Iterator[SourceItem]:
        for result in results:
            self.received += 1
            if result.extracted is None:
                self.skipped += 1
            self._store.put(result)
            yield _StandIn(result.key, result.raw_hash)

    def items(self) -> Iterator[SourceItem]:
        return self._stand_ins(self._results())

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        if self._orphans is None:
            return iter(())
        return self._stand_ins(self._orphans(linked))

    def close(self) -> None:
        if self._close is not None:
            self._close()
