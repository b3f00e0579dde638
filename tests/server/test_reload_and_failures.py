"""Reload under concurrent load (atomic swap, nothing dropped), time limits, busy workers,
and a checker that fails (the only case that answers 5xx)."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from cuomin import Category, Checker, Rule, RuleContext, Severity
from cuomin.rules.base import Hit
from cuomin.server import ServerConfig, StackConfig, create_app
from cuomin.server.limits import CheckSlots, RequestError
from cuomin.server.stacks import LoadedStack, Snapshot, StackRegistry, build_snapshot

from .conftest import MINI, ONLY_DICTIONARY, LiveServer

ADMIN = {"Authorization": "Bearer admin"}
NEW_TERM = "新增测试词条"
NEW_ROW = f"test-new,{NEW_TERM},typo,error,新增正确写法,测试用的新词条。,,,,,,,,,,,\n"


def write_version(layer: Path, version: str, with_new_term: bool) -> None:
    manifest = (MINI / "layer.toml").read_text(encoding="utf-8").replace('version = "test-1"', f'version = "{version}"')
    (layer / "layer.toml").write_text(manifest, encoding="utf-8")
    entries = (MINI / "entries.csv").read_text(encoding="utf-8")
    if with_new_term:
        entries = entries.rstrip("\n") + "\n" + NEW_ROW
    (layer / "entries.csv").write_text(entries, encoding="utf-8")


def test_reload_under_concurrent_load_drops_nothing(
    start_server: Any, cache_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    layer = tmp_path / "mini"
    shutil.copytree(MINI, layer)
    config = ServerConfig(
        cli_stack=StackConfig("default", layers=(str(layer),), select=ONLY_DICTIONARY),
        admin_token="admin",
        cache_dir=str(cache_dir),
    )
    live: LiveServer = start_server(config)
    text = f"希望大家再接再励。{NEW_TERM}出现在这里。"
    results: list[tuple[int, str, frozenset[str]]] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    counts = [0] * 8

    def load(worker: int) -> None:
        after_stop = 0
        with httpx.Client(base_url=live.url, timeout=30) as client:
            for _ in range(3000):  # bounded, whatever happens
                try:
                    r = client.post("/v1/check", json={"text": text})
                    body = r.json()
                    with lock:
                        results.append(
                            (r.status_code, body.get("dictionary_version", ""), frozenset(f["match"] for f in body.get("findings", [])))
                        )
                except Exception as exc:  # noqa: BLE001 - every failure counts
                    with lock:
                        failures.append(repr(exc))
                counts[worker] += 1
                if stop.is_set():
                    after_stop += 1
                    if after_stop >= 5:
                        return

    threads = [threading.Thread(target=load, args=(i,)) for i in range(len(counts))]
    for t in threads:
        t.start()
    expected: dict[str, bool] = {}
    with httpx.Client(base_url=live.url, timeout=60) as admin:
        expected[admin.get("/v1/health").json()["stacks"]["default"]] = False
        while min(counts) < 5 and any(t.is_alive() for t in threads):
            threading.Event().wait(0.01)
        for i in range(4):
            with_new = i % 2 == 0
            write_version(layer, f"test-{i + 2}", with_new)
            r = admin.post("/v1/reload", headers=ADMIN)
            assert r.status_code == 200, r.text
            expected[r.json()["stacks"]["default"]] = with_new
        stop.set()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures[:3]
    assert results and all(status == 200 for status, _, _ in results)
    seen = {version for _, version, _ in results}
    assert len(seen) >= 2, "requests were answered before and after the reloads"
    assert seen <= set(expected)
    for _, version, matches in results:
        # each answer comes wholly from one dictionary version: never a mix
        assert (NEW_TERM in matches) is expected[version], version
        assert "再接再励" in matches
    # the reloads compiled in the server's compile process, not in the serving process
    assert not [r.getMessage() for r in caplog.records if "后台编译" in r.getMessage()]


def test_reload_with_a_broken_dictionary_keeps_the_old_one(start_server: Any, cache_dir: Path, tmp_path: Path) -> None:
    layer = tmp_path / "mini"
    shutil.copytree(MINI, layer)
    config = ServerConfig(
        cli_stack=StackConfig("default", layers=(str(layer),), select=ONLY_DICTIONARY),
        admin_token="admin",
        cache_dir=str(cache_dir),
    )
    live: LiveServer = start_server(config)
    with live.client() as c:
        before = c.get("/v1/health").json()["stacks"]["default"]
        (layer / "layer.toml").write_text('name = "mini"\nlevel = "nowhere"\n', encoding="utf-8")
        r = c.post("/v1/reload", headers=ADMIN)
        after = c.get("/v1/health").json()
        check = c.post("/v1/check", json={"text": "希望大家再接再励。"})
    assert r.status_code == 500 and r.json()["error"]["code"] == "reload_failed"
    assert "继续使用原词库" in r.json()["error"]["message"]
    assert after["stacks"]["default"] == before and after["last_reload_error"]
    assert check.status_code == 200 and check.json()["dictionary_version"] == before


# -- checkers that are slow or broken ---------------------------------------------------------
class SlowRule(Rule):
    code = "ZZ901"
    name = "slow"
    category = Category.FORMAT
    severity = Severity.WARNING
    description = "测试用：很慢的规则"
    release = threading.Event()

    def check(self, ctx: RuleContext) -> Iterable[Hit]:
        if "慢" in ctx.segment.text:
            self.release.wait(10)
        return ()


class BrokenRule(Rule):
    code = "ZZ902"
    name = "broken"
    category = Category.FORMAT
    severity = Severity.WARNING
    description = "测试用：出错的规则"

    def check(self, ctx: RuleContext) -> Iterable[Hit]:
        if "坏" in ctx.segment.text:
            raise ValueError("boom")
        return ()


def with_rules(*rules: Rule) -> Any:
    def build(config: ServerConfig, generation: int) -> Snapshot:
        base = build_snapshot(config, generation)
        stacks = {
            name: LoadedStack(s.config, Checker(s.checker.dictionary, rules=[*s.checker.rules, *rules]))
            for name, s in base.stacks.items()
        }
        return dataclasses.replace(base, stacks=stacks)

    return build


def test_time_limit_and_checker_failure(mini_config: ServerConfig) -> None:
    SlowRule.release.clear()
    config = mini_config.with_limits(timeout_seconds=0.5, inline_chars=0)
    registry = StackRegistry(config, build=with_rules(SlowRule(), BrokenRule()))
    live = LiveServer(create_app(config, registry)).start()
    try:
        with live.client() as c:
            slow = c.post("/v1/check", json={"text": "这一段很慢。"})
            broken = c.post("/v1/check", json={"text": "这一段是坏的。"})
            fine = c.post("/v1/check", json={"text": "希望大家再接再励。"})
    finally:
        SlowRule.release.set()
        live.stop()
    assert slow.status_code == 422 and slow.json()["error"]["code"] == "time_limit"
    assert "0.5 秒" in slow.json()["error"]["message"]
    assert broken.status_code == 500 and broken.json()["error"]["code"] == "checker_failed"
    assert fine.status_code == 200 and [f["match"] for f in fine.json()["findings"]] == ["再接再励"]


def test_a_full_server_answers_busy() -> None:
    """With every check slot taken, a request waits up to the time limit, then gets 503."""
    started = threading.Event()
    release = threading.Event()

    def hold(deadline: Any) -> str:
        started.set()
        release.wait(10)
        return "held"

    async def main() -> tuple[Any, Any]:
        slots = CheckSlots(1, 30.0)  # the first check may take long
        outcome: dict[str, Any] = {}

        async def first() -> None:
            try:
                outcome["first"] = await slots.run(hold)
            except RequestError as exc:
                outcome["first"] = exc

        async with anyio.create_task_group() as tg:
            tg.start_soon(first)
            await anyio.to_thread.run_sync(started.wait, 10)
            slots.seconds = 0.3  # the second one waits at most this long for the only slot
            try:
                outcome["second"] = await slots.run(lambda d: "ran")
            except RequestError as exc:
                outcome["second"] = exc
            release.set()
        return outcome["first"], outcome["second"]

    try:
        first, second = anyio.run(main)
    finally:
        release.set()
    assert isinstance(second, RequestError) and second.status == 503 and second.headers["Retry-After"] == "1"
    assert first == "held"


@pytest.mark.parametrize("bad", ["slow", "broken"])
def test_other_requests_are_served_while_one_check_misbehaves(mini_config: ServerConfig, bad: str) -> None:
    config = mini_config.with_limits(timeout_seconds=1.0, max_concurrent_checks=2, inline_chars=0)
    registry = StackRegistry(config, build=with_rules(SlowRule(), BrokenRule()))
    live = LiveServer(create_app(config, registry)).start()
    SlowRule.release.clear()
    text = "这一段很慢。" if bad == "slow" else "这一段是坏的。"
    out: dict[str, int] = {}

    def misbehave() -> None:
        with live.client() as c:
            out["bad"] = c.post("/v1/check", json={"text": text}).status_code

    t = threading.Thread(target=misbehave)
    try:
        t.start()
        with live.client() as c:
            health = c.get("/v1/health")
            ok = c.post("/v1/check", json={"text": "希望大家再接再励。"})
        t.join(30)
    finally:
        SlowRule.release.set()
        live.stop()
    assert health.status_code == 200 and ok.status_code == 200
    assert out["bad"] == (422 if bad == "slow" else 500)
