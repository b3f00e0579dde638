"""LD001/LD002: posts and names against the dated table; Standing Committee order."""

from __future__ import annotations

import datetime as dt

from cuomin.rules.leaders import leader_table

from .helpers import RuleRunner, matches


def test_post_name_contradicting_the_date(run: RuleRunner) -> None:
    [f] = run.text("LD001", "国务院总理李克强主持召开国务院常务会议。", date="2024-05-01")
    assert f.match == "国务院总理李克强" and "国务院总理李强" in f.suggestions
    assert "2013年3月15日至2023年3月11日" in f.explanation
    assert run.text("LD001", "国务院总理李克强主持召开国务院常务会议。", date="2017-05-01") == []
    assert run.text("LD001", "国务院总理李强主持召开国务院常务会议。", date="2024-05-01") == []
    assert matches(run.text("LD001", "国务院总理李强出席。", date="2019-05-01")) == ["国务院总理李强"]


def test_wrong_person_for_a_post(run: RuleRunner) -> None:
    found = run.text("LD001", "最高人民检察院检察长张军作报告。", date="2024-03-08")
    assert matches(found) == ["最高人民检察院检察长张军"] and "最高人民检察院检察长应勇" in found[0].suggestions
    assert run.text("LD001", "最高人民法院院长张军作报告。", date="2024-03-08") == []


def test_history_is_left_alone(run: RuleRunner) -> None:
    text = "时任国务院总理李克强出席。2015年，国务院总理李克强提出大众创业、万众创新。"
    assert run.text("LD001", text, date="2024-05-01") == []


def test_spaces_and_traditional_characters(run: RuleRunner) -> None:
    text = "國務院總理 李克強出席。"
    [f] = run.text("LD001", text, date="2024-05-01")
    assert text[f.start : f.end] == "國務院總理 李克強"


def test_standing_committee_order(run: RuleRunner) -> None:
    right = "习近平、李强、赵乐际、王沪宁、蔡奇、丁薛祥、李希出席会议。"
    assert run.text("LD002", right, date="2024-05-01") == []
    wrong = "习近平、赵乐际、李强、王沪宁、蔡奇、丁薛祥、李希出席会议。"
    [f] = run.text("LD002", wrong, date="2024-05-01")
    assert f.match == "习近平、赵乐际、李强、王沪宁、蔡奇、丁薛祥、李希"
    assert f.suggestions == ("习近平、李强、赵乐际、王沪宁、蔡奇、丁薛祥、李希",)
    # The 19th committee had another order: the same list is judged by the date.
    old = "习近平、李克强、栗战书、汪洋、王沪宁、赵乐际、韩正出席。"
    assert run.text("LD002", old, date="2019-05-01") == []
    assert run.text("LD002", "李强、习近平在不同场合讲话，赵乐际调研。", date="2024-05-01") == []


def test_table_is_consistent() -> None:
    table = leader_table()
    for t in table.tenures:
        assert t.end is None or t.start <= t.end, t
    for post in {t.post for t in table.tenures}:
        if post in ("国务院副总理", "中央军委主席"):
            continue  # several holders at once; party and state commissions overlap
        spans = sorted((t.start, t.end) for t in table.tenures if t.post == post)
        for (s1, e1), (s2, _) in zip(spans, spans[1:]):
            assert e1 is not None and e1 <= s2, (post, s1, s2)
    current = table.committee_on(dt.date(2024, 1, 1))
    assert current is not None and current.members[0] == "习近平"
