"""The false-positive regression harness: the national layer over real government reports.

Every finding on ../shared/corpus/gov-reports and reports-2018-2025 (document date: the day
the report was delivered, see :func:`report_date`) is compared with the reviewed expectation file ``tests/data/fp_expectations.csv``:
one row per (file, entry, match, context) with a verdict, ``true`` (a real error in the
report) or ``acceptable`` (correct text that the entry tolerably flags), and a reason.
``scripts/fp_review.py`` writes a draft of that file for a reviewer. Shared by the test and
the script; imports nothing but cuomin and the standard library.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cuomin
from cuomin.extract import load_document
from cuomin.model import Finding

ROOT = Path(__file__).resolve().parents[2]
GOV_REPORTS = ROOT.parent / "shared" / "corpus" / "gov-reports"
MODERN_REPORTS = ROOT.parent / "shared" / "corpus" / "reports-2018-2025"
# Opening days of the 16th–20th party congresses (the reports' delivery dates).
_CONGRESS_DATES = {16: dt.date(2002, 11, 8), 17: dt.date(2007, 10, 15), 18: dt.date(2012, 11, 8),
                   19: dt.date(2017, 10, 18), 20: dt.date(2022, 10, 16)}  # fmt: skip
EXPECTATIONS = ROOT / "tests" / "data" / "fp_expectations.csv"
FIELDS = ("file", "entry", "match", "context", "verdict", "reason")
VERDICTS = ("true", "acceptable")
CONTEXT_CHARS = 8  # each side, after removing white space
_WINDOW = 20  # the checker's context width (cuomin.checker.CONTEXT_WIDTH)
_SPACE_RE = re.compile(r"\s+")

Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class Seen:
    """One distinct finding of the scan (repeats in the same file are counted)."""

    file: str
    entry: str
    match: str
    context: str
    severity: str
    code: str
    line: int
    count: int = 1

    @property
    def key(self) -> Key:
        return (self.file, self.entry, self.match, self.context)


def report_date(path: Path) -> dt.date:
    """The day a report was delivered: ``cpc-20.txt`` → 2022-10-16; a government work report
    (``1999政府工作报告_朱镕基.txt``, ``gwr-2024.txt``) → 5 March of its year, the day the NPC
    session opens since 1998 (earlier sessions met on other days of the year; 5 March keeps
    every report before the change of premier that the same session decided)."""
    m = re.match(r"cpc-(\d+)", path.name)
    if m is not None:
        return _CONGRESS_DATES[int(m.group(1))]
    m = re.search(r"(\d{4})", path.name)
    if m is None:
        raise ValueError(f"{path.name}: no year in the file name")
    return dt.date(int(m.group(1)), 3, 5)


def squeeze(text: str) -> str:
    return _SPACE_RE.sub("", text)


def context_key(finding: Finding) -> str:
    """A short context that survives changes of white space: ``左文【匹配】右文``."""
    offset = min(finding.start, _WINDOW)
    left = finding.context[:offset]
    right = finding.context[offset + (finding.end - finding.start) :]
    return f"{squeeze(left)[-CONTEXT_CHARS:]}【{squeeze(finding.match)}】{squeeze(right)[:CONTEXT_CHARS]}"


def national_checker(cache_dir: str | Path | None = None) -> cuomin.Checker:
    return cuomin.Checker(select=["WD"], cache_dir=cache_dir)


def report_files(folders: Iterable[Path] = (GOV_REPORTS, MODERN_REPORTS)) -> list[Path]:
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir() if p.suffix == ".txt")


def scan(checker: cuomin.Checker, files: Iterable[Path]) -> tuple[list[Seen], list[Finding], int]:
    """(distinct findings, all findings, characters scanned)."""
    distinct: dict[Key, Seen] = {}
    every: list[Finding] = []
    chars = 0
    for path in files:
        doc = load_document(path)
        chars += sum(len(s.text) for s in doc.segments)
        for f in checker.iter_findings(doc, date=report_date(path)):
            every.append(f)
            seen = Seen(path.name, f.entry, squeeze(f.match), context_key(f), f.severity.value, f.code, f.line)
            old = distinct.get(seen.key)
            distinct[seen.key] = seen if old is None else Seen(*old.key, old.severity, old.code, old.line, old.count + 1)
    return list(distinct.values()), every, chars


def read_expectations(path: Path = EXPECTATIONS) -> tuple[dict[Key, dict[str, str]], list[str]]:
    """Rows by key, and the problems of the file itself (unreviewed or malformed rows)."""
    rows: dict[Key, dict[str, str]] = {}
    problems: list[str] = []
    if not path.is_file():
        return rows, [f"{path} 不存在：运行 scripts/fp_review.py 生成草稿并审核"]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != FIELDS:
            return rows, [f"{path}: 表头应为 {','.join(FIELDS)}"]
        for row in reader:
            where = f"{path.name}:{reader.line_num}"
            key = (row["file"], row["entry"], row["match"], row["context"])
            if row["verdict"] not in VERDICTS:
                problems.append(f"{where}: verdict 应为 true 或 acceptable（已审核），而不是“{row['verdict']}”")
            elif not row["reason"].strip():
                problems.append(f"{where}: 缺少 reason（为什么是真错误，或为什么可以接受）")
            if key in rows:
                problems.append(f"{where}: 与前面的行重复")
            rows[key] = row
    return rows, problems


def write_expectations(path: Path, seen: Iterable[Seen], old: dict[Key, dict[str, str]]) -> tuple[int, int]:
    """Write every current finding, keeping reviewed verdicts; new ones get an empty verdict.
    Returns (kept, new)."""
    kept = new = 0
    rows = []
    for s in sorted(seen, key=lambda s: (s.file, s.line, s.entry)):
        prev = old.get(s.key)
        if prev is not None:
            kept += 1
            rows.append(prev)
        else:
            new += 1
            rows.append({"file": s.file, "entry": s.entry, "match": s.match, "context": s.context,
                         "verdict": "", "reason": ""})  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in FIELDS})
    return kept, new


def describe(s: Seen) -> str:
    times = f"（{s.count} 处）" if s.count > 1 else ""
    return f"{s.file}:{s.line}: {s.severity} {s.code} {s.entry} “{s.match}” {s.context}{times}"
