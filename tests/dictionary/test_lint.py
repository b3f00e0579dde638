"""`cuomin dict lint`: every kind of problem, where it points, and what it says to do."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from core.layers import entry, write_layer

from cuomin.cli import main
from cuomin.dictionary.lint import LintLevel, LintReport, lint_stack
from cuomin.errors import DictionaryError


def _lint(*paths: Path, cache: Path, **kw: object) -> LintReport:
    return lint_stack([str(p) for p in paths], cache_dir=cache, **kw)  # type: ignore[arg-type]


def _codes(report: LintReport) -> list[tuple[str, str]]:
    return [(p.level.value, p.code) for p in report.problems]


def _line(problem_source: str) -> int:
    return int(problem_source.rsplit(":", 1)[1])


def test_clean_layer_has_no_problems(national: Path, cache_dir: Path) -> None:
    report = _lint(national, cache=cache_dir)
    assert report.ok and report.problems == ()
    assert report.layers == ("national",) and report.entries == 5


def test_duplicates_in_one_layer(tmp_path: Path, cache_dir: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [
        entry("台湾总统", example_wrong="台湾总统讲话。", example_right="台湾地区领导人讲话。"),
        entry("台湾总统", example_wrong="台湾总统讲话。", example_right="台湾地区领导人讲话。"),  # same id
        dict(entry("臺灣總統"), id="other", example_wrong="臺灣總統讲话。", example_right="好。"),  # same term, traditional
    ])  # fmt: skip
    report = _lint(layer, cache=cache_dir)
    assert not report.ok
    by_code = {p.code: p for p in report.problems}
    assert _line(by_code["duplicate-id"].source) == 3
    assert _line(by_code["duplicate-term"].source) == 4
    assert "台湾总统" in by_code["duplicate-term"].message
    assert all(p.advice for p in report.problems)
    # the stack does not load, so the examples are not run, and lint says so
    assert ("warning", "examples-skipped") in _codes(report)


def test_dated_duplicates_with_complementary_windows_are_fine(tmp_path: Path, cache_dir: Path) -> None:
    """One title correct in two periods is written as two entries whose windows fit together."""
    layer = write_layer(tmp_path / "n", "n", "national", [
        dict(entry("某职务张三"), id="a", valid_until="2010-01-01", example_wrong="某职务张三讲话。",
             example_right="原某职务张三讲话。"),
        dict(entry("某职务张三"), id="b", valid_from="2010-01-02", example_wrong="某职务张三讲话。",
             example_right="原某职务张三讲话。"),
    ])  # fmt: skip
    assert "duplicate-term" not in {p.code for p in _lint(layer, cache=cache_dir).problems}


def test_conflicts_between_layers(national: Path, cache_dir: Path) -> None:
    child = write_layer(national.parent / "city", "city", "city", [
        dict(entry("按步就班"), id="city-按步就班", example_wrong="要按步就班。", example_right="要按部就班。"),
        {"id": "再接再励", "action": "override", "reason": "本市规定"},  # changes nothing
        {"id": "台独", "action": "override", "allow": "独立自主", "reason": "x"},  # allow without the term
        {"id": "台湾总统", "action": "retract", "reason": "试图撤销锁定词条"},
        {"id": "不存在", "action": "override", "severity": "warning", "reason": "x"},
        {"id": "国土资源部", "action": "override", "severity": "critical"},  # no reason
    ], parent="national")  # fmt: skip
    report = _lint(child, cache=cache_dir)
    got = {p.code: p for p in report.problems}
    assert {"redefines-upper", "override-noop", "allow-without-term", "retract-locked", "unknown-id",
            "missing-reason"} <= set(got)  # fmt: skip
    assert _line(got["redefines-upper"].source) == 2 and "override" in got["redefines-upper"].advice
    assert _line(got["override-noop"].source) == 3 and got["override-noop"].level is LintLevel.WARNING
    assert _line(got["allow-without-term"].source) == 4
    assert _line(got["retract-locked"].source) == 5
    assert _line(got["unknown-id"].source) == 6
    assert got["missing-reason"].level is LintLevel.WARNING
    assert all(p.layer == "city" for p in report.problems)
    assert all(str(child) in p.source for p in report.problems if p.source)
    assert main(["dict", "lint", "--dict", str(child), "--cache-dir", str(cache_dir)]) == 1


def test_only_named_layers_are_reported_unless_all(national: Path, cache_dir: Path) -> None:
    # the parent gets an entry without examples; the child is clean
    with (national / "entries.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write("无例句,无例句,typo,error,,说明。,,,,,,,,,,,\n")
    child = write_layer(national.parent / "unit", "unit", "unit", [], parent="national")
    assert _lint(child, cache=cache_dir).problems == ()
    everything = lint_stack([str(child)], all_layers=True, cache_dir=cache_dir)
    assert everything.layers == ("national", "unit")
    assert [p.code for p in everything.problems] == ["missing-example", "missing-example"]


def test_every_bad_row_is_reported(tmp_path: Path, cache_dir: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [
        entry("好词一", example_wrong="好词一。", example_right="好。"),
        entry("坏词一", category="nonsense"),
        entry("坏词二", severity="very"),
        entry("坏词三", valid_from="2020-13-01"),
    ])  # fmt: skip
    report = _lint(layer, cache=cache_dir)
    formats = [p for p in report.problems if p.code == "format"]
    assert [_line(p.source) for p in formats] == [3, 4, 5]
    assert "类别" in formats[0].message and "严重程度" in formats[1].message and "日期" in formats[2].message


def test_failing_examples_are_errors(tmp_path: Path, cache_dir: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [
        entry("再接再励", example_wrong="希望再接再厉。", example_right="希望再接再厉。"),  # wrong lacks the term
        entry("大麻", category="sensitive", example_wrong="出售大麻。", example_right="这是个大麻烦。"),
    ])  # fmt: skip
    report = _lint(layer, cache=cache_dir, collisions=False)
    fails = [p for p in report.problems if p.code == "example-fails"]
    assert [(_line(p.source), p.entry) for p in fails] == [(2, "再接再励"), (3, "大麻")]
    assert "找不到" in fails[0].message and "正确例句" in fails[1].message


def test_missing_examples_are_warnings(tmp_path: Path, cache_dir: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [entry("再接再励", example_wrong="希望再接再励。")])
    report = _lint(layer, cache=cache_dir)
    assert report.ok and _codes(report) == [("warning", "missing-example")]
    assert "example_right" in report.problems[0].message


def test_collisions_with_common_words(tmp_path: Path, cache_dir: Path) -> None:
    """Real jieba word list: a term inside 人民政府, one that two words spell across their
    boundary (平台|独立), one that is a common word itself; allow phrases and boundary fix them."""
    rows = [
        entry("民政府", example_wrong="民政府。", example_right="好。"),
        entry("台独", category="sovereignty", example_wrong="反对台独。", example_right="好。"),
        entry("政府", category="sensitive", example_wrong="政府。", example_right="好。"),
        dict(entry("台独", category="sovereignty", boundary="yes", example_wrong="反对台独。", example_right="好。"),
             id="台独2"),
    ]
    layer = write_layer(tmp_path / "n", "n", "national", rows[:3])
    report = _lint(layer, cache=cache_dir, examples=False)
    got = {(p.entry, p.code): p for p in report.problems}
    assert "人民政府" in got[("民政府", "inside-word")].message
    assert "“平台”+“独立”" in got[("台独", "across-words")].message
    assert ("政府", "common-word") in got
    assert all(p.level is LintLevel.WARNING for p in report.problems)
    fixed = write_layer(tmp_path / "m", "m", "national", [
        dict(rows[0], allow="人民政府|国民政府"), rows[3],
    ])  # fmt: skip
    assert _lint(fixed, cache=cache_dir, examples=False).problems == ()


def test_collisions_with_a_custom_word_list(tmp_path: Path, cache_dir: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("大麻烦 500 n\n大麻哈鱼 300 n\n麻烦 9000 a\n罕见大麻词 5 n\n", encoding="utf-8")
    layer = write_layer(tmp_path / "n", "n", "national", [
        entry("大麻", category="sensitive", allow="大麻烦", example_wrong="出售大麻。", example_right="大麻烦。"),
    ])  # fmt: skip
    report = _lint(layer, cache=cache_dir, examples=False, word_list=str(words), min_word_freq=100)
    [problem] = report.problems
    assert problem.code == "inside-word" and "大麻哈鱼" in problem.message
    assert "大麻烦" not in problem.message and "罕见" not in problem.message


def test_allow_txt_phrases_are_checked(national: Path, cache_dir: Path) -> None:
    child = write_layer(national.parent / "u", "u", "unit", [], parent="national", allow=["再接再励", "   ", "# 注释"])
    report = _lint(child, cache=cache_dir)
    [problem] = report.problems
    assert problem.code == "allow-whole-term" and problem.source.endswith("allow.txt:1")


def test_a_broken_chain_is_a_usage_error(tmp_path: Path, cache_dir: Path) -> None:
    orphan = write_layer(tmp_path / "o", "o", "unit", [], parent="missing")
    with pytest.raises(DictionaryError):
        lint_stack([str(orphan)], cache_dir=cache_dir)
    assert main(["dict", "lint", "--dict", str(orphan), "--cache-dir", str(cache_dir)]) == 2


def test_lint_output_and_exit_codes(national: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dict", "lint", "--dict", str(national), "--cache-dir", str(cache_dir)]) == 0
    out = capsys.readouterr().out
    assert "检查了 national 层的 5 个词条：错误 0 处，提醒 0 处。" in out
    with (national / "entries.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write("按步就班,按步就班,typo,error,,重复。,,,,,,,,,,,\n")
    assert main(["dict", "lint", "--dict", str(national), "--cache-dir", str(cache_dir)]) == 1
    out = capsys.readouterr().out
    assert "entries.csv:7: 错误 [duplicate-id]" in out and "怎么办：" in out
    assert main(["dict", "lint", "--format", "json", "--dict", str(national), "--cache-dir", str(cache_dir)]) == 1
    assert '"code": "duplicate-id"' in capsys.readouterr().out


def test_lint_handles_a_large_layer(tmp_path: Path, cache_dir: Path) -> None:
    """3,000 entries with examples: everything is checked (bench_dict_tools.py times it)."""
    rng = random.Random(7)
    rare = [chr(c) for c in range(0x4E00, 0x9FA5)]
    terms: set[str] = set()
    while len(terms) < 3000:
        terms.add("".join(rng.choice(rare) for _ in range(rng.randint(3, 5))))
    rows = [entry(t, example_wrong=f"今年{t}。", example_right="今年好。") for t in sorted(terms)]
    layer = write_layer(tmp_path / "big", "big", "national", rows)
    report = _lint(layer, cache=cache_dir)
    assert report.entries == 3000
    assert not report.errors, report.errors[:3]
    with (layer / "entries.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.reader(fh)) == 3001
