"""A real cuomin server on a loopback port, run by uvicorn in a background thread."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from cuomin.server import ServerConfig, StackConfig, create_app  # noqa: E402

MINI = Path(__file__).resolve().parents[1] / "data" / "layers" / "mini"
#: Server tests look at the dictionary rule (WD codes) on the mini layer, so that other
#: rules (formats, dates, personal data ...) cannot change what the tests expect; FL are
#: the extraction problems (files that cannot be opened).
ONLY_DICTIONARY = ("WD", "FL")


class LiveServer:
    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="cuomin-test-server", daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


@pytest.fixture(scope="session")
def mini_config(cache_dir: Path) -> ServerConfig:
    return ServerConfig(cli_stack=StackConfig("default", layers=(str(MINI),), select=ONLY_DICTIONARY), cache_dir=str(cache_dir))


@pytest.fixture
def start_server() -> Iterator[Callable[[ServerConfig], LiveServer]]:
    """Start servers with any configuration; all are stopped at the end of the test."""
    started: list[LiveServer] = []

    def start(config: ServerConfig) -> LiveServer:
        server = LiveServer(create_app(config)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def server(cache_dir: Path) -> Iterator[LiveServer]:
    """One server on the mini layer, with tokens, shared by a test module."""
    config = ServerConfig(
        cli_stack=StackConfig("default", layers=(str(MINI),), block_on=("critical",), select=ONLY_DICTIONARY),
        cache_dir=str(cache_dir),
        token="editor-token",
        admin_token="admin-token",
    )
    config = dataclasses.replace(config, limits=dataclasses.replace(config.limits, max_body_bytes=64 * 1024, max_attachments=3))
    live = LiveServer(create_app(config)).start()
    yield live
    live.stop()
