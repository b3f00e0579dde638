"""Rules benchmark (issue 5: rule API and built-in rules).

Runs every installed rule except the dictionary (``--ignore WD``) over every file of
../shared/corpus (gov-reports, reports-2018-2025 and the news-html pages through the HTML
extractor), each document with its own date, and reports:

  * findings per 100,000 characters per rule code and severity (precision on real text:
    critical and error should be all but silent);
  * throughput of all rules together in MB/s of UTF-8 segment text, by wall clock and by
    process CPU time (the latter does not depend on other load on the machine); the
    dictionary rule is not run and extraction is not timed;
  * with ``--show critical`` (or error, warning): every finding at that level, to review.

Usage:  .venv/bin/python benchmarks/bench_rules.py [--show error] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
MINI = ROOT / "tests" / "data" / "layers" / "mini"

sys.path.insert(0, str(ROOT / "src"))

import cuomin  # noqa: E402
from cuomin import Document, Severity, load_document  # noqa: E402

_CONGRESS = {"16": "2002-11-08", "17": "2007-10-15", "18": "2012-11-08", "19": "2017-10-18", "20": "2022-10-16"}
_HEAD_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def document_date(path: Path, text: str | None) -> dt.date:
    """The document's own date: the date in a report's heading, a congress's opening day,
    5 March for a government work report, the yymmdd at the end of a news page's name."""
    name = path.stem
    if name.startswith("cpc-"):
        return dt.date.fromisoformat(_CONGRESS[name[4:]])
    if text is not None:
        m = _HEAD_DATE.search(text[:400])
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                pass
    if name.startswith("gwr-"):
        return dt.date(int(name[4:8]), 3, 5)
    m = re.match(r"(\d{4})", name)
    if m:
        return dt.date(int(m.group(1)), 3, 5)
    m = re.search(r"(\d{2})(\d{2})(\d{2})$", name)
    if m:
        return dt.date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return dt.date.today()


def corpus_documents(corpus: Path = CORPUS) -> list[tuple[Path, Document, dt.date]]:
    docs = []
    for sub in ("gov-reports", "reports-2018-2025", "news-html"):
        for path in sorted((corpus / sub).iterdir()):
            if path.suffix not in (".txt", ".shtml", ".html"):
                continue
            doc = load_document(path)
            text = doc.segments[0].text if path.suffix == ".txt" and doc.segments else None
            date = doc.meta.date if path.suffix != ".txt" and doc.meta.date else document_date(path, text)
            docs.append((path, doc, date))
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", choices=("critical", "error", "warning"), help="print findings at or above this level")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is reported)")
    parser.add_argument("--cache-dir", default=str(ROOT / ".cuomin-cache"))
    args = parser.parse_args()

    docs = corpus_documents()
    checker = cuomin.Checker(dictionaries=[MINI], ignore=["WD"], cache_dir=args.cache_dir)
    chars = sum(len(s.text) for _, d, _ in docs for s in d.segments)
    nbytes = sum(len(s.text.encode("utf-8")) for _, d, _ in docs for s in d.segments)
    # Warm-up: builds the near-miss automaton and jieba once (not timed).
    checker.check_text("习近平总书记", date="2024-01-01")

    counts: Counter[tuple[str, str]] = Counter()
    shown: list[str] = []
    best = best_cpu = float("inf")
    for run in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        c0 = time.process_time()
        for path, doc, date in docs:
            for f in checker.iter_findings(doc, date=date):
                if run == 0:
                    counts[(f.code, f.severity.value)] += 1
                    if args.show and f.severity.rank >= Severity(args.show).rank:
                        shown.append(f"{path.parent.name}/{path.name} {date} {f.code} {f.severity.value} "
                                     f"{f.match!r} … {f.context!r}")
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)

    print(f"documents: {len(docs)}, characters: {chars:,}, UTF-8 bytes: {nbytes:,}")
    print(
        f"all rules except the dictionary: {nbytes / best / 1e6:.2f} MB/s wall, {nbytes / best_cpu / 1e6:.2f} MB/s "
        f"CPU time (best of {args.repeat}: {best:.2f} s wall, {best_cpu:.2f} s CPU; one thread)"
    )
    print()
    print("| code | severity | findings | per 100,000 chars |")
    print("|---|---|---:|---:|")
    for (code, sev), n in sorted(counts.items()):
        print(f"| {code} | {sev} | {n} | {n * 100_000 / chars:.2f} |")
    if not counts:
        print("| (none) | | 0 | 0 |")
    for line in shown:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
