"""Benchmark of ``cuomin scan`` over generated exported sites (see benchmarks/results/scan.md).

    .venv/bin/python benchmarks/bench_scan.py --work /tmp/cuomin-bench            # everything
    .venv/bin/python benchmarks/bench_scan.py --work /tmp/cuomin-bench --only full,rescan

Stages:
  generate  10,000 articles of 5–20 KB from ../shared/corpus (a fifth with a PDF, DOCX or XLSX
            attachment), the same pages without attachments, and 100,000 small pages
  full      full scans (all rules; and the dictionary rule only): articles/s, ledger size
  resume    kill -9 at about half way, rerun: total time against an uninterrupted scan
  rescan    add ten entries to the dictionary, scan again (and --rescan from the ledger)
  memory    100,000 small documents: resident memory of the scan and its workers over time
The dictionary is tests/data/layers/mini (a copy), except in the rescan stage: a copy of the
bundled national layer, to which the entries are added.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "batch"))

import sitegen  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
MINI = ROOT / "tests" / "data" / "layers" / "mini"
NATIONAL = ROOT / "dictionaries" / "national"
SCAN = [sys.executable, "-c", "import sys; from cuomin.cli import main; sys.exit(main())", "scan"]


def _tree(pid: int) -> list[int]:
    """A process and all its descendants (the pool's workers are the fork server's children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _rss_kb(pid: int) -> dict[str, int]:
    """Resident memory (kB): the main process, and everything (main + fork server + workers)."""
    main_kb = total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    kb = int(line.split()[1])
                    total += kb
                    main_kb = kb if p == pid else main_kb
        except OSError:
            pass
    return {"main": main_kb, "all": total}


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _busy_seconds() -> float:
    """CPU time the whole machine has spent busy (user, nice, system, irq, softirq)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:3]) + sum(fields[5:7])) / os.sysconf("SC_CLK_TCK")


def calibration_ms() -> float:
    """The machine's speed right now: a fixed pure-Python loop, best of three (ms). This
    machine's speed moves by up to 40 % within minutes; each scan reports it beside its rate."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        sum(range(3_000_000))
        best = min(best, time.perf_counter() - t)
    return round(best * 1000, 1)


def scan(source: Path, db: Path, layer: Path, cache: Path, *extra: str, sample: bool = False) -> dict[str, object]:
    cmd = [*SCAN, str(source), "--ledger", str(db), "--dict", str(layer), "--cache-dir", str(cache), "-q", *extra]
    calibration = calibration_ms()
    busy = _busy_seconds()
    start = time.monotonic()
    with tempfile.TemporaryFile() as errors:  # (a pipe could fill up and stall the scan)
        proc = subprocess.Popen(cmd, stderr=errors)
        samples: list[tuple[float, int, dict[str, int]]] = []
        if sample:
            while proc.poll() is None:
                time.sleep(2.0)
                samples.append((time.monotonic() - start, _count(db), _rss_kb(proc.pid)))
        else:
            proc.wait()  # the exact end (polling every 0.2 s overstated a 2 s rescan by up to 10 %)
        seconds = time.monotonic() - start
        busy = _busy_seconds() - busy
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"scan failed ({proc.returncode}): {err}")
    return {"seconds": seconds, "samples": samples, "cpu_seconds": busy, "calibration_ms": calibration}


def _size(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.stat().st_size


def _docs(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])


