"""``cuomin serve --workers N``: worker processes that share the connections evenly.

uvicorn's own workers share one listening socket and each takes every connection it wins: a
burst of new connections (a load test's 16, a proxy's pool after a restart) can land in one
worker while the other idles, and with 16 connections on 2 workers the split decided the p99
(9/7: 19-22 ms, 10/6: 29-32 ms, 16/0: 36-56 ms; see benchmarks/results/server.md). Here a
worker accepts one connection at a time and, while it holds more open connections than
another live worker, leaves the next one to that worker for a moment. It never refuses: when
the other worker does not take the connection (busy on a long check, or hung), the first
takes it after that moment, :data:`DEFER_SECONDS`.

The parent process binds the socket, starts the workers, replaces any that die or whose
event loop stops running for ``timeout_worker_healthcheck`` seconds (uvicorn's setting, 5 by
default: its own supervisor does the same), and stops them on SIGINT or SIGTERM. The workers
publish their open-connection counts in a small shared file (one slot each) in the server's
sync folder; the refresh time of a slot is the worker's heartbeat.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import mmap
import multiprocessing
import os
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from ..pids import pid_alive

__all__ = ["DEFER_SECONDS", "BalancedServer", "ConnectionBoard", "last_beats", "run_workers"]

log = logging.getLogger(__name__)

#: How long a worker with more connections leaves a new one to a worker with fewer.
DEFER_SECONDS: Final = 0.01
#: How often a worker republishes its count (which says it is alive; the count itself is
#: published whenever a connection opens or closes).
BEAT_SECONDS: Final = 0.05
#: A slot not refreshed for this long belongs to a dead or stuck worker and is ignored.
STALE_SECONDS: Final = 1.0

_SLOT: Final = struct.Struct("<qqd")  # pid, open connections, last refresh (time.monotonic)
_SLOTS: Final = 64


class ConnectionBoard:
    """Open-connection counts of the workers of one server, in a shared file (one slot per
    worker, claimed by process id; a dead worker's slot is taken over by its replacement)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # one worker claims a slot at a time
        try:
            if os.fstat(fd).st_size < _SLOT.size * _SLOTS:
                os.ftruncate(fd, _SLOT.size * _SLOTS)
            self._map = mmap.mmap(fd, _SLOT.size * _SLOTS)
            self.slot = self._claim()
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)  # (the map holds a copy of fd: closing would not unlock)
            os.close(fd)

    def _claim(self) -> int:
        me = os.getpid()
        for slot, pid, _, _ in _slots(self._map):
            if pid == 0 or pid == me or not pid_alive(pid):
                _SLOT.pack_into(self._map, slot * _SLOT.size, me, 0, time.monotonic())
                return slot
        raise RuntimeError("too many workers for the connection board")

    def publish(self, connections: int) -> None:
        _SLOT.pack_into(self._map, self.slot * _SLOT.size, os.getpid(), connections, time.monotonic())

    def fewest_elsewhere(self) -> int | None:
        """The smallest count among the other live workers (None: no other worker)."""
        now = time.monotonic()
        fewest: int | None = None
        for slot, pid, count, seen in _slots(self._map):
            if slot != self.slot and pid and now - seen < STALE_SECONDS and (fewest is None or count < fewest):
                fewest = count
        return fewest

    def release(self) -> None:
        _SLOT.pack_into(self._map, self.slot * _SLOT.size, 0, 0, 0.0)
        self._map.close()


