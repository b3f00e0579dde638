"""NM001–NM003: one-character misspellings of protected terms that no dictionary lists."""

from __future__ import annotations

import pytest
from pypinyin import Style, pinyin

from cuomin.rules.near_miss import homophones, similar_shapes

from .helpers import RuleRunner, matches


@pytest.mark.parametrize(
    ("text", "wrong", "right", "code"),
    [
        ("习近凭总书记在会上强调。", "习近凭", "习近平", "NM001"),
        ("委员长赵乐记出席。", "赵乐记", "赵乐际", "NM001"),
        ("国务院副总理丁雪祥主持会议。", "丁雪祥", "丁薛祥", "NM001"),
        ("国务院总理力强主持会议。", "力强", "李强", "NM001"),
        ("庆祝中华人民供和国成立75周年。", "中华人民供和国", "中华人民共和国", "NM002"),
        ("中国共产觉成立一百周年。", "中国共产觉", "中国共产党", "NM002"),
        ("深入开展扫黑险恶专项斗争。", "扫黑险恶", "扫黑除恶", "NM003"),
        ("坚持习近平新时代中国特色社会主意思想。", "习近平新时代中国特色社会主意思想", "习近平新时代中国特色社会主义思想", "NM003"),
        ("培育和践行社会主义核心价值关。", "社会主义核心价值关", "社会主义核心价值观", "NM003"),
    ],
)
def test_misspellings_are_found(run: RuleRunner, text: str, wrong: str, right: str, code: str) -> None:
    [f] = run.text("NM001", text)
    assert (f.match, f.suggestions, f.code, f.severity.value) == (wrong, (right,), code, "critical")
    assert text[f.start : f.end] == wrong


def test_written_with_spaces_and_traditional_characters(run: RuleRunner) -> None:
    text = "習 近 憑總書記強調"
    [f] = run.text("NM001", text)
    assert f.match == "習 近 憑" and f.suggestions == ("习近平",)


def test_near_misses_are_left_alone(run: RuleRunner) -> None:
    text = (
        "习近平总书记强调。国务院总理李强出席。前往沪宁高速公路。他的能力强，实力强。"
        "李希望大家努力。中华人民共和国成立。我们是中国共产党员。扫黑除恶常态化。"
        "系统近平衡状态。王护宁同学获奖。"
    )
    assert run.text("NM001", text) == []


def test_extra_protected_terms_from_options(run: RuleRunner) -> None:
    found = run.text("NM001", "省委书记杜家豪调研。", options={"leaders": ["杜家毫"]})
    assert matches(found) == ["杜家豪"] and found[0].suggestions == ("杜家毫",)
    with pytest.raises(Exception, match="太短"):
        run.text("NM001", "x", options={"leaders": ["张三"]})


def test_homophones_come_from_pypinyin() -> None:
    sounds = homophones("习近平")
    assert "瓶" in sounds[2] and "平" not in sounds[2]
    for ch in sorted(sounds[1])[:20]:
        assert "jin" in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]


def test_shape_table_is_well_formed() -> None:
    table = similar_shapes()
    assert "险" in table["除"] and "觉" in table["党"]
    assert all(len(k) == 1 and all(len(c) == 1 for c in v) and k not in v for k, v in table.items())
