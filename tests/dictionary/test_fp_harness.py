"""The harness's own pieces: report dates and a context key that ignores white space."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.layers import entry, write_layer
from hypothesis import given, settings
from hypothesis import strategies as st

import cuomin

from .fp_harness import (
    Seen,
    context_key,
    read_expectations,
    report_date,
    squeeze,
    write_expectations,
)


def test_report_date() -> None:
    assert report_date(Path("2013政府工作报告_温家宝.txt")) == dt.date(2013, 3, 5)
    assert report_date(Path("gwr-2024.txt")) == dt.date(2024, 3, 5)
    assert report_date(Path("cpc-20.txt")) == dt.date(2022, 10, 16)


_FILLER = st.text(st.sampled_from("各地区部门要认真落实　 \n\t。，"), max_size=40)


@settings(max_examples=150, deadline=None)
@given(_FILLER, _FILLER)
def test_context_key_marks_the_match_and_ignores_white_space(left: str, right: str) -> None:
    checker = _checker()
    text = left + "按步就班" + right
    [finding] = [f for f in checker.check_text(text) if f.entry == "按步就班"]
    key = context_key(finding)
    before, rest = key.split("【", 1)
    match, after = rest.split("】", 1)
    assert match == "按步就班"
    assert squeeze(left).endswith(before) and len(before) <= 8
    assert squeeze(right).startswith(after) and len(after) <= 8
    wide_left, wide_right = left.replace("　", "  "), right.replace("\n", "\r\n")
    spaced = checker.check_text(wide_left + "按步就班" + wide_right)
    [again] = [f for f in spaced if f.entry == "按步就班"]
    if len(wide_left) <= 20 and len(wide_right) <= 20:  # inside the checker's context window
        assert context_key(again) == key

_CHECKER: list[cuomin.Checker] = []


def _checker() -> cuomin.Checker:
    if not _CHECKER:
        import tempfile

        folder = Path(tempfile.mkdtemp())
        layer = write_layer(folder / "n", "n", "national", [entry("按步就班")])
        _CHECKER.append(cuomin.Checker(dictionaries=[layer], cache_dir=folder / "cache"))
    return _CHECKER[0]


def test_expectations_round_trip_and_unreviewed_rows_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "exp.csv"
    seen = [Seen("a.txt", "e1", "错", "左【错】右", "error", "WD600", 3), Seen("b.txt", "e2", "错", "x【错】y", "error", "WD600", 1)]
    kept, new = write_expectations(path, seen, {})
    assert (kept, new) == (0, 2)
    rows, problems = read_expectations(path)
    assert len(rows) == 2 and len(problems) == 2 and "verdict" in problems[0]
    text = path.read_text(encoding="utf-8").replace(",,\n", ",true,报告原文确有此错\n", 1)
    path.write_text(text, encoding="utf-8")
    rows, problems = read_expectations(path)
    assert len(problems) == 1
    kept, new = write_expectations(path, seen[:1], rows)
    assert (kept, new) == (1, 0)
    assert read_expectations(path) == ({seen[0].key: {**rows[seen[0].key]}}, [])
