"""FT001–FT004: document-number brackets, paired punctuation, doubled and half-width punctuation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import RuleRunner, html_like, matches


def test_document_number_brackets(run: RuleRunner) -> None:
    text = "根据国办发[2017]47号、京政发【2020】1号、财预(2019)12号和国发〔2016〕5号文件，以及粤府﹝2018﹞3号。"
    found = run.text("FT001", text)
    assert matches(found) == ["[2017]47号", "【2020】1号", "(2019)12号", "﹝2018﹞3号"]
    assert [f.suggestions for f in found][:3] == [("〔2017〕47号",), ("〔2020〕1号",), ("〔2019〕12号",)]
    assert [f.severity.value for f in found] == ["error", "error", "error", "warning"]


def test_case_numbers_and_licences_are_left_alone(run: RuleRunner) -> None:
    text = "（2017）京01民终123号判决；网络文化经营许可证文网文[2010]024号；2017年第5号公告。"
    assert run.text("FT001", text) == []


def test_unbalanced_pairs(run: RuleRunner) -> None:
    found = run.text("FT002", "学习《决定精神，落实“两个确立。\n（一）加强领导）。")
    assert matches(found) == ["《", "“", "）"]
    assert all(f.severity.value == "warning" for f in found)


def test_balanced_and_legitimate_forms(run: RuleRunner) -> None:
    text = (
        "学习《中华人民共和国\n宪法》和“两个确立”。\n"
        "1）第一项；2）第二项。\n"
        "“第一段引文。\n“第二段引文，最后一段才结束。”\n"
    )
    assert run.text("FT002", text) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["《", "》", "“", "”", "（", "）", "中", "文", "。", "\n"]), max_size=40))
def test_pair_findings_point_at_bracket_characters(run: RuleRunner, chars: list[str]) -> None:
    text = "".join(chars)
    for f in run.text("FT002", text):
        assert f.end == f.start + 1 and text[f.start] in "《》“”（）" and f.match == text[f.start]


def test_doubled_punctuation(run: RuleRunner) -> None:
    assert matches(run.text("FT003", "会议结束。。下一步，，继续；；推进，。")) == ["。。", "，，", "；；", "，。"]
    assert run.text("FT003", "他说……——是的！！真的？！") == []


def test_half_width_punctuation(run: RuleRunner) -> None:
    found = run.text("FT004", "调整农业结构,必须坚持;问题?是的。Hello, world. 12:30")
    assert matches(found) == [",", ";", "?"] and found[0].suggestions == ("，",)


def test_meta_keywords_are_not_prose(run: RuleRunner) -> None:
    doc = html_like(["正文,逗号。"], meta=["政务公开,通知公告,，，"])
    assert [(f.match, f.location.part.value if f.location else None) for f in run.document(["FT003", "FT004"], doc)] == [
        (",", "body")
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["《", "》", "“", "”", "（", "）", "(", ")", "中", "文", "。", "\n", "\r\n", "\u2028", "1"]),
                max_size=40))
def test_the_balanced_shortcut_reports_exactly_what_the_full_scan_does(chars: list[str]) -> None:
    """FT002 skips the paragraph scan when every line is balanced: the scan must then find
    nothing."""
    from cuomin.rules.format import _FLAT_LINES_RE, UnbalancedPairRule

    text = "".join(chars)
    rule = UnbalancedPairRule()
    full = [(h.start, h.end, h.explanation) for h in rule._unbalanced(text)]
    if _FLAT_LINES_RE.fullmatch(text) is not None:
        assert full == []
