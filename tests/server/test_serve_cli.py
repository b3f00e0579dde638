"""``cuomin serve`` as a user runs it: a subprocess with two uvicorn workers on loopback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import MINI

CUOMIN = [sys.executable, "-c", "import sys; from cuomin.cli import main; sys.exit(main())"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"cuomin serve exited with {proc.returncode}: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("cuomin serve did not become healthy")


@pytest.fixture
def served(tmp_path: Path, cache_dir: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    layer = tmp_path / "mini"
    shutil.copytree(MINI, layer)
    port = free_port()
    env = {**os.environ, "CUOMIN_ADMIN_TOKEN": "admin"}
    proc = subprocess.Popen(
        [*CUOMIN, "serve", "--port", str(port), "--workers", "2", "--dict", str(layer),
         "--select", "WD,FL", "--cache-dir", str(cache_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, layer, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def test_two_workers_follow_a_reload(served: tuple[str, Path, subprocess.Popen[bytes]]) -> None:
    url, layer, proc = served
    text = "希望大家再接再励。新增测试词条。"
    r = httpx.post(url + "/v1/check", json={"text": text, "title": "秘密标题"}, timeout=30)
    assert r.status_code == 200
    old = r.json()["dictionary_version"]
    assert [f["match"] for f in r.json()["findings"]] == ["再接再励"]

    (layer / "layer.toml").write_text(
        (MINI / "layer.toml").read_text(encoding="utf-8").replace("test-1", "test-2"), encoding="utf-8"
    )
    with (layer / "entries.csv").open("a", encoding="utf-8") as fh:
        fh.write("test-new,新增测试词条,typo,error,新写法,测试用。,,,,,,,,,,,\n")
    reload = httpx.post(url + "/v1/reload", headers={"Authorization": "Bearer admin"}, timeout=60)
    assert reload.status_code == 200, reload.text
    new = reload.json()["stacks"]["default"]
    assert new != old and "test-2" in new

    # every worker switches: poll health on fresh connections until two workers say so
    pids: dict[int, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (len(pids) >= 2 and set(pids.values()) == {new}):
        health = httpx.get(url + "/v1/health", timeout=10).json()
        pids[health["pid"]] = health["stacks"]["default"]
    assert len(pids) >= 2, "requests reached both workers"
    assert set(pids.values()) == {new}
    for _ in range(10):
        body = httpx.post(url + "/v1/check", json={"text": text}, timeout=30).json()
        assert body["dictionary_version"] == new
        assert sorted(f["match"] for f in body["findings"]) == ["再接再励", "新增测试词条"]

    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    lines = [json.loads(line) for line in out.decode("utf-8").splitlines() if line.startswith("{")]
    assert any(entry["path"] == "/v1/reload" and entry["status"] == 200 for entry in lines)
    assert "秘密标题" not in out.decode("utf-8") + err.decode("utf-8")
    assert "编辑检查页面" in err.decode("utf-8")


def run_cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CUOMIN, *args], capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload, no-any-return]


def test_serve_without_the_extra_says_what_to_install() -> None:
    code = "import sys; sys.modules['uvicorn'] = None; from cuomin.cli import main; sys.exit(main(['serve']))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "pip install 'cuomin[server]'" in r.stderr and "服务端依赖" in r.stderr


def test_serve_refuses_a_broken_dictionary_before_listening(tmp_path: Path) -> None:
    (tmp_path / "layer.toml").write_text('name = "x"\nlevel = "nowhere"\n', encoding="utf-8")
    r = run_cli("serve", "--dict", str(tmp_path), "--port", str(free_port()), "--cache-dir", str(tmp_path / "c"))
    assert r.returncode == 2 and "错误" in r.stderr


def test_serve_refuses_bad_options(tmp_path: Path) -> None:
    bad_config = tmp_path / "serve.toml"
    bad_config.write_text("[stacks.a]\nlayers = 3\n", encoding="utf-8")
    r = run_cli("serve", "--config", str(bad_config))
    assert r.returncode == 2 and "字符串列表" in r.stderr
    r = run_cli("serve", "--workers", "0")
    assert r.returncode == 2 and "--workers" in r.stderr
    r = run_cli("serve", "--block-on", "fatal")
    assert r.returncode == 2 and "未知的严重程度" in r.stderr
