"""FM001/FM002: members and order of fixed formulations; invented sets."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from cuomin.rules.formulations import _lists

from .helpers import RuleRunner, matches


def test_correct_lists_pass(run: RuleRunner) -> None:
    text = (
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”。牢固树立政治意识、大局意识、核心意识、看齐意识，"
        "坚定中国特色社会主义道路自信、理论自信、制度自信、文化自信。坚定道路、理论、制度、文化自信。"
        "统筹推进经济建设、政治建设、文化建设、社会建设、生态文明建设。贯彻创新、协调、绿色、开放、共享的新发展理念。"
        "坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央权威和集中统一领导。"
    )
    assert run.text(["FM001", "FM002"], text) == []


def test_named_set_with_wrong_order_or_member(run: RuleRunner) -> None:
    wrong_order = run.text("FM001", "“四个意识”即政治意识、大局意识、看齐意识、核心意识。")
    assert [f.severity.value for f in wrong_order] == ["critical"]
    assert "政治意识、大局意识、核心意识、看齐意识" in wrong_order[0].suggestions
    wrong_member = run.text("FM001", "四个自信：道路自信、理论自信、制度自信、民族自信。")
    assert len(wrong_member) == 1 and "民族自信" in wrong_member[0].explanation


def test_unnamed_list_out_of_order_is_an_error(run: RuleRunner) -> None:
    [f] = run.text("FM001", "坚定理论自信、道路自信、制度自信、文化自信。")
    assert f.severity.value == "error" and f.match == "坚定理论自信、道路自信、制度自信、文化自信"


def test_ordinary_lists_are_left_alone(run: RuleRunner) -> None:
    text = "增强责任意识、服务意识、大局意识、政治意识。推动政治、经济、文化、社会全面发展。坚持开放、创新。"
    assert run.text("FM001", text) == []


def test_pair_order(run: RuleRunner) -> None:
    text = "坚决维护党中央权威和集中统一领导，坚决维护习近平总书记党中央的核心、全党的核心地位。"
    assert len(run.text("FM001", text)) == 1


def test_invented_sets(run: RuleRunner) -> None:
    found = run.text("FM002", "要做到“四个维护”，落实三个确立，坚定五个自信。")
    assert matches(found) == ["“四个维护”", "三个确立", "五个自信"]
    assert [f.suggestions for f in found] == [("两个维护",), ("两个确立",), ("四个自信",)]


def test_three_confidences_depend_on_the_date(run: RuleRunner) -> None:
    assert run.text("FM002", "坚定三个自信。", date="2015-05-01") == []
    [f] = run.text("FM002", "坚定三个自信。", date="2020-05-01")
    assert f.severity.value == "error"


def test_compounds_are_not_sets(run: RuleRunner) -> None:
    text = "两个意识形态领域，建成三个维护站，第四个意识，十四个自信心强的孩子，这是一个全面的方案。"
    assert run.text("FM002", text) == []


_LIST_SPEC = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+)+")


@given(st.text(alphabet="甲乙丙、，a 　\n", max_size=40))
def test_lists_are_found_as_the_pattern_finds_them(text: str) -> None:
    """The 、-list finder (anchored on 、 for speed) finds what the plain pattern finds."""
    assert list(_lists(text)) == [m.span() for m in _LIST_SPEC.finditer(text)]
