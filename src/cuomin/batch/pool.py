"""A process pool sized to the cores, or the same work inline (``jobs=1``)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from .worker import WorkerConfig, init_worker

__all__ = ["WorkerPool", "default_jobs", "start_fork_server"]

#: The module the fork server imports before it forks any worker.
PRELOAD = "cuomin.batch.preload"

T = TypeVar("T")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def start_fork_server() -> None:
    """Start the process that forks the workers, if this platform has one and it is not
    running yet. Workers fork with the checker's and the rules' modules imported (once per
    fork server, which lives as long as this process); it imports them while the caller
    goes on (loading the dictionary, listing documents), so call this as early as possible."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload([PRELOAD])
        multiprocessing.forkserver.ensure_running()


class WorkerPool:
    """``submit(fn, arg)`` returns a Future. With one job the work runs in this process
    (no pickling, easier to debug); otherwise in ``jobs`` processes that each load the
    checker once."""

    def __init__(self, config: WorkerConfig, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._executor: Executor | None = None
        if self.jobs == 1:
            init_worker(config)
        else:
            ctx = _context()
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=ctx, initializer=init_worker, initargs=(config, True)
            )
            start_fork_server()  # the executor would start it only with its first worker

    def submit(self, fn: Callable[[Any], T], arg: Any) -> Future[T]:
        if self._executor is not None:
            return self._executor.submit(fn, arg)
        future: Future[T] = Future()
        try:
            future.set_result(fn(arg))
        except BaseException as exc:  # handed to the caller through the future
            future.set_exception(exc)
        return future

    def close(self, cancel: bool = False) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=cancel)
            self._executor = None
