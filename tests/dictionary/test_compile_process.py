"""The long-lived compile process: compiles into the cache, reports broken dictionaries,
survives its child being killed or running late, runs at low priority, ends on close."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from cuomin.dictionary import compiled, load_dictionary
from cuomin.dictionary.compile_process import CompileFailed, CompileProcess

MINI = Path(__file__).resolve().parents[1] / "data" / "layers" / "mini"


@pytest.fixture()
def layer(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "mini")
    return tmp_path / "mini"


def _nice(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])  # field 19 of stat(5), counted after the command name


def test_compiles_into_the_cache_that_loads_without_compiling(
    layer: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    with CompileProcess() as process:
        process.prime([([str(layer)], str(cache))])
        assert not (cache / "compiled").exists()  # priming writes nothing
        process.compile([([str(layer)], str(cache))])

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled in this process although the child had")

    monkeypatch.setattr(compiled, "compile_stack", no_compile)
    d = load_dictionary([layer], cache_dir=cache)
    assert any(d.entries[i].term == "台独" for i in range(len(d)))


def test_a_broken_dictionary_is_reported_and_the_process_stays(layer: Path, tmp_path: Path) -> None:
    entries = layer / "entries.csv"
    good = entries.read_text(encoding="utf-8")
    entries.write_text(good + "bad-1,坏词,typo,error,,,,,,,2025-13-40,,,,,,\n", encoding="utf-8")
    with CompileProcess() as process:
        with pytest.raises(CompileFailed, match="entries.csv"):
            process.compile([([str(layer)], str(tmp_path / "cache"))])
        pid = process.pid
        entries.write_text(good, encoding="utf-8")
        process.compile([([str(layer)], str(tmp_path / "cache"))])
        assert process.pid == pid  # the same child, not a new one


def test_a_killed_child_is_replaced(layer: Path, tmp_path: Path) -> None:
    with CompileProcess() as process:
        process.start()
        first = process.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        process.compile([([str(layer)], str(tmp_path / "cache"))])
        assert process.pid not in (None, first)


def test_a_child_that_cannot_start_is_reported(layer: Path, tmp_path: Path) -> None:
    with CompileProcess(python="/bin/false") as process, pytest.raises(CompileFailed, match="意外退出"):
        process.compile([([str(layer)], str(tmp_path / "cache"))])


def test_a_late_child_is_stopped_and_the_next_compile_starts_afresh(layer: Path, tmp_path: Path) -> None:
    with CompileProcess(timeout=0.001) as process:
        with pytest.raises(CompileFailed, match="秒内未完成"):
            process.compile([([str(layer)], str(tmp_path / "cache"))])
        assert process.pid is None
        process.timeout = 120
        process.compile([([str(layer)], str(tmp_path / "cache"))])


def test_runs_at_low_priority_and_ends_on_close() -> None:
    process = CompileProcess(niceness=7)
    process.start()
    pid = process.pid
    assert pid is not None
    try:
        deadline = time.monotonic() + 30
        while _nice(pid) == _nice(os.getpid()) and time.monotonic() < deadline:
            time.sleep(0.01)  # the child sets its niceness first thing
        assert _nice(pid) == min(19, _nice(os.getpid()) + 7)
    finally:
        process.close()
    assert process.pid is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind
