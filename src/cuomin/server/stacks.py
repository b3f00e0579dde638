"""Loaded dictionary stacks and their atomic swap on reload.

A :class:`Snapshot` is immutable: every request reads ``registry.current`` once and uses that
snapshot to the end, so a reload (which builds a whole new snapshot off the request path and
then replaces one reference) never changes the dictionaries under a running check.

uvicorn's worker processes do not share memory. A reload asked of one worker bumps a
generation counter in a file under ``sync_dir``; the other workers poll it and reload too.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..checker import Checker
from ..dictionary.compile_process import CompileProcess, StackJob
from ..errors import CuominError
from .config import ServerConfig, StackConfig

__all__ = ["GenerationFile", "LoadedStack", "ReloadFailed", "Snapshot", "StackRegistry", "build_snapshot"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedStack:
    config: StackConfig
    checker: Checker

    @property
    def version(self) -> str:
        return self.checker.dictionary.version

    def describe(self) -> dict[str, object]:
        d = self.checker.dictionary
        return {
            "name": self.config.name,
            "description": self.config.description,
            "dictionary_version": self.version,
            "block_on": list(self.config.block_on),
            "entries": len(d),
            "layers": [
                {"name": layer.name, "level": layer.level, "version": layer.version, "authority": layer.authority}
                for layer in d.layers
            ],
        }


@dataclass(frozen=True, slots=True)
class Snapshot:
    stacks: Mapping[str, LoadedStack]
    default: str
    generation: int
    loaded_at: dt.datetime

    def stack(self, name: str | None) -> LoadedStack:
        """The named stack (the default one for None); KeyError when unknown."""
        return self.stacks[name or self.default]


def build_snapshot(config: ServerConfig, generation: int) -> Snapshot:
    """Read the configuration and load every stack (CPU and disk work: not on the loop)."""
    stacks, default = config.stacks()
    loaded: dict[str, LoadedStack] = {}
    for stack in stacks:
        checker = Checker(
            dictionaries=list(stack.layers) or None,
            select=stack.select,
            ignore=stack.ignore,
            cache_dir=config.cache_dir,
        )
        loaded[stack.name] = LoadedStack(stack, checker)
    return Snapshot(MappingProxyType(loaded), default, generation, dt.datetime.now(dt.timezone.utc))


def _stack_jobs(config: ServerConfig) -> list[StackJob]:
    stacks, _ = config.stacks()
    return [(list(s.layers), config.cache_dir) for s in stacks]


class GenerationFile:
    """A counter in a file, shared by the worker processes of one server."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.path = Path(folder) / "generation"
        self._lock_path = Path(folder) / "generation.lock"

    def read(self) -> int:
        try:
            return int(self.path.read_text(encoding="ascii").strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def bump(self) -> int:
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                value = self.read() + 1
                tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(str(value), encoding="ascii")
                os.replace(tmp, self.path)
                return value
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


class ReloadFailed(CuominError):
    """A reload could not build the new stacks; the old ones stay in use."""


class StackRegistry:
    """Holds the current snapshot; reloads build a new one and swap a single reference."""

    def __init__(
        self,
        config: ServerConfig,
        build: Callable[[ServerConfig, int], Snapshot] = build_snapshot,
        compiler: CompileProcess | None = None,
    ) -> None:
        """``compiler``: where a reload compiles changed dictionaries before loading them
        (without one, the reload compiles in this process, holding the GIL meanwhile)."""
        self.config = config
        self._build = build
        self.compiler = compiler
        self._sync = GenerationFile(config.sync_dir) if config.sync_dir else None
        self._reload_lock = threading.Lock()
        start = self._sync.read() if self._sync else 0
        self._seen = start
        self.last_error: str | None = None
        self._current = build(config, start)

    @property
    def current(self) -> Snapshot:
        return self._current

    def reload(self) -> tuple[Snapshot, float]:
        """Reload now (asked by an admin): tell the other workers, build, swap.

        Returns the new snapshot and the seconds it took; raises :class:`ReloadFailed`
        (the old snapshot stays) when the new stacks cannot be loaded.
        """
        with self._reload_lock:
            self._compile_elsewhere()  # first, so that the swaps (here and in the other workers) only load
            generation = self._sync.bump() if self._sync else self._current.generation + 1
            return self._swap(generation)

    def follow(self) -> bool:
        """Reload if another worker has asked for it since; True when a reload happened."""
        if self._sync is None:
            return False
        generation = self._sync.read()
        if generation <= self._seen:
            return False
        with self._reload_lock:
            if generation <= self._seen:
                return False
            try:
                self._swap(generation)
            except ReloadFailed:
                return False
            return True

    def start_compiler(self) -> None:
        """Start the compile process and let it read the current stacks (at low priority,
        while this worker starts), so that the first reload already reuses that work."""
        self._in_compiler(CompileProcess.prime, "后台编译进程未能预读词库（%s）；重载时再试")

    def _compile_elsewhere(self) -> None:
        """Compile changed stacks in the compile process. Failures are left to the
        in-process build that follows, which reports them properly."""
        self._in_compiler(CompileProcess.compile, "后台编译词库未成功（%s），改在本进程内编译")

    def _in_compiler(self, step: Callable[[CompileProcess, Sequence[StackJob]], None], failed: str) -> None:
        """``step`` of the compile process on the configured stacks, if there is one; a
        failure is logged with ``failed`` (the server carries on without it)."""
        if self.compiler is None:
            return
        try:
            step(self.compiler, _stack_jobs(self.config))
        except CuominError as exc:  # CompileFailed among them
            log.warning(failed, exc)

    def _swap(self, generation: int) -> tuple[Snapshot, float]:
        self._seen = generation
        started = time.perf_counter()
        try:
            snapshot = self._build(self.config, generation)
        except CuominError as exc:
            self.last_error = str(exc)
            log.error("词库重载失败，继续使用原词库：%s", exc)
            raise ReloadFailed(f"词库重载失败，继续使用原词库：{exc}") from exc
        except Exception as exc:  # a broken layer must not take the server down
            self.last_error = repr(exc)
            log.exception("词库重载失败，继续使用原词库")
            raise ReloadFailed(f"词库重载失败，继续使用原词库：{exc!r}") from exc
        self._current = snapshot  # the atomic swap: one reference assignment
        self.last_error = None
        elapsed = time.perf_counter() - started
        log.info(
            "词库已重载（第 %d 代，%.2f 秒）：%s",
            generation,
            elapsed,
            "；".join(f"{n} {s.version}" for n, s in snapshot.stacks.items()),
        )
        return snapshot, elapsed