def _findings(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM findings WHERE resolved_run IS NULL").fetchone()[0])


def generate(work: Path, n: int, n_small: int) -> None:
    if not (work / "site").is_dir():
        t = time.monotonic()
        sitegen.build_site(work / "site", CORPUS, n, seed=1, attach_every=5, copy_every=0)
        print(f"generated {n} articles with attachments in {time.monotonic() - t:.0f} s", flush=True)
    if not (work / "plain").is_dir():
        sitegen.build_site(work / "plain", CORPUS, n, seed=1, attach_every=0, copy_every=0)
    if n_small and not (work / "small").is_dir():
        t = time.monotonic()
        sitegen.build_site(work / "small", CORPUS, n_small, seed=2, attach_every=0, min_kb=1, max_kb=2)
        print(f"generated {n_small} small pages in {time.monotonic() - t:.0f} s", flush=True)


def _fresh(path: Path) -> Path:
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=Path("/tmp/cuomin-bench"))
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--small", type=int, default=100_000)
    ap.add_argument("--only", default="generate,full,resume,rescan,memory")
    args = ap.parse_args()
    stages = set(args.only.split(","))
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "cache"
    layer = work / "layer"
    shutil.rmtree(layer, ignore_errors=True)
    shutil.copytree(MINI, layer)
    results: dict[str, object] = {"n": args.n, "cores": os.cpu_count()}
    generate(work, args.n, args.small if "memory" in stages else 0)
    n = args.n + 1  # and the index page

    if "full" in stages:
        for name, source, extra in (
            ("plain_all_rules", work / "plain", ()),
            ("attachments_all_rules", work / "site", ()),
            ("plain_dictionary_only", work / "plain", ("--select", "WD,BT,FL")),
        ):
            db = _fresh(work / f"{name}.sqlite")
            r = scan(source, db, layer, cache, *extra)
            assert _docs(db) == n
            results[name] = {"seconds": round(r["seconds"], 1), "articles_per_s": round(n / r["seconds"]),
                             "cpu_ms_per_article": round(float(r["cpu_seconds"]) * 1000 / n, 2),
                             "calibration_ms": r["calibration_ms"],
                             "ledger_mb": round(_size(db) / 1e6, 1), "open_findings": _findings(db)}  # fmt: skip
            print(name, results[name], flush=True)
        db = work / "plain_all_rules.sqlite"
        r = scan(work / "plain", db, layer, cache)
        results["unchanged_rescan"] = {"seconds": round(r["seconds"], 1)}
        print("unchanged", results["unchanged_rescan"], flush=True)

    if "resume" in stages:
        db = _fresh(work / "resume.sqlite")
        cmd = [*SCAN, str(work / "plain"), "--ledger", str(db), "--dict", str(layer), "--cache-dir", str(cache), "-q"]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, start_new_session=True)
        while _count(db) < n // 2 and proc.poll() is None:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        first = time.monotonic() - start
        at_kill = _count(db)
        time.sleep(1)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        r = scan(work / "plain", db, layer, cache)
        clean = results.get("plain_all_rules", {}).get("seconds")  # type: ignore[union-attr]
        results["resume"] = {"killed_at_docs": at_kill, "first_part_s": round(first, 1), "resume_s": round(r["seconds"], 1),
                             "total_s": round(first + r["seconds"], 1), "uninterrupted_s": clean}  # fmt: skip
        assert _docs(db) == n
        print("resume", results["resume"], flush=True)

    if "rescan" in stages:
        # The bundled national layer (2,723 entries): ten entries more are a small change, as
        # in real use. (On the 13 entries of the mini layer, ten are 43 % of the dictionary,
        # past delta.FULL_RECHECK_SHARE, and every document is rechecked.)
        layer = work / "layer-national"
        shutil.rmtree(layer, ignore_errors=True)
        shutil.copytree(NATIONAL, layer)
        db = _fresh(work / "rescan.sqlite")
        full = scan(work / "plain", db, layer, cache)["seconds"]
        before = _findings(db)
        # Ten wrong forms of the kind a city adds (DOMAIN.md), rare in real text.
        typos = ["中华人民大和国", "攻府", "社会主意", "共产觉", "领导小姐", "一股作气", "迫不急待", "穿流不息", "警钟常鸣", "财政拔款"]
        # Ten words found in nearly every article: the worst case for a delta.
        common = ["改革开放", "人民群众", "经济建设", "社会主义", "基础设施", "生态环境", "科技创新", "乡村振兴", "营商环境", "依法治国"]
        timings: dict[str, object] = {"full_s": round(full, 1)}
        from cuomin.dictionary.records import COLUMNS

        header = ",".join(COLUMNS) + "\n"
        added = layer / "bench.csv"
        if not added.exists():
            added.write_text(header, encoding="utf-8")
        for name, words in (("typos", typos), ("common", common)):
            with added.open("a", encoding="utf-8") as fh:
                for i, w in enumerate(words):
                    fh.write(f"bench-{name}-{i},{w},typo,error,,基准测试词条。,,,,,,,,,,,\n")
            seconds = scan(work / "plain", db, layer, cache)["seconds"]
            timings[f"ten_{name}_rescan_s"] = round(seconds, 1)
            timings[f"ten_{name}_speedup"] = round(full / seconds, 1)
            timings[f"ten_{name}_new_findings"] = _findings(db) - before
            before = _findings(db)
        with added.open("a", encoding="utf-8") as fh:
            for i, w in enumerate(["按步就搬", "再接再历", "共商国时", "习近平总书记指出", "扫黑除恶专项斗争",
                                   "国务院总理", "新时代", "高质量发展", "人类命运共同体", "全过程人民民主"]):  # fmt: skip
                fh.write(f"bench-l-{i},{w},usage,warning,,基准测试词条。,,,,,,,,,,,\n")
        seconds = scan(Path("."), db, layer, cache, "--rescan")["seconds"]
        timings["ten_mixed_ledger_only_rescan_s"] = round(seconds, 1)
        timings["ten_mixed_ledger_only_speedup"] = round(full / seconds, 1)
        results["rescan"] = timings
        print("rescan", results["rescan"], flush=True)
        shutil.rmtree(layer)
        layer = work / "layer"

    if "memory" in stages:
        db = _fresh(work / "memory.sqlite")
        r = scan(work / "small", db, layer, cache, "--select", "WD,BT,FL", sample=True)
        samples = [s for s in r["samples"] if s[2]["main"]]  # type: ignore[union-attr]
        picks = [samples[min(len(samples) - 1, int(len(samples) * q))] for q in (0.1, 0.25, 0.5, 0.75, 0.99)]
        results["memory"] = {"documents": _docs(db), "seconds": round(r["seconds"], 1),
                             "ledger_mb": round(_size(db) / 1e6, 1),
                             "rss_mb_at (s, docs, main, all)": [(round(t), d, round(kb["main"] / 1024), round(kb["all"] / 1024))
                                                               for t, d, kb in picks]}  # fmt: skip
        print("memory", results["memory"], flush=True)

    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
