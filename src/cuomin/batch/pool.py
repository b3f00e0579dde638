"""A process pool sized to the cores, or the same work inline (``jobs=1``)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, TypeVar

from .worker import WorkerConfig, init_worker

__all__ = ["WorkerPool", "default_jobs"]

#: The module the fork server imports before it forks any worker.
PRELOAD = "cuomin.batch.preload"

T = TypeVar("T")


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


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
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=ctx, initializer=init_worker, initargs=(config, True)
            )
            if ctx.get_start_method() == "forkserver":
                # Workers fork with the checker's and the rules' modules imported (once per
                # fork server, which starts with the first pool of this process). Start it
                # now: it imports them while the caller lists its documents (the executor
                # would start it only with its first worker).
                ctx.set_forkserver_preload([PRELOAD])
                multiprocessing.forkserver.ensure_running()

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
