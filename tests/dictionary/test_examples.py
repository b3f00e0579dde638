"""`cuomin dict test`: example sentences, dates of dated entries, failure messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from core.layers import entry, write_layer
from hypothesis import given, settings
from hypothesis import strategies as st

from cuomin.cli import main
from cuomin.dictionary import CompiledDictionary, load_dictionary
from cuomin.dictionary.examples import (
    entry_occurrences,
    example_date,
    run_stack_examples,
)
from cuomin.dictionary.records import Entry
from cuomin.filters.boundary import BoundaryChecker
from cuomin.model import Category, Severity

TODAY = dt.date(2026, 11, 22)


def _entry(**kw: object) -> Entry:
    return Entry(id="x", term="x", category=Category.OUTDATED, severity=Severity.ERROR, suggestions=(),
                 explanation="x", **kw)  # type: ignore[arg-type]  # fmt: skip


def test_example_date_is_a_date_on_which_the_term_is_flagged() -> None:
    assert example_date(_entry(), TODAY) == TODAY
    assert example_date(_entry(valid_until=dt.date(2018, 3, 16)), TODAY) == TODAY
    # correct from 2023 on (李强 as premier): flagged only before
    assert example_date(_entry(valid_from=dt.date(2023, 3, 11)), TODAY) == dt.date(2023, 3, 10)
    # correct until after today: flagged after valid_until
    assert example_date(_entry(valid_until=dt.date(2030, 1, 1)), TODAY) == dt.date(2030, 1, 2)
    both = _entry(valid_from=dt.date(2013, 3, 15), valid_until=dt.date(2030, 1, 1))
    assert example_date(both, TODAY) == dt.date(2030, 1, 2)


def test_all_examples_pass(national: Path, cache_dir: Path) -> None:
    report = run_stack_examples([str(national)], cache_dir=cache_dir, today=TODAY)
    assert report.ok and report.layers == ("national",)
    assert report.entries == 5 and len(report.results) == 10
    dated = next(r for r in report.results if r.entry == "国土资源部")
    assert dated.date == TODAY and dated.found == ("国土资源部",)


def test_dated_entries_are_tested_inside_their_flagged_period(tmp_path: Path, cache_dir: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [
        entry("国务院总理李强", category="leader", severity="critical", valid_from="2023-03-11",
              example_wrong="国务院总理李强主持会议。", example_right="时任国务院总理李克强主持会议。"),
    ])  # fmt: skip
    report = run_stack_examples([str(layer)], cache_dir=cache_dir, today=TODAY)
    assert report.ok
    assert {r.date for r in report.results} == {dt.date(2023, 3, 10)}


def test_failures_say_why(tmp_path: Path, cache_dir: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [
        entry("总统", category="sovereignty", example_wrong="台湾总统讲话。", example_right="美国总统讲话。"),
        entry("台湾总统", category="sovereignty", example_wrong="台湾总统讲话。", example_right="好。"),
        entry("大麻", category="sensitive", allow="大麻烦", example_wrong="这是大麻烦。", example_right="好。"),
        entry("台独", boundary="yes", example_wrong="平台独立运行。", example_right="好。"),
        entry("国土资源部", category="outdated", valid_until="2018-03-16",
              example_wrong="2017年国土资源部印发通知。", example_right="好。"),
        entry("再接再励", example_wrong="希望再接再厉。", example_right="希望再接再励。"),
    ])  # fmt: skip
    report = run_stack_examples([str(layer)], cache_dir=cache_dir, today=TODAY)
    failures = {(r.entry, r.kind): r for r in report.failures}
    assert set(failures) == {("总统", "wrong"), ("总统", "right"), ("大麻", "wrong"), ("台独", "wrong"),
                             ("国土资源部", "wrong"), ("再接再励", "wrong"), ("再接再励", "right")}  # fmt: skip
    assert "台湾总统" in failures[("总统", "wrong")].message  # swallowed by the longer entry
    assert failures[("总统", "wrong")].found == ("台湾总统",)
    assert "放行短语“大麻烦”" in failures[("大麻", "wrong")].message
    assert "boundary" in failures[("台独", "wrong")].message
    assert "历史" in failures[("国土资源部", "wrong")].message
    assert "找不到" in failures[("再接再励", "wrong")].message
    assert "正确例句也报出" in failures[("再接再励", "right")].message
    assert all(r.source.endswith(f"entries.csv:{line}") for (e, _), r in failures.items()
               for line in [{"总统": 2, "台湾总统": 3, "大麻": 4, "台独": 5, "国土资源部": 6, "再接再励": 7}[e]])  # fmt: skip


def test_only_named_layers_unless_all(national: Path, cache_dir: Path) -> None:
    child = write_layer(national.parent / "city", "city", "city", [
        entry("某市长", category="leader", example_wrong="某市长讲话。", example_right="市长讲话。"),
        {"id": "台独", "action": "override", "allow": "反对台独", "reason": "测试"},  # breaks the parent's example
    ], parent="national")  # fmt: skip
    report = run_stack_examples([str(child)], cache_dir=cache_dir, today=TODAY)
    assert report.layers == ("city",) and report.entries == 2  # its own entry and the one it changed
    [failure] = report.failures
    assert failure.entry == "台独" and "city 层修改于" in failure.source
    everything = run_stack_examples([str(child)], all_layers=True, cache_dir=cache_dir, today=TODAY)
    assert everything.entries == 6 and len(everything.failures) == 1


def test_cli(national: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dict", "test", "--dict", str(national), "--cache-dir", str(cache_dir)]) == 0
    assert "通过 10 句，未通过 0 句" in capsys.readouterr().out
    with (national / "entries.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write("坏例句,坏例句,typo,error,,说明。,,,,,,,,没有这个词。,,,\n")
    assert main(["dict", "test", "--dict", str(national), "--cache-dir", str(cache_dir)]) == 1
    out = capsys.readouterr().out
    assert "entries.csv:7: 未通过 坏例句 错误例句“没有这个词。”" in out and "原因：" in out


_NOISE = st.text(st.sampled_from("各地要 　\u200b，。按步"), max_size=12)


@settings(max_examples=100, deadline=None)
@given(_NOISE, st.lists(st.sampled_from(["", "\u200b", "　", "\u200d"]), min_size=3, max_size=3), _NOISE)
def test_occurrences_point_at_the_original_text(left: str, gaps: list[str], right: str) -> None:
    """Offsets of entry_occurrences index the text as written, noise inside the term included."""
    d, boundary = _mini()
    term = "按" + gaps[0] + "步" + gaps[1] + "就" + gaps[2] + "班"
    text = left + term + right
    index = next(i for i in range(len(d)) if d.entries[i].id == "typo-按步就班")
    occ = entry_occurrences(d, index, text, TODAY, boundary)
    assert any(o.start == len(left) and o.end == len(left) + len(term) for o in occ)
    for o in occ:
        assert text[o.start : o.end] == o.match
        assert d.normalizer.normalize_term(o.match) == "按步就班"
        assert o.status == ""


_MINI: list[tuple[CompiledDictionary, BoundaryChecker]] = []


def _mini() -> tuple[CompiledDictionary, BoundaryChecker]:
    if not _MINI:
        mini = Path(__file__).resolve().parents[1] / "data" / "layers" / "mini"
        _MINI.append((load_dictionary([mini], use_cache=False), BoundaryChecker()))
    return _MINI[0]