def last_beats(path: Path) -> dict[int, float]:
    """When each worker on the board last refreshed its slot (time.monotonic), by pid."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    return {pid: seen for _slot, pid, _count, seen in _slots(data) if pid}


def _slots(board: bytes | mmap.mmap) -> Iterator[tuple[int, int, int, float]]:
    """(slot, pid, open connections, last refresh) of every slot of a board's bytes."""
    for slot in range(min(_SLOTS, len(board) // _SLOT.size)):
        yield (slot, *_SLOT.unpack_from(board, slot * _SLOT.size))


class _PublishedSet(set):  # type: ignore[type-arg]
    """uvicorn's set of open connections, telling the board whenever a connection leaves
    (a worker whose connections have just closed must not look busy to the others)."""

    def __init__(self, changed: Any) -> None:
        super().__init__()
        self._changed = changed

    def discard(self, item: Any) -> None:
        super().discard(item)
        self._changed()

    def remove(self, item: Any) -> None:
        super().remove(item)
        self._changed()


class BalancedServer(uvicorn.Server):
    """A uvicorn server that accepts from a shared socket itself, one connection at a time,
    deferring to workers with fewer open connections (see the module's description)."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket, board: Path) -> None:
        super().__init__(config)
        self._sock = sock
        self._board_path = board
        self._board: ConnectionBoard | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reading = False
        self._closing = False
        self._adopting = 0  # accepted, not yet among server_state.connections
        self.server_state.connections = _PublishedSet(self._publish)
        self._beat: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the app's start-up; no listener of uvicorn's own
        if self.should_exit:
            return
        self._loop = asyncio.get_running_loop()
        self._board = ConnectionBoard(self._board_path)
        self._sock.setblocking(False)
        self._read(True)
        self._beat = self._loop.create_task(self._heartbeat())

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._closing = True
        self._read(False)
        if self._beat is not None:
            self._beat.cancel()
        if self._board is not None:
            self._board.release()
            self._board = None
        await super().shutdown(sockets=[])

    # -- accepting ------------------------------------------------------------------------
    def _read(self, on: bool) -> None:
        assert self._loop is not None
        if on and not self._reading and not self._closing:
            self._loop.add_reader(self._sock.fileno(), self._acceptable)
            self._reading = True
        elif not on and self._reading:
            self._loop.remove_reader(self._sock.fileno())
            self._reading = False

    def _acceptable(self) -> None:
        loop, board = self._loop, self._board
        assert loop is not None and board is not None
        fewest = board.fewest_elsewhere()
        if fewest is not None and self._open() > fewest:
            self._read(False)  # leave this one to the worker with fewer connections ...
            loop.call_later(DEFER_SECONDS, self._resume)
            return
        self._accept()

    def _resume(self) -> None:
        self._read(True)
        if not self._closing and select.select([self._sock], [], [], 0)[0]:
            self._accept()  # ... and take it if it is still waiting

    def _accept(self) -> None:
        loop = self._loop
        assert loop is not None
        try:
            conn, _ = self._sock.accept()
        except (BlockingIOError, InterruptedError):
            return  # another worker took it
        except OSError as exc:  # out of file descriptors, say: try again shortly
            log.warning("接受连接失败：%s", exc)
            self._read(False)
            loop.call_later(0.1, self._read, True)
            return
        self._adopting += 1
        self._publish()
        loop.create_task(self._adopt(conn))

    async def _adopt(self, conn: socket.socket) -> None:
        assert self._loop is not None
        try:
            await self._loop.connect_accepted_socket(self._protocol, sock=conn, ssl=self.config.ssl)
        except OSError:
            conn.close()
        finally:
            self._adopting -= 1

    def _open(self) -> int:
        return len(self.server_state.connections) + self._adopting

    def _publish(self) -> None:
        if self._board is not None:
            self._board.publish(self._open())

    def _protocol(self) -> asyncio.Protocol:
        protocol: asyncio.Protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config, server_state=self.server_state, app_state=self.lifespan.state, _loop=self._loop
        )
        return protocol

    async def _heartbeat(self) -> None:
        while True:
            self._publish()
            await asyncio.sleep(BEAT_SECONDS)


def _worker_main(config: uvicorn.Config, sock: socket.socket, board: str) -> None:
    config.configure_logging()
    BalancedServer(config, sock, Path(board)).run()


def run_workers(config: uvicorn.Config, count: int, sync_dir: str) -> int:
    """Bind, run ``count`` workers until SIGINT or SIGTERM, and stop them; 1 when a worker
    could not start (a broken app fails the same way every time), else 0."""
    sock = config.bind_socket()
    sock.listen(config.backlog)
    config.port = sock.getsockname()[1]  # the workers log the real port when asked for 0
    board = str(Path(sync_dir) / "connections")
    spawn = multiprocessing.get_context("spawn")

    def start() -> Any:
        process = spawn.Process(target=_worker_main, args=(config, sock, board), name="cuomin-serve-worker")
        process.start()
        return process

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    failed = False
    processes = [start() for _ in range(count)]
    try:
        while not stop.wait(0.5):
            beats = last_beats(Path(board))
            for i, process in enumerate(processes):
                if process.is_alive():
                    silent = time.monotonic() - beats.get(process.pid, time.monotonic())
                    if silent <= getattr(config, "timeout_worker_healthcheck", 5):
                        continue
                    # its event loop has not run for that long: stuck; its connections are lost
                    log.warning("工作进程 %s 已 %.0f 秒没有响应，结束它并重新启动一个", process.pid, silent)
                    process.kill()
                    process.join()
                    processes[i] = start()
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("工作进程 %s 未能启动，服务停止", process.pid)
                    failed = True
                    stop.set()
                    break
                log.warning("工作进程 %s 已退出（退出码 %s），重新启动一个", process.pid, process.exitcode)
                processes[i] = start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn's graceful shutdown
        for process in processes:
            process.join((config.timeout_graceful_shutdown or 30) + 5)
            if process.is_alive():
                process.kill()
                process.join()
        sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if failed else 0
