"""Engine benchmark (issue: core engine).

Measures, in one process:
  * check_text throughput on ../shared/corpus/gov-reports with the bundled national layer
    plus a layer of 50,000 synthetic terms, each report checked with its year as the date;
  * a raw ahocorasick_rs scan (overlapping) of the same normalised text with the same keys,
    as the reference: the ratio end-to-end / raw is the figure that travels across machines;
  * cold compile and warm load of the 50k-term stack;
  * wall time of ``cuomin check`` on a 10 KB file with a warm cache, and whether jieba was
    imported for it.

Usage:  .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/bench_engine.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "gov-reports"
COLUMNS = ("id", "term", "category", "severity", "suggestions", "explanation")


def synthetic_layer(folder: Path, n_terms: int, corpus: str, seed: int = 1) -> Path:
    """A province layer under the bundled national one with n random CJK terms (2–6 chars)
    drawn from the corpus's own characters."""
    rnd = random.Random(seed)
    chars = sorted({c for c in corpus if "\u4e00" <= c <= "\u9fff"})
    terms: set[str] = set()
    while len(terms) < n_terms:
        terms.add("".join(rnd.choice(chars) for _ in range(rnd.randint(2, 6))))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "layer.toml").write_text(
        'name = "synthetic"\nlevel = "province"\nparent = "national"\nversion = "bench"\n', encoding="utf-8"
    )
    with (folder / "synthetic.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i, t in enumerate(sorted(terms)):
            w.writerow((f"syn-{i}", t, "typo", "warning", "", "合成词条（基准测试）"))
    return folder


def best_of(n: int, fn):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--terms", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import ahocorasick_rs

    import cuomin
    from cuomin.dictionary import load_dictionary
    from cuomin.normalize import default_normalizer

    files = sorted(CORPUS.glob("*.txt"))
    docs = [(p.read_text(encoding="utf-8"), dt.date(int(p.name[:4]), 12, 31)) for p in files]
    corpus = "".join(t for t, _ in docs)
    mbytes = len(corpus.encode("utf-8")) / 1e6

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        cache = tmpdir / "cache"
        layer = synthetic_layer(tmpdir / "synthetic", args.terms, corpus)

        t0 = time.perf_counter()
        d = load_dictionary([layer], cache_dir=cache)
        cold = time.perf_counter() - t0
        warm, d = best_of(5, lambda: load_dictionary([layer], cache_dir=cache))
        checker = cuomin.Checker(d, select=["WD"])  # the dictionary engine of this issue
        all_rules = cuomin.Checker(d)  # plus every installed rule, for reference
        norm = default_normalizer()

        def run_checker() -> int:
            return sum(len(checker.check_text(text, date=date)) for text, date in docs)

        run_checker()  # warm-up: jieba, caches
        t_check, n_findings = best_of(args.repeat, run_checker)

        def run_all_rules() -> int:
            return sum(len(all_rules.check_text(text, date=date)) for text, date in docs)

        run_all_rules()
        t_all, n_all = best_of(args.repeat, run_all_rules)

        normalised = [norm.normalize(t).text for t, _ in docs]
        keys = list(d.key_text)
        rs = ahocorasick_rs.AhoCorasick(keys)

        def run_rs() -> int:
            return sum(len(rs.find_matches_as_indexes(t, overlapping=True)) for t in normalised)

        t_rs, n_rs = best_of(args.repeat, run_rs)

        def run_scan_only() -> int:
            return sum(len(d.scan(norm.normalize(t))) for t, _ in docs)

        t_scan, n_scan = best_of(args.repeat, run_scan_only)

        # 10 KB file, warm cache, fresh process each time.
        sample = tmpdir / "sample10k.txt"
        text = docs[-1][0]
        sample.write_text(text[: 10_000 // 3], encoding="utf-8")
        exe = Path(sys.executable).with_name("cuomin")
        cmd = [str(exe), "check", "--dict", str(layer), "--cache-dir", str(cache), "--fail-on", "none",
               "--no-config", str(sample)]  # fmt: skip
        subprocess.run(cmd, capture_output=True, check=True)
        walls = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True)
            walls.append(time.perf_counter() - t0)
        probe = subprocess.run(
            [sys.executable, "-c",
             "import sys,cuomin; from cuomin.dictionary import load_dictionary as L;"
             f"c=cuomin.Checker(L([{str(layer)!r}], cache_dir={str(cache)!r}));"
             f"c.check_text(open({str(sample)!r}, encoding='utf-8').read());"
             "print('jieba' in sys.modules)"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {dt.date.today()}")
    print(f"corpus: {len(files)} gov-reports, {mbytes:.2f} MB UTF-8, {len(corpus):,} chars")
    print(f"stack: national + {args.terms:,} synthetic terms = {len(d.entries):,} entries, {len(d.keys):,} keys")
    print(f"compile (cold): {cold:.2f} s; load (warm cache, best of 5): {warm * 1000:.0f} ms")
    print(f"check_text end-to-end: {t_check:.3f} s = {mbytes / t_check:.1f} MB/s ({n_findings:,} findings)")
    print(f"check_text with every installed rule ({len(all_rules.rules)} rules): {t_all:.3f} s = {mbytes / t_all:.1f} MB/s ({n_all:,} findings)")
    print(f"normalise + automaton scan only: {t_scan:.3f} s = {mbytes / t_scan:.1f} MB/s ({n_scan:,} occurrences)")
    print(f"raw ahocorasick_rs on normalised text: {t_rs:.3f} s = {mbytes / t_rs:.1f} MB/s ({n_rs:,} matches)")
    print(f"ratio end-to-end / raw ahocorasick_rs: {t_rs / t_check:.0%}")
    print(f"cuomin check 10 KB file, warm cache: median {statistics.median(walls):.2f} s, best {min(walls):.2f} s wall")
    print(f"jieba imported for the 10 KB file: {probe.stdout.strip()}")


if __name__ == "__main__":
    main()
