"""Dictionary tools benchmark (issue 3: tools and false-positive regression).

Measures, in one process, on a synthetic 3,000-entry layer (terms of 2–5 characters drawn
from ordinary Chinese text, so that many occur inside common words) placed under a small
national layer:
  * ``lint_stack`` in full (replay, 6,000 example sentences, collision check against jieba's
    word list), and with examples and collisions separately;
  * ``run_stack_examples`` (``cuomin dict test``);
  * ``explain_term`` on one term (warm cache);
  * ``import_words`` of a 3,000-line .txt into an empty layer;
  * the false-positive scan of ../shared/corpus/gov-reports with the bundled national layer,
    and findings per 100,000 characters by severity.

Usage:  .venv/bin/python benchmarks/bench_dict_tools.py
"""

from __future__ import annotations

import csv
import importlib.util
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("id", "term", "category", "severity", "suggestions", "explanation", "example_wrong", "example_right")


def _layer(folder: Path, name: str, level: str, rows: list[dict[str, str]], parent: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    extra = f'parent = "{parent}"\n' if parent else ""
    (folder / "layer.toml").write_text(f'name = "{name}"\nlevel = "{level}"\nversion = "1"\n{extra}', encoding="utf-8")
    with (folder / "entries.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return folder


def _terms(n: int, seed: int = 3) -> list[str]:
    sample = (ROOT.parent / "shared" / "corpus" / "gov-reports" / "2017政府工作报告_李克强.txt").read_text(encoding="utf-8")
    chars = [c for c in sample if "\u4e00" <= c <= "\u9fff"]
    rnd = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        start = rnd.randrange(len(chars) - 6)
        word = "".join(chars[start : start + rnd.randint(2, 5)])
        out.add(word[:-1] + rnd.choice(chars))  # a one-character slip of real text
    return sorted(out)


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    result = fn()
    print(f"{label:58} {time.perf_counter() - t:7.2f} s")
    return result


def main() -> int:
    from cuomin.dictionary.examples import run_stack_examples
    from cuomin.dictionary.explain import explain_term
    from cuomin.dictionary.importer import import_words
    from cuomin.dictionary.lint import lint_stack

    tmp = Path(tempfile.mkdtemp(prefix="bench-dict-"))
    cache = tmp / "cache"
    _layer(tmp / "national", "national", "national", [])
    terms = _terms(3000)
    rows = [{"id": t, "term": t, "category": "typo", "severity": "error", "suggestions": "",
             "explanation": "示例。", "example_wrong": f"今天{t}了。", "example_right": "今天好了。"} for t in terms]  # fmt: skip
    layer = _layer(tmp / "big", "big", "province", rows, parent="national")
    paths = [str(layer)]
    _timed("compile the 3,000-entry stack (cold)", lambda: lint_stack(paths, cache_dir=cache, collisions=False))
    report = _timed("lint, full (replay + 6,000 examples + collisions)", lambda: lint_stack(paths, cache_dir=cache))
    print(f"  {len(report.errors)} errors, {len(report.warnings)} warnings:",
          dict(Counter(p.code for p in report.problems)))  # fmt: skip
    _timed("lint, replay + collisions only", lambda: lint_stack(paths, cache_dir=cache, examples=False))
    _timed("lint, replay only", lambda: lint_stack(paths, cache_dir=cache, examples=False, collisions=False))
    tested = _timed("dict test (6,000 sentences)", lambda: run_stack_examples(paths, cache_dir=cache))
    print(f"  {len(tested.results)} sentences, {len(tested.failures)} failures")
    _timed("dict explain one term (warm cache)", lambda: explain_term(terms[0], paths, cache_dir=cache))
    words = tmp / "words.txt"
    words.write_text("\n".join(terms) + "\n", encoding="utf-8")
    imported = _timed("dict import of a 3,000-line .txt", lambda: import_words(words, tmp / "unit", category="typo"))
    print(f"  added {len(imported.added)}, skipped {len(imported.skipped)}, bad {len(imported.bad)}")

    spec = importlib.util.spec_from_file_location("fp_harness", ROOT / "tests" / "dictionary" / "fp_harness.py")
    assert spec is not None and spec.loader is not None
    h = importlib.util.module_from_spec(spec)
    sys.modules["fp_harness"] = h
    spec.loader.exec_module(h)
    checker = _timed("national checker (compile or load)", lambda: h.national_checker(cache))
    seen, every, chars = _timed("false-positive scan of gov-reports", lambda: h.scan(checker, h.report_files()))
    by = Counter(f.severity.value for f in every)
    print(f"  {len(every)} findings ({len(seen)} distinct) in {chars:,} characters; {checker.dictionary.version}")
    for sev in ("critical", "error", "warning"):
        print(f"  {sev:8} {by.get(sev, 0):4}  {by.get(sev, 0) * 100_000 / chars:.2f} per 100,000 characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
