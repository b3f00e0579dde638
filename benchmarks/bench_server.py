"""Load benchmark of ``cuomin serve`` on loopback (issue 6).

Starts ``cuomin serve --workers 2`` on 127.0.0.1 with a copy of the bundled national layer,
then, for 10 KB and 100 KB articles built from ../shared/corpus text and concurrency 1, 16
and 64, sends a bounded number of ``POST /v1/check`` requests and reports requests/s, p50
and p99 latency and errors. During every run the dictionary copy is changed on disk and
``POST /v1/reload`` is called (every 2 s): the reload must drop nothing.

The load generator is ``wrk`` (Debian package wrk; a Lua script bounds the request count)
when it is installed, else an asyncio loop on httpx (more client CPU on the same 2 cores).
Only 127.0.0.1 is ever contacted; every run stops by itself.

Usage:
    apt-get install wrk   # optional
    .venv/bin/python benchmarks/bench_server.py [--requests 20000] [--select WD,FL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
NATIONAL = ROOT / "dictionaries" / "national"
ADMIN = "bench-admin"

LUA = r"""
local bodies = {}
local limit = 0
local count = 0
local i = 0
function init(args)
  limit = tonumber(args[1])
  for n = 2, #args do
    local f = assert(io.open(args[n], "rb"))
    local body = f:read("*a")
    f:close()
    bodies[#bodies + 1] = wrk.format("POST", "/v1/check", {["Content-Type"] = "application/json"}, body)
  end
end
function request()
  i = i % #bodies + 1
  return bodies[i]
end
function response(status, headers, body)
  count = count + 1
  if count >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def articles(size: int, count: int) -> list[str]:
    """``count`` different articles of about ``size`` bytes of UTF-8, cut from the corpus
    at paragraph boundaries, each with two known errors in it."""
    files = sorted((CORPUS / "reports-2018-2025").glob("*.txt")) + sorted((CORPUS / "gov-reports").glob("*.txt"))
    paragraphs = [p.strip() for f in files for p in f.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 20]
    out: list[str] = []
    k = 0
    for n in range(count):
        parts: list[str] = ["习近瓶总书记强调，工作要按步就班推进。"] if n % 2 == 0 else ["希望大家再接再励。"]
        used = len(parts[0].encode())
        while used < size:
            p = paragraphs[k % len(paragraphs)]
            k += 1
            parts.append(p)
            used += len(p.encode()) + 1
        text = "\n".join(parts).encode()[:size].decode("utf-8", errors="ignore")
        out.append(text)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, workdir: Path, select: str) -> None:
        self.layer = workdir / "national"
        shutil.copytree(NATIONAL, self.layer)
        self.manifest = (self.layer / "layer.toml").read_text(encoding="utf-8")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [
            sys.executable, "-c", "import sys; from cuomin.cli import main; sys.exit(main())",
            "serve", "--port", str(self.port), "--workers", "2", "--dict", str(self.layer),
            "--cache-dir", str(workdir / "cache"), "--log-level", "warning",
        ]
        if select:
            cmd += ["--select", select]
        env = {**os.environ, "CUOMIN_ADMIN_TOKEN": ADMIN}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"cuomin serve exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            try:
                if httpx.get(self.url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise SystemExit("cuomin serve did not start")
        self.version = httpx.get(self.url + "/v1/health").json()["stacks"]["default"]
        self.reloads = 0

    def reload(self) -> int:
        """Change the dictionary on disk (a new version: a real recompile) and reload."""
        self.reloads += 1
        (self.layer / "layer.toml").write_text(
            self.manifest.replace('version = "', f'version = "bench{self.reloads}-', 1), encoding="utf-8"
        )
        r = httpx.post(self.url + "/v1/reload", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=120)
        return r.status_code

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def reload_during(server: Server, stop: threading.Event, statuses: list[int]) -> None:
    if stop.wait(0.5):
        return
    while True:
        statuses.append(server.reload())
        if stop.wait(2.0) or len(statuses) >= 100:
            return


def run_wrk(server: Server, bodies: list[Path], concurrency: int, requests: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
        script = fh.name
    try:
        cmd = ["wrk", "-t1", f"-c{concurrency}", "-d600s", "--timeout", "30s", "-s", script, server.url,
               "--", str(requests), *map(str, bodies)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=700, check=True).stdout
    finally:
        os.unlink(script)
    raw = json.loads(out.strip().splitlines()[-1])
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {"requests": raw["requests"], "seconds": seconds, "rps": raw["requests"] / seconds,
            "p50_ms": raw["p50_us"] / 1000, "p99_ms": raw["p99_us"] / 1000, "errors": errors}


def run_httpx(server: Server, bodies: list[Path], concurrency: int, requests: int) -> dict[str, Any]:
    payloads = [b.read_bytes() for b in bodies]
    latencies: list[float] = []
    errors = 0
    sent = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors, sent
        while sent < requests:
            body = payloads[sent % len(payloads)]
            sent += 1
            t0 = time.perf_counter()
            try:
                r = await client.post("/v1/check", content=body, headers={"Content-Type": "application/json"})
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - t0)

    async def main() -> float:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as client:
            t0 = time.perf_counter()
            await asyncio.gather(*(worker(client) for _ in range(concurrency)))
            return time.perf_counter() - t0

    seconds = asyncio.run(main())
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {"requests": len(latencies), "seconds": seconds, "rps": len(latencies) / seconds,
            "p50_ms": pick(0.50), "p99_ms": pick(0.99), "errors": errors}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=20000, help="requests per run for 10 KB articles")
    ap.add_argument("--requests-100k", type=int, default=5000, help="requests per run for 100 KB articles")
    ap.add_argument("--concurrency", default="1,16,64")
    ap.add_argument("--select", default="", help="rule code prefixes for the served stack (default: all rules)")
    ap.add_argument("--loadgen", choices=("auto", "wrk", "httpx"), default="auto")
    args = ap.parse_args()
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "httpx"
    run = run_wrk if loadgen == "wrk" else run_httpx
    with tempfile.TemporaryDirectory(prefix="cuomin-bench-") as tmp:
        work = Path(tmp)
        server = Server(work, args.select)
        try:
            print(f"# cuomin serve --workers 2, dictionary {server.version}, rules: {args.select or 'all'}, load: {loadgen}")
            print("| article | concurrency | requests | req/s | p50 ms | p99 ms | errors | reloads (all 200) |")
            print("|---|---|---|---|---|---|---|---|")
            for size, label, count in ((10_000, "10 KB", args.requests), (100_000, "100 KB", args.requests_100k)):
                bodies = []
                for i, text in enumerate(articles(size, 8)):
                    path = work / f"body-{label.replace(' ', '')}-{i}.json"
                    path.write_text(json.dumps({"text": text, "date": "2024-06-01"}, ensure_ascii=False), encoding="utf-8")
                    bodies.append(path)
                for concurrency in (int(c) for c in args.concurrency.split(",")):
                    stop = threading.Event()
                    statuses: list[int] = []
                    reloader = threading.Thread(target=reload_during, args=(server, stop, statuses))
                    reloader.start()
                    try:
                        result = run(server, bodies, concurrency, count)
                    finally:
                        stop.set()
                        reloader.join()
                    ok = all(s == 200 for s in statuses)
                    print(f"| {label} | {concurrency} | {result['requests']} | {result['rps']:.0f} | "
                          f"{result['p50_ms']:.2f} | {result['p99_ms']:.2f} | {result['errors']} | "
                          f"{len(statuses)} ({'yes' if ok else 'NO'}) |", flush=True)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
