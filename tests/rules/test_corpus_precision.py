"""Precision on real government text: every rule (the dictionary aside) over a sample of
../shared/corpus, each document with its own date, gives no critical and no error finding.
The full-corpus run with per-rule figures is benchmarks/bench_rules.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import cuomin
from cuomin import load_document

from .helpers import MINI

_CONGRESS = {"16": "2002-11-08", "17": "2007-10-15", "18": "2012-11-08", "19": "2017-10-18", "20": "2022-10-16"}
_HEAD_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _date(path: Path, text: str) -> dt.date:
    """The document's own date (same rule as benchmarks/bench_rules.py)."""
    if path.stem.startswith("cpc-"):
        return dt.date.fromisoformat(_CONGRESS[path.stem[4:]])
    m = _HEAD_DATE.search(text[:400])
    if m:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    year = re.search(r"(\d{4})", path.stem)
    assert year is not None
    return dt.date(int(year.group(1)), 3, 5)


def _sample(corpus_dir: Path) -> list[Path]:
    reports = sorted((corpus_dir / "reports-2018-2025").glob("*.txt"))
    old = sorted((corpus_dir / "gov-reports").glob("*.txt"))[::4]
    pages = sorted((corpus_dir / "news-html").glob("*.shtml"))[::8]
    return reports + old + pages


def test_no_critical_or_error_findings_on_real_text(corpus_dir: Path, cache_dir: Path) -> None:
    checker = cuomin.Checker(dictionaries=[MINI], ignore=["WD", "EX"], cache_dir=cache_dir)
    assert {"NM001", "LD001", "PI001", "SV001", "FM001", "HL001"} <= {r.code for r in checker.rules}
    bad = []
    checked = 0
    for path in _sample(corpus_dir):
        doc = load_document(path)
        if path.suffix == ".txt":
            date = _date(path, doc.segments[0].text)
        else:
            date = doc.meta.date or dt.date(2000 + int(path.stem[-6:-4]), int(path.stem[-4:-2]), int(path.stem[-2:]))
        checked += sum(len(s.text) for s in doc.segments)
        for f in checker.iter_findings(doc, date=date):
            if f.severity.rank >= cuomin.Severity.ERROR.rank:
                bad.append(f"{path.name} {date} {f.code} {f.match!r} {f.context!r}")
    assert checked > 500_000
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("国务院总理李克强指出。", {"LD001"}),
        ("身份证号110101199003074514。", {"PI001"}),
        ("庆祝中华人民共合国成立。", {"NM002"}),
    ],
)
def test_the_same_checker_finds_planted_errors(cache_dir: Path, text: str, codes: set[str]) -> None:
    checker = cuomin.Checker(dictionaries=[MINI], ignore=["WD", "EX"], cache_dir=cache_dir)
    found = {f.code for f in checker.check_text(text, date="2024-06-01")}
    assert codes <= found
