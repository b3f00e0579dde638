#!/usr/bin/env python3
"""Scan the government work reports with the bundled national layer and draft the
false-positive expectation file for review.

    .venv/bin/python scripts/fp_review.py                 # writes tests/data/fp_expectations.draft.csv
    .venv/bin/python scripts/fp_review.py --in-place      # rewrites tests/data/fp_expectations.csv

Reviewed rows (verdict true/acceptable) that still occur are kept; new findings get an empty
verdict for a reviewer to fill in; rows that no longer occur are dropped (and listed). Also
prints findings per 100,000 characters by severity (for benchmarks/RESULTS.md).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _harness():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fp_harness", ROOT / "tests" / "dictionary" / "fp_harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fp_harness"] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    h = _harness()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--corpus", type=Path, action="append",
        help="folder of reports (default: gov-reports and reports-2018-2025)",
    )  # fmt: skip
    parser.add_argument("--expectations", type=Path, default=h.EXPECTATIONS, help="the reviewed file")
    parser.add_argument("--out", type=Path, help="draft to write (default: <expectations>.draft.csv)")
    parser.add_argument("--in-place", action="store_true", help="rewrite the expectation file itself")
    parser.add_argument("--cache-dir", help="compiled-dictionary cache")
    args = parser.parse_args(argv)
    folders = args.corpus or [h.GOV_REPORTS, h.MODERN_REPORTS]
    missing = [f for f in folders if not f.is_dir()]
    if missing:
        print(f"corpus not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    checker = h.national_checker(args.cache_dir)
    started = time.perf_counter()
    seen, every, chars = h.scan(checker, h.report_files(folders))
    elapsed = time.perf_counter() - started
    old, problems = h.read_expectations(args.expectations)
    out = args.expectations if args.in_place else (args.out or args.expectations.with_suffix(".draft.csv"))
    kept, new = h.write_expectations(out, seen, old)
    current = {s.key for s in seen}
    for key in old:
        if key not in current:
            print("no longer found:", " | ".join(key), file=sys.stderr)
    for s in seen:
        if s.key not in old:
            print("NEW", h.describe(s))
    by_severity = Counter(f.severity.value for f in every)
    print(f"{len(every)} findings ({len(seen)} distinct) in {chars:,} characters, {elapsed:.2f} s; "
          f"dictionary {checker.dictionary.version}")  # fmt: skip
    for sev in ("critical", "error", "warning"):
        print(f"  {sev:8} {by_severity.get(sev, 0):5}  {by_severity.get(sev, 0) * 100_000 / max(chars, 1):.2f} per 100,000 characters")
    print(f"wrote {out}: {kept} reviewed rows kept, {new} new rows to review")
    return 0


if __name__ == "__main__":
    sys.exit(main())
