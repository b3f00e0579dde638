"""dictionaries/examples: a province → city → county → unit chain under the bundled national
layer, showing added entries, allow phrases, a raised severity and a retraction."""

from __future__ import annotations

from pathlib import Path

import cuomin
from cuomin.dictionary import load_dictionary, resolve_stack
from cuomin.dictionary.examples import run_stack_examples
from cuomin.dictionary.lint import lint_stack
from cuomin.model import Severity

from .conftest import EXAMPLES

CHAIN = ["heilongjiang", "qiqihar", "keshan", "keshan-wjj"]
DIRS = [str(EXAMPLES / name) for name in CHAIN]


def test_chain_ends_at_the_bundled_national_layer() -> None:
    chain = resolve_stack([EXAMPLES / "keshan-wjj"])
    assert [m.name for m in chain] == ["national", *CHAIN]
    assert [m.level.value for m in chain] == ["national", "province", "city", "county", "unit"]
    assert chain[0].path == (EXAMPLES.parent / "national").resolve()


def test_every_example_entry_passes_its_examples(cache_dir: Path) -> None:
    report = run_stack_examples(DIRS, cache_dir=cache_dir)
    assert report.layers == tuple(CHAIN)
    assert report.ok, [(r.entry, r.kind, r.message) for r in report.failures]
    added = [r for r in report.results if r.layer in CHAIN]
    per_entry: dict[str, set[str]] = {}
    for r in added:
        per_entry.setdefault(r.entry, set()).add(r.kind)
    assert len(per_entry) >= 25 and all(kinds == {"wrong", "right"} for kinds in per_entry.values())


def test_example_layers_lint_clean(cache_dir: Path) -> None:
    report = lint_stack(DIRS, cache_dir=cache_dir)
    assert not report.errors, [(p.source, p.message) for p in report.errors]


def test_what_the_chain_demonstrates(cache_dir: Path) -> None:
    d = load_dictionary([EXAMPLES / "keshan-wjj"], cache_dir=cache_dir)
    [retraction] = [r for r in d.retractions if r.layer == "qiqihar"]
    assert retraction.term == "鹤城" and retraction.reason
    raised = d.entry("typo-齐齐哈市")  # a national entry, raised by the city
    assert raised is not None and raised.severity is Severity.CRITICAL
    assert [c.layer for c in raised.changes] == ["qiqihar"] and raised.changes[0].reason
    unit_allow = d.entry("ks-outdated-克山县卫生和计划生育局")
    assert unit_allow is not None and "克山县卫生和计划生育局文件" in unit_allow.allow
    assert (EXAMPLES / "keshan-wjj" / "allow.txt").is_file()

    province = cuomin.Checker(dictionaries=[EXAMPLES / "heilongjiang"], cache_dir=cache_dir)
    unit = cuomin.Checker(dictionaries=[EXAMPLES / "keshan-wjj"], cache_dir=cache_dir)

    def entries(checker: cuomin.Checker, text: str, date: str | None = None) -> dict[str, Severity]:
        return {f.entry: f.severity for f in checker.check_text(text, date=date) if f.layer in CHAIN}

    assert entries(province, "鹤城召开会议。") == {"hlj-usage-鹤城": Severity.WARNING}
    assert entries(province, "怀化市鹤城区代表团来访。") == {}
    assert entries(unit, "鹤城召开会议。") == {}  # retracted by the city
    national = {f.entry: f.severity for f in province.check_text("齐齐哈市召开会议。")}
    assert national == {"typo-齐齐哈市": Severity.ERROR}
    assert {f.entry: f.severity for f in unit.check_text("齐齐哈市召开会议。")} == {"typo-齐齐哈市": Severity.CRITICAL}
    quoted = unit.check_text("将“齐齐哈尔市”错写为“齐齐哈市”。")  # the unit's allow.txt
    assert "typo-齐齐哈市" not in {f.entry for f in quoted}
    old_name = "克山县卫生和计划生育局"
    assert entries(unit, f"{old_name}开展义诊。", "2020-01-01") == {"ks-outdated-克山县卫生和计划生育局": Severity.ERROR}
    assert entries(unit, f"{old_name}开展义诊。", "2018-01-01") == {}
    assert entries(unit, f"{old_name}文件", "2020-01-01") == {}
    assert entries(unit, "县委书记腾文举、县长冯择川出席。") == {
        "ks-leader-腾文举": Severity.CRITICAL,
        "ks-leader-冯择川": Severity.CRITICAL,
    }
    assert entries(unit, "县委书记滕文举、县长冯泽川出席。") == {}
