"""A child process that compiles dictionary stacks into the on-disk cache, and stays.

``cuomin serve`` reloads dictionaries while it answers requests. Compiling in the serving
process would hold the GIL for a quarter of a second or more; compiling in a fresh process
per reload pays a Python start and cuomin's imports every time (as much CPU as the compile
itself), taken from the serving workers. A :class:`CompileProcess` is started once, at low
priority, imports once, and keeps a :class:`~cuomin.dictionary.memo.CompileMemo`, so a
reload after a small edit re-parses only the edited table and normalises only new phrases.

The protocol is one JSON line each way on the child's stdin and stdout::

    {"op": "compile" | "prime", "stacks": [[[layer, ...], cache_dir], ...]}
    {"ok": true}  or  {"ok": false, "error": "..."}

``prime`` reads and normalises the stacks without writing anything, so that the first
reload already finds the memo filled. The child ends when its stdin closes (the parent
closed it, or died).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Final

from ..errors import CuominError

__all__ = ["CompileFailed", "CompileProcess", "serve"]

#: One stack to compile: its layer folders (empty: the bundled national layer) and the
#: cache folder (None: the default one).
StackJob = tuple[Sequence[str], "str | None"]

_SCRIPT: Final = (
    # niceness first, before the imports that are most of the start-up work
    "import os, sys; hasattr(os, 'nice') and os.nice(int(sys.argv[1])); "
    "from cuomin.dictionary.compile_process import serve; serve()"
)


class CompileFailed(CuominError):
    """The child could not compile (a broken dictionary, or the process itself failed)."""


class CompileProcess:
    """Compiles stacks in a long-lived child process. Thread-safe: one compile at a time.

    The child is started on :meth:`start` (or on the first compile) and restarted after it
    fails; :meth:`close` ends it.
    """

    def __init__(self, *, niceness: int = 10, timeout: float = 600.0, python: str = sys.executable) -> None:
        self.niceness = niceness
        self.timeout = timeout
        self._python = python
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self) -> None:
        """Start the child now (it imports in the background) unless it is running."""
        with self._lock:
            self._ensure_started()

    def prime(self, stacks: Sequence[StackJob]) -> None:
        """Read and normalise ``stacks`` in the child (filling its memo); writes nothing."""
        self._ask("prime", stacks)

    def compile(self, stacks: Sequence[StackJob]) -> None:
        """Compile ``stacks`` into their caches; raises :class:`CompileFailed`."""
        self._ask("compile", stacks)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def __enter__(self) -> CompileProcess:  # noqa: PYI034 - typing.Self needs Python 3.11
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- parent side ----------------------------------------------------------------------
    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._proc = subprocess.Popen(
            [self._python, "-c", _SCRIPT, str(self.niceness)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
        )  # fmt: skip
        return self._proc

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            try:
                proc.stdin.close()  # the child's cue to end
            except OSError:  # already gone, with a request unsent
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def _ask(self, op: str, stacks: Sequence[StackJob]) -> None:
        request = json.dumps({"op": op, "stacks": [[list(layers), cache] for layers, cache in stacks]})
        with self._lock:
            # A child that died while idle (killed, out of memory) is found out only when
            # asked: then one new child gets the request. A new child that fails is reported.
            fresh = self._proc is None or self._proc.poll() is not None
            line = self._exchange(request)
            if line is None and not fresh:
                line = self._exchange(request)
            if line is None:
                raise CompileFailed("编译进程意外退出")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise CompileFailed(str(reply.get("error") or "编译失败"))

    def _exchange(self, request: str) -> bytes | None:
        """Send one request and read its reply line; None when the child is gone."""
        proc = self._ensure_started()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(request.encode("utf-8") + b"\n")
            proc.stdin.flush()
            line = self._read_line(proc.stdout)
        except BrokenPipeError:
            line = b""
        except (OSError, TimeoutError) as exc:
            self._stop()
            raise CompileFailed(f"编译进程出错：{exc}") from None
        if not line:
            self._stop()
            return None
        return line

    def _read_line(self, stream: IO[bytes]) -> bytes:
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.timeout:g} 秒内未完成")
            ready, _, _ = select.select([stream], [], [], remaining)
            if ready:
                return stream.readline()


# -- child side -------------------------------------------------------------------------
def serve(stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> None:
    """The child's loop: answer requests until stdin closes."""
    from . import CompileMemo, load_dictionary

    if stdout is None:  # the protocol gets its own copy of stdout; prints go to stderr
        stdout = os.fdopen(os.dup(1), "wb")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    stdin = stdin or sys.stdin.buffer
    memo = CompileMemo()
    for line in stdin:
        try:
            request = json.loads(line)
            for layers, cache_dir in request["stacks"]:
                if request["op"] == "prime":
                    load_dictionary(layers or None, cache_dir=cache_dir, use_cache=False, memo=memo)
                else:
                    load_dictionary(layers or None, cache_dir=cache_dir, memo=memo)
            reply: dict[str, object] = {"ok": True}
        except Exception as exc:  # noqa: BLE001 - every failure is the parent's to report
            reply = {"ok": False, "error": str(exc) or repr(exc)}
        stdout.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")
        stdout.flush()
