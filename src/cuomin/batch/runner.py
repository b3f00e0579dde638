"""The scan: sources feed documents, the pool extracts and checks them, the ledger records.

Per document the main process decides, from what the ledger knows:

* raw bytes, rule profile and dictionary unchanged: nothing to do (``unchanged``);
* only the dictionary changed: recheck the stored text with the entries the change can
  affect (``delta``), or just record the new version when it cannot affect anything;
* otherwise extract it (first stage, in a worker), and check its content (second stage),
  unless identical content with the same date was already checked with this dictionary: a
  copy (转载) gets those findings without being checked again (``copied``).

Results are written in batches, each batch one transaction, so a killed scan resumes where
it stopped (the unfinished run is reused and what it already did is skipped).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from ..errors import CuominError
from .context import CheckContext, ScanSettings
from .delta import DictDelta
from .items import SourceItem, Stamped
from .ledger import (
    DocState,
    DocUpdate,
    Ledger,
    RunInfo,
    collect_texts,
    mark_missing,
    write_batch,
)
from .pool import WorkerPool, start_fork_server
from .progress import Progress
from .sources.base import Source
from .worker import Checked, CheckJob, Extracted, ProbeJob, WorkerConfig, check_many, extract_many, probe_many

__all__ = ["Scanner", "ScanSummary"]

log = logging.getLogger(__name__)
_LOOKUP_BATCH: Final = 256
_LRU_SIZE: Final = 4096
#: Bytes of documents (pages and attachments) that extract tasks may hold at once.
_MAX_BYTES_IN_FLIGHT: Final = 256 * 1024 * 1024

_T = TypeVar("_T")
# (findings or None, error or None, copied?) -> the document's update
_Done = Callable[[list[dict[str, Any]] | None, str | None, bool], DocUpdate]


@dataclass(slots=True)
class ScanSummary:
    run_id: int
    site: str
    resumed: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return self.counts.get("docs_seen", 0)


class _Pipeline:
    """The in-flight state of one run."""

    def __init__(
        self, ledger: Ledger, ctx: CheckContext, settings: ScanSettings, run: RunInfo, pool: WorkerPool,
        progress: Progress,
    ) -> None:  # fmt: skip
        self.ledger, self.ctx, self.settings, self.run, self.pool, self.progress = (
            ledger, ctx, settings, run, pool, progress)  # fmt: skip
        self.counts: dict[str, int] = {}
        self._extract_buf: list[tuple[SourceItem, DocState | None]] = []
        self._check_buf: list[CheckJob] = []
        self._delta_buf: list[tuple[DocState, DictDelta | None]] = []
        self._futures: dict[Future[Any], tuple[str, Any]] = {}
        # Futures put here by the thread that finishes them: a look at this queue is how the
        # feeding loop learns of finished work (cheaper than wait() once per document).
        self._finished: deque[Future[Any]] = deque()
        self._next_token = 0
        self._token_key: dict[int, tuple[Any, ...]] = {}
        self._waiters: dict[tuple[Any, ...], list[_Done]] = {}
        self._lru: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
        self._ready: list[DocUpdate] = []
        self._keys: set[str] = set()
        self._no_copy: set[str] = set()  # check keys known to have no current copy
        self._last_commit = time.monotonic()
        self._future_bytes: dict[Future[Any], int] = {}  # extract tasks not yet handled: their documents' bytes

    @property
    def _bytes_in_flight(self) -> int:
        return sum(self._future_bytes.values())

    # -- entry points -----------------------------------------------------------------------
    def feed(self, item: SourceItem | Stamped, state: DocState | None) -> None:
        if item.key in self._keys:
            log.debug("%s: listed twice in one run; keeping the first", item.key)
            self.progress.advance()
            return
        if isinstance(item, Stamped):
            if not self.settings.reread and state is not None and state.stamp == item.stamp and self._handled_from_ledger(state):
                return
            loaded = item.load()
            if loaded is None:  # could not be read (the source logged why)
                return
            item = loaded
        if state is not None and state.raw_hash == item.raw_hash and self._handled_from_ledger(state, item.stamp):
            return
        self._keys.add(item.key)
        self._extract_buf.append((item, state))
        if len(self._extract_buf) >= self.settings.batch_size:
            self._submit_extract()
        self._pump()

    def _handled_from_ledger(self, state: DocState, stamp: str | None = None) -> bool:
        """The document's bytes are those the ledger has: handle it without reading it
        (nothing to do, or a recheck of its stored text after a dictionary change); False
        if it needs extracting all the same (it failed, or the rules changed)."""
        ctx, run = self.ctx, self.run
        if state.status != "ok" or state.profile != ctx.profile:
            return False
        self._keys.add(state.key)
        if state.dict_fingerprint != ctx.fingerprint:
            self.feed_delta(state)
            return True
        if state.last_run == run.id:  # done before an interruption of this run
            self.progress.advance()
            return True
        fields = {"stamp": stamp} if stamp is not None and stamp != state.stamp else {}
        self._ready.append(DocUpdate(run.site, state.key, "unchanged", state, fields=fields))
        self._maybe_commit()
        return True

    def feed_delta(self, state: DocState, rules_changed: bool = False) -> None:
        """A document whose stored text is rechecked (dictionary or rules changed, bytes did
        not)."""
        delta: DictDelta | None = None if rules_changed else self.ctx.delta_from(state.dict_fingerprint)
        if delta is not None and delta.empty:
            update = DocUpdate(self.run.site, state.key, "refingerprint", state,
                               fields={"dict_fingerprint": self.ctx.fingerprint, "checked_run": self.run.id})  # fmt: skip
            self._ready.append(update)
            self._maybe_commit()
            return
        self._delta_buf.append((state, delta))
        if len(self._delta_buf) >= self.settings.batch_size * 4:
            self._submit_deltas()
        self._pump()

    def drain(self) -> None:
        """Wait for everything in flight and write it."""
        while True:
            self._submit_partial()
            if not self._futures:
                break
            self._wait(block=True)
            self._maybe_commit()  # batch by batch, as while feeding: a crash loses little
        self.commit()

    # -- stages -----------------------------------------------------------------------------
    def _submit_extract(self) -> None:
        batch, self._extract_buf = self._extract_buf, []
        if batch:
            items = [item for item, _state in batch]
            future = self._submit(extract_many, items, "extract", batch)
            self._future_bytes[future] = sum(_item_bytes(item) for item in items)

    def _submit_checks(self) -> None:
        batch, self._check_buf = self._check_buf, []
        if batch:
            self._submit(check_many, batch, "check", [job.token for job in batch])

    def _submit_deltas(self) -> None:
        batch, self._delta_buf = self._delta_buf, []
        if not batch:
            return
        # Documents that cannot contain any rechecked term keep their findings untouched
        # (those of removed entries retire): decided from signatures, text never read. The
        # signatures are tested in the pool (decompressing them is most of a rescan's work).
        recheck: list[tuple[DocState, DictDelta | None]] = []
        probe: dict[int, list[tuple[DocState, DictDelta]]] = {}  # documents of the same delta
        for state, delta in batch:
            if delta is None or delta.full or not state.content_hash:
                recheck.append((state, delta))
            elif not delta.recheck:
                self._unaffected(state, delta)
            else:
                probe.setdefault(id(delta), []).append((state, delta))
        if probe:
            sigs = self.ledger.signatures(state.content_hash or "" for group in probe.values() for state, _d in group)
            for group in probe.values():
                job = ProbeJob([sigs.get(state.content_hash or "") for state, _d in group], group[0][1].probes)
                self._submit(probe_many, job, "probe", group)
        self._recheck(recheck)

    def _unaffected(self, state: DocState, delta: DictDelta) -> None:
        """The dictionary change cannot touch this document: new version, same findings."""
        fields = {"dict_fingerprint": self.ctx.fingerprint, "checked_run": self.run.id}
        self._ready.append(DocUpdate(self.run.site, state.key, "delta", state, fields=fields, findings=[],
                                     retire=delta.retire))  # fmt: skip

    def _probed(self, group: list[tuple[DocState, DictDelta]], may_contain: list[bool]) -> None:
        recheck: list[tuple[DocState, DictDelta | None]] = []
        for (state, delta), may in zip(group, may_contain):
            if may:
                recheck.append((state, delta))
            else:
                self._unaffected(state, delta)
        self._recheck(recheck)

    def _recheck(self, batch: list[tuple[DocState, DictDelta | None]]) -> None:
        """Recheck the stored text of these documents (with the changed entries, or all)."""
        if not batch:
            self._maybe_commit()
            return
        blobs = self.ledger.texts(s.content_hash for s, _d in batch if s.content_hash)
        self._prefetch_copies([s.check_key for s, _d in batch if s.check_key])
        for state, delta in batch:
            blob = blobs.get(state.content_hash or "")
            if blob is None or state.check_key is None:
                # No stored text: read the source again if we have it, else record the error.
                self._ready.append(DocUpdate(self.run.site, state.key, "failed", state,
                                             fields={"status": "error", "error": "台账中没有保存此文档的文本，请重新扫描来源"}))  # fmt: skip
                continue
            self._request_delta(state, delta, blob)

    def _submit_partial(self) -> None:
        self._submit_extract()
        self._submit_deltas()
        self._submit_checks()

    def _pump(self) -> None:
        """Handle finished work without blocking; block while too much is in flight."""
        limit = max(2, self.pool.jobs * 8)
        self._wait(block=False)
        # Enough tasks in flight to keep every worker busy while a batch is written, but
        # never more than _MAX_BYTES_IN_FLIGHT of documents (a site of large attachments).
        while len(self._futures) >= limit or (len(self._futures) > 1 and self._bytes_in_flight > _MAX_BYTES_IN_FLIGHT):
            self._wait(block=True)
        self._maybe_commit()

    def _submit(self, fn: Callable[[Any], Any], arg: Any, kind: str, payload: Any) -> Future[Any]:
        future = self.pool.submit(fn, arg)
        self._futures[future] = (kind, payload)
        future.add_done_callback(self._finished.append)
        return future

    def _wait(self, block: bool) -> None:
        """Handle the finished tasks; with ``block``, wait for one if none has finished."""
        if not self._futures:
            return
        done: list[Future[Any]] = []
        while self._finished:
            done.append(self._finished.popleft())
        if block and not done:
            # (wait() may return before the future's callback has queued it: handled once.)
            done.extend(wait(list(self._futures), return_when=FIRST_COMPLETED)[0])
        for future in done:
            entry = self._futures.pop(future, None)
            if entry is None:
                continue  # handled already
            kind, payload = entry
            self._future_bytes.pop(future, None)
            try:
                results = future.result()
            except Exception as exc:
                raise CuominError(f"检查进程意外退出（{type(exc).__name__}: {exc}）；已检查的结果已保存，可重新运行以继续") from exc
            if kind == "probe":
                self._probed(payload, results)
            elif kind == "extract":
                # One query for the batch (which contents have an identical copy checked
                # already), not one per article.
                self._prefetch_copies([e.check_key for e in results if e.error is None and e.check_key])
                for (item, state), extracted in zip(payload, results):
                    self._extracted(item, state, extracted)
            else:
                for checked in results:
                    self._checked(checked)
        if len(self._check_buf) >= self.settings.batch_size:
            self._submit_checks()

    # -- decisions --------------------------------------------------------------------------
    def _extracted(self, item: SourceItem, state: DocState | None, e: Extracted) -> None:
        ctx, run = self.ctx, self.run
        if e.error is not None:
            fields = {**e.fields, "raw_hash": e.raw_hash, "stamp": item.stamp, "status": "error", "error": e.error,
                      "profile": ctx.profile, "checked_run": run.id}  # fmt: skip
            self._ready.append(DocUpdate(run.site, e.key, "failed", state, fields=fields, parts=e.parts))
            return
        check_key = e.check_key
        assert check_key is not None and e.content_hash is not None and e.blob is not None
        fields = {**e.fields, "raw_hash": e.raw_hash, "stamp": item.stamp, "content_hash": e.content_hash,
                  "check_key": check_key, "status": "ok", "error": None, "profile": ctx.profile, "dict_fingerprint": ctx.fingerprint,
                  "checked_run": run.id}  # fmt: skip
        if (state is not None and state.status == "ok" and state.check_key == check_key
                and state.dict_fingerprint == ctx.fingerprint and state.profile == ctx.profile):  # fmt: skip
            # New bytes, same content (a template change): nothing to check.
            self._ready.append(DocUpdate(run.site, e.key, "unchanged", state, fields=fields, parts=e.parts))
            return
        retired: frozenset[str] = frozenset()
        if state is not None and state.dict_fingerprint not in (None, ctx.fingerprint):
            retired = ctx.delta_from(state.dict_fingerprint).retire
        text = (e.content_hash, e.blob, e.signature)

        def done(findings: list[dict[str, Any]] | None, error: str | None, copied: bool) -> DocUpdate:
            if findings is None:
                return DocUpdate(run.site, e.key, "failed", state,
                                 fields={**fields, "status": "error", "error": error}, parts=e.parts)  # fmt: skip
            return DocUpdate(run.site, e.key, "copied" if copied else "checked", state, fields=fields, text=text,
                             findings=findings, retired_entries=retired, parts=e.parts)  # fmt: skip

        job_meta = {k: e.fields.get(k) for k in ("title", "url", "path", "unit", "column_name")}
        self._request(("all", check_key), e.blob, e.fields.get("date"), job_meta, ("all",), done, found=e.findings)

    def _request_delta(self, state: DocState, delta: DictDelta | None, blob: bytes) -> None:
        """Recheck stored text: with the entries ``delta`` names, or (``None``, the rules
        changed) with everything."""
        ctx, run = self.ctx, self.run
        assert state.check_key is not None
        fields = {"dict_fingerprint": ctx.fingerprint, "profile": ctx.profile, "checked_run": run.id,
                  "status": "ok", "error": None}  # fmt: skip
        retired = delta.retire if delta is not None else ctx.delta_from(state.dict_fingerprint).retire
        # An identical copy already checked with this dictionary and these rules: take its findings.
        full = self._cached(("all", state.check_key))
        if full is not None:
            self._ready.append(DocUpdate(run.site, state.key, "copied", state, fields=fields, findings=full,
                                         retired_entries=retired))  # fmt: skip
            return

        def done(findings: list[dict[str, Any]] | None, error: str | None, copied: bool) -> DocUpdate:
            if findings is None:
                return DocUpdate(run.site, state.key, "failed", state, fields={"status": "error", "error": error})
            if delta is None:
                return DocUpdate(run.site, state.key, "copied" if copied else "checked", state, fields=fields,
                                 findings=findings, retired_entries=retired)  # fmt: skip
            return DocUpdate(run.site, state.key, "delta", state, fields=fields, findings=findings,
                             retire=delta.retire, retire_all_dictionary=delta.full)  # fmt: skip

        mode: tuple[Any, ...]
        cache_key: tuple[Any, ...]
        if delta is None:
            mode, cache_key = ("all",), ("all", state.check_key)
        elif delta.full:
            mode, cache_key = ("dictionary",), ("dictionary", state.check_key)
        else:
            mode = ("subset", delta.key, tuple(sorted(delta.recheck)))
            cache_key = ("subset", delta.key, state.check_key)
        job_meta: dict[str, Any] = {}
        self._request(cache_key, blob, state.date, job_meta, mode, done)

    def _prefetch_copies(self, check_keys: list[str]) -> None:
        """One query for a batch: which contents already have current findings (copies)."""
        self._no_copy = set(check_keys)
        for check_key, doc_id in self.ledger.find_copies(check_keys, self.ctx.fingerprint, self.ctx.profile).items():
            self._no_copy.discard(check_key)
            if ("all", check_key) not in self._lru:
                self._remember(("all", check_key), self.ledger.open_findings(doc_id))

    def _cached(self, cache_key: tuple[Any, ...]) -> list[dict[str, Any]] | None:
        found = self._lru.get(cache_key)
        if found is not None:
            self._lru.move_to_end(cache_key)
            return found
        if cache_key[0] == "all" and cache_key[1] not in self._no_copy:
            source = self.ledger.find_copy(cache_key[1], self.ctx.fingerprint, self.ctx.profile)
            if source is not None:
                found = self.ledger.open_findings(source)
                self._remember(cache_key, found)
                return found
        return None

    def _remember(self, cache_key: tuple[Any, ...], findings: list[dict[str, Any]]) -> None:
        self._lru[cache_key] = findings
        if len(self._lru) > _LRU_SIZE:
            self._lru.popitem(last=False)

    def _request(
        self, cache_key: tuple[Any, ...], blob: bytes, date: Any, meta: dict[str, Any],
        mode: tuple[Any, ...], done: _Done, found: list[dict[str, Any]] | None = None,
    ) -> None:  # fmt: skip
        """Findings for ``cache_key``: those of a copy being checked or already checked
        (the document is then a copy), ``found`` when the worker has checked it already, or
        a check job."""
        waiting = self._waiters.get(cache_key)
        if waiting is not None:  # the same content is being checked right now
            waiting.append(done)
            return
        cached = self._cached(cache_key)
        if cached is not None:
            self._ready.append(done(cached, None, True))
            return
        if found is not None:
            self._remember(cache_key, found)
            self._ready.append(done(found, None, False))
            return
        token = self._next_token
        self._next_token += 1
        self._token_key[token] = cache_key
        self._waiters[cache_key] = [done]
        self._check_buf.append(CheckJob(token=token, blob=blob, date=date, meta=meta, mode=mode))

    def _checked(self, result: Checked) -> None:
        if result.fatal:
            raise CuominError(f"检查无法进行：{result.error}")
        cache_key = self._token_key.pop(result.token)
        callbacks = self._waiters.pop(cache_key, [])
        if result.findings is not None:
            self._remember(cache_key, result.findings)
        for i, done in enumerate(callbacks):
            self._ready.append(done(result.findings, result.error, i > 0))

    # -- writing ----------------------------------------------------------------------------
    def _maybe_commit(self) -> None:
        if len(self._ready) >= self.settings.commit_size or (
            self._ready and time.monotonic() - self._last_commit >= self.settings.commit_seconds
        ):
            self.commit()

    def commit(self) -> None:
        batch, self._ready = self._ready, []
        self._last_commit = time.monotonic()
        if not batch:
            return
        added = write_batch(self.ledger, self.run.id, batch)
        for key, value in added.items():
            self.counts[key] = self.counts.get(key, 0) + value
        for u in batch:
            self._keys.discard(u.key)
        self.progress.advance(len(batch))


def _item_bytes(item: SourceItem) -> int:
    return len(item.data) + sum(len(a.data) for a in item.attachments if a.data is not None)


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Scanner:
    """Runs scans into a ledger. One scanner may run several scans one after another."""

    def __init__(
        self, ledger: Ledger, settings: ScanSettings, progress: Progress | None = None,
        pool_factory: Callable[[WorkerConfig, int], WorkerPool] | None = None,
    ) -> None:  # fmt: skip
        self.ledger = ledger
        self.settings = settings
        self.progress = progress or Progress(None, "quiet")
        if pool_factory is None and settings.jobs > 1:
            start_fork_server()  # it imports the workers' modules while the dictionary loads
        self.ctx = CheckContext(ledger, settings)
        #: Builds the pool that extracts and checks (another executor: see batch/spark).
        self.pool_factory = pool_factory or WorkerPool

    def _config(self) -> WorkerConfig:
        s = self.settings
        return WorkerConfig(dictionaries=s.dictionaries, cache_dir=s.cache_dir, select=s.select, ignore=s.ignore,
                            rules=s.rules)  # fmt: skip

    def scan(self, source: Source) -> ScanSummary:
        """Scan every document of ``source`` (resuming an interrupted scan of its site)."""
        ctx = self.ctx
        run = self.ledger.begin_run(source.site, source.describe(), ctx.fingerprint, ctx.version, ctx.profile)
        log.info("run %d for %s (%s)", run.id, source.site, "resumed" if run.resumed else "new")
        started = time.monotonic()
        pool = self.pool_factory(self._config(), self.settings.jobs)  # workers start while we count
        pipe = _Pipeline(self.ledger, ctx, self.settings, run, pool, self.progress)
        with self._running(pool, pipe, run, source.close):
            self.progress.set_total(source.count())
            self._feed(pipe, source.items(), source.site)
            pipe.drain()
            self._feed(pipe, source.orphans(lambda paths: self.ledger.linked_parts(source.site, paths, run.id)), source.site)
            pipe.drain()
            if source.exhaustive and self.settings.mark_missing:
                pipe.counts["docs_missing"] = mark_missing(self.ledger, source.site, run.id)
            collect_texts(self.ledger)
        return ScanSummary(run.id, source.site, run.resumed, time.monotonic() - started, pipe.counts)

    @contextlib.contextmanager
    def _running(self, pool: Any, pipe: _Pipeline, run: Any, *closers: Callable[[], None]) -> Iterator[None]:
        """The life of one run: on failure or interruption save what finished; always close
        the pool (cancelling unless the run completed), record the run's status, close the
        source and end the progress display."""
        status = "interrupted"
        try:
            yield
            status = "done"
        except BaseException:
            _save_finished(pipe)
            raise
        finally:
            pool.close(cancel=status != "done")
            self.ledger.finish_run(run.id, status)
            for close in closers:
                close()
            self.progress.finish()

    def _feed(self, pipe: _Pipeline, items: Iterable[SourceItem | Stamped], site: str) -> None:
        for chunk in _chunks(items, _LOOKUP_BATCH):
            states = self.ledger.doc_states(site, [item.key for item in chunk])
            for item in chunk:
                pipe.feed(item, states.get(item.key))

    def rescan(self, site: str | None = None) -> list[ScanSummary]:
        """Recheck the stored text of every document whose dictionary version is not the
        current one, without reading any source (after a dictionary change)."""
        summaries = []
        for name in [site] if site else self.ledger.sites():
            summaries.append(self._rescan_site(name))
        return summaries

    def _rescan_site(self, site: str) -> ScanSummary:
        ctx = self.ctx
        run = self.ledger.begin_run(site, "rescan:ledger", ctx.fingerprint, ctx.version, ctx.profile)
        started = time.monotonic()
        pool = self.pool_factory(self._config(), self.settings.jobs)
        pipe = _Pipeline(self.ledger, ctx, self.settings, run, pool, self.progress)
        with self._running(pool, pipe, run):
            for states in self.ledger.iter_states(site):
                for state in states:
                    if state.dict_fingerprint == ctx.fingerprint and state.profile == ctx.profile:
                        continue
                    pipe._keys.add(state.key)
                    pipe.feed_delta(state, rules_changed=state.profile != ctx.profile)
            pipe.drain()
            collect_texts(self.ledger)
        return ScanSummary(run.id, site, run.resumed, time.monotonic() - started, pipe.counts)


def _save_finished(pipe: _Pipeline) -> None:
    """On the way out after an error or an interrupt: write what is already finished."""
    try:
        pipe.commit()
    except Exception as exc:  # the original error matters more
        log.warning("could not save finished results: %r", exc)
