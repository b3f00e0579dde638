"""Segment filters: quoted corrections, inline suppressions (with SP001/SP002), one finding per span."""

from __future__ import annotations

from pathlib import Path

import cuomin
from cuomin import Document, Location, Part, Segment, load_document
from cuomin.filters.quoted import wrong_form_spans

from .helpers import MINI, RuleRunner, matches


def test_quoted_wrong_forms_are_not_findings(mini_checker: cuomin.Checker) -> None:
    text = (
        "经查，有的网站将“扫黑除恶”错误表述为“扫黑险恶”。另，“按步就班”应为“按部就班”，"
        "把“再接再厉”误写成“再接再励”。错误表述：“共商国事”。但正文又写了扫黑险恶。"
    )
    found = [f for f in mini_checker.check_text(text, date="2024-06-01") if f.code.startswith("WD")]
    assert [(f.match, text.count(f.match, 0, f.start)) for f in found] == [("扫黑险恶", 1)]


def test_wrong_form_spans_point_inside_the_quotes() -> None:
    text = "将“扫黑除恶”错误表述为“扫黑险恶”；“国事”（应为“国是”）"
    assert [text[s:e] for s, e in wrong_form_spans(text)] == ["扫黑险恶", "国事"]


def _doc(*segments: Segment) -> Document:
    return Document(tuple(segments))


def test_suppression_with_reason_drops_matching_codes(run: RuleRunner) -> None:
    seg = Segment("要按步就班推进，秘密★1年", Location(Part.BODY, paragraph=1), suppressions=(("WD6", "引用原文"),))
    checker = run.checker(["WD000", "SM001", "SP001"])
    found = checker.check_document(_doc(seg), date="2024-06-01")
    assert [f.code for f in found] == ["SM001"]


def test_suppression_without_reason_is_a_finding_and_does_not_apply(run: RuleRunner) -> None:
    seg = Segment("要按步就班推进。", Location(Part.BODY, paragraph=1), suppressions=(("WD600", ""),))
    found = run.checker(["WD000", "SP001"]).check_document(_doc(seg), date="2024-06-01")
    assert sorted(f.code for f in found) == ["SP001", "WD600"]
    sp = next(f for f in found if f.code == "SP001")
    assert sp.severity.value == "warning" and "理由" in sp.explanation


def test_suppression_with_an_unknown_code(run: RuleRunner) -> None:
    seg = Segment("正文。", suppressions=(("ZZ9", "理由"),))
    found = run.checker(["SP001"]).check_document(_doc(seg))
    assert [f.code for f in found] == ["SP002"]


def test_suppression_of_everything_and_sp_codes_stay(run: RuleRunner) -> None:
    seg = Segment("要按步就班推进。", suppressions=(("", "整段引用通报原文"), ("WD6", "")))
    found = run.checker(["WD000", "SP001"]).check_document(_doc(seg), date="2024-06-01")
    assert [f.code for f in found] == ["SP001"]


def test_html_comment_through_the_extractor(cache_dir: Path) -> None:
    html = (
        "<html><head><title>通报</title></head><body>"
        "<!-- cuomin: ignore WD600 引用通报中的错误原文 --><p>按步就班</p>"
        "<!-- cuomin: ignore WD600 --><p>再接再励</p>"
        "<p>按步就班</p></body></html>"
    ).encode()
    doc = load_document(html, media_type="text/html")
    checker = cuomin.Checker(dictionaries=[MINI], cache_dir=cache_dir, select=["WD", "SP"])
    found = checker.check_document(doc, date="2024-06-01")
    assert sorted((f.code, f.match) for f in found) == [("SP001", "再接再励"), ("WD600", "再接再励"), ("WD600", "按步就班")]


def test_one_finding_per_place(run: RuleRunner) -> None:
    checker = run.checker(["WD000", "SV002", "LD001"])
    found = checker.check_text("台湾总统发表讲话。国务院总理李克强出席。", date="2024-06-01")
    assert [(f.code, f.match) for f in found] == [("WD400", "台湾总统"), ("WD100", "国务院总理李克强")]
    alone = run.checker(["SV002", "LD001"]).check_text("台湾总统。国务院总理李克强。", date="2024-06-01")
    assert sorted(matches(alone)) == ["台湾总统", "国务院总理李克强"]
