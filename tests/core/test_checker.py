"""The checker end to end on the small test layer: findings, filters, offsets."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cuomin
from cuomin import Category, Severity
from cuomin.normalize import default_normalizer

from .layers import entry, write_layer


def test_finding_carries_everything_an_editor_needs(dict_checker: cuomin.Checker) -> None:
    text = "第一行。\n工作要按步就班推进，不能松懈。"
    [f] = dict_checker.check_text(text)
    assert text[f.start : f.end] == f.match == "按步就班"
    assert (f.line, f.column) == (2, 4)
    assert f.code == "WD600" and f.category is Category.TYPO and f.severity is Severity.ERROR
    assert f.suggestions == ("按部就班",)
    assert "按部就班" in f.explanation and "现代汉语词典" in f.explanation
    assert f.layer == "mini" and f.entry == "typo-按步就班"
    assert "按步就班" in f.context and "\n" not in f.context
    assert f.location is None
    assert f.to_dict()["suggestions"] == ["按部就班"]


def test_platform_independence_is_not_taiwan_independence(dict_checker: cuomin.Checker) -> None:
    assert dict_checker.check_text("打造平台独立运行机制，建设平台独家数据。") == []
    assert dict_checker.check_text("搭建平台，独立运行。") == []
    [f] = dict_checker.check_text("坚决反对台独分裂活动。")
    assert f.match == "台独" and f.severity is Severity.CRITICAL


def test_boundary_check_rejects_a_hit_inside_a_word(dict_checker: cuomin.Checker) -> None:
    assert dict_checker.check_text("这真是一个大麻烦。") == []
    assert [f.match for f in dict_checker.check_text("有人出售大麻。")] == ["大麻"]


def test_no_join_across_sentence_end(dict_checker: cuomin.Checker) -> None:
    assert dict_checker.check_text("位于台。独立自主。") == []


def test_traditional_pinyin_and_noise_are_found_at_original_offsets(dict_checker: cuomin.Checker) -> None:
    text = "我們要按(àn)步\u200b就　班地推進，再*接*再*勵。"
    found = dict_checker.check_text(text)
    assert [f.entry for f in found] == ["typo-按步就班", "typo-再接再励"]
    for f in found:
        assert text[f.start : f.end] == f.match
    assert found[0].match == "按(àn)步\u200b就　班"


def test_containing_hit_wins_over_contained(tmp_path: Path, cache_dir: Path) -> None:
    layer = write_layer(
        tmp_path / "n", "n", "national",
        [entry("李克强", category="leader", severity="warning"), entry("总理李克强", category="leader", severity="critical")],
    )  # fmt: skip
    found = cuomin.Checker(dictionaries=[layer], cache_dir=cache_dir).check_text("国务院总理李克强说")
    assert [f.match for f in found] == ["总理李克强"]


def test_select_ignore_and_severity_overrides(cache_dir: Path) -> None:
    mini = Path(__file__).parents[1] / "data" / "layers" / "mini"
    text = "截止到6月底，工作按步就班。"
    all_codes = {f.code for f in cuomin.Checker(dictionaries=[mini], cache_dir=cache_dir).check_text(text)}
    assert {"WD600", "WD700"} <= all_codes
    no_usage = cuomin.Checker(dictionaries=[mini], cache_dir=cache_dir, ignore=["WD7"]).check_text(text)
    assert "WD700" not in {f.code for f in no_usage} and "WD600" in {f.code for f in no_usage}
    only_usage = cuomin.Checker(dictionaries=[mini], cache_dir=cache_dir, select=["WD7"]).check_text(text)
    assert {f.code for f in only_usage} == {"WD700"}
    raised = cuomin.Checker(dictionaries=[mini], cache_dir=cache_dir, select=["WD7"], severity={"WD7": "error"})
    assert {f.severity for f in raised.check_text(text)} == {Severity.ERROR}


def test_document_date_comes_from_metadata(dict_checker: cuomin.Checker) -> None:
    doc = cuomin.Document(
        segments=(cuomin.Segment("国土资源部印发通知。"),),
        meta=cuomin.DocumentMeta(date=__import__("datetime").date(2017, 1, 1)),
    )
    assert dict_checker.check_document(doc) == []
    assert dict_checker.check_document(doc, date="2020-01-01")


def test_check_text_is_safe_from_several_threads(dict_checker: cuomin.Checker) -> None:
    texts = [f"第{i}段：要按步就班，反对台独，" + "平台独立" * (i % 3) for i in range(200)]
    expected = [[(f.match, f.start) for f in dict_checker.check_text(t)] for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda t: [(f.match, f.start) for f in dict_checker.check_text(t)], texts))
    assert got == expected


def test_module_level_check_text_uses_bundled_dictionary() -> None:
    # The bundled national layer is being curated; this only pins the API shape.
    found = cuomin.check_text("没有任何问题的一句话。", date="2024-01-01")
    assert isinstance(found, list)


# -- property: injected terms are found, offsets are exact ----------------------------------

_INJECT = {
    "按步就班": "typo-按步就班",
    "扫黑险恶": "typo-扫黑险恶",
    "再接再励": "typo-再接再励",
    "共商国事": "form-共商国事",
    "中华人民共合国": "name-中华人民共合国",
    "习近瓶": "lead-习近瓶",
    "台湾总统": "sov-台湾总统",
}
_NOISE = ["\u200b", "\u200d", "\ufeff", "\u3000", " ", "\u00ad", "-", "*", "·"]
_PINYIN = ["(àn)", "(zhèng)", "（guó）", "(shì)"]


def _simplified_to_traditional() -> dict[str, str]:
    import opencc

    table: dict[str, str] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "STCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ")[0]
        if len(key) == 1 and len(first) == 1:
            table[key] = first
    return table


_S2T = _simplified_to_traditional()


def _disguise(term: str, rnd: random.Random) -> str:
    out = []
    for i, ch in enumerate(term):
        if rnd.random() < 0.4:
            ch = _S2T.get(ch, ch)
        out.append(ch)
        if i < len(term) - 1:
            roll = rnd.random()
            if roll < 0.25:
                out.append(rnd.choice(_NOISE))
            elif roll < 0.35:
                out.append(rnd.choice(_PINYIN))
    return "".join(out)


@pytest.fixture(scope="module")
def dict_checker(cache_dir: Path) -> cuomin.Checker:
    """Dictionary findings only: other rules have their own tests."""
    return cuomin.Checker(dictionaries=[Path(__file__).parents[1] / "data" / "layers" / "mini"], cache_dir=cache_dir, select=["WD"])


@pytest.fixture(scope="module")
def corpus_text(corpus_dir: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((corpus_dir / "gov-reports").glob("*.txt"))[-12:])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n_inject=st.integers(1, 6))
def test_injected_terms_are_found_with_exact_offsets(
    dict_checker: cuomin.Checker, corpus_text: str, seed: int, n_inject: int
) -> None:
    rnd = random.Random(seed)
    start = rnd.randrange(0, len(corpus_text) - 3000)
    base = corpus_text[start : start + rnd.randint(200, 2500)]
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    cuts = sorted(rnd.sample(range(len(base)), n_inject))
    prev = 0
    pos = 0
    for cut in cuts:
        chunk = base[prev:cut] + "，"
        pieces.append(chunk)
        pos += len(chunk)
        term = rnd.choice(list(_INJECT))
        disguised = _disguise(term, rnd)
        pieces.append(disguised)
        spans.append((pos, pos + len(disguised), term))
        pos += len(disguised)
        prev = cut
    pieces.append("。" + base[prev:])
    text = "".join(pieces)
    found = dict_checker.check_text(text, date="2024-06-01")
    norm = default_normalizer()
    terms_by_entry = {e.id: e.term for e in dict_checker.dictionary.entries}
    for f in found:
        assert text[f.start : f.end] == f.match
        assert norm.normalize(f.match).text == norm.normalize_term(terms_by_entry[f.entry])
    for s, e, term in spans:
        assert any(
            f.entry == _INJECT[term] and s <= f.start and f.end <= e for f in found
        ), f"{term!r} injected as {text[s:e]!r} not found"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab\n中文\r")), max_size=80),
    offsets=st.lists(st.integers(0, 80), max_size=12),
)
def test_line_and_column_match_a_naive_count(text: str, offsets: list[int]) -> None:
    from cuomin.checker import _Lines

    lines = _Lines(text)
    for off in (o for o in offsets if o <= len(text)):
        naive_line = text.count("\n", 0, off) + 1
        naive_col = off - (text.rfind("\n", 0, off) + 1) + 1
        assert lines.position(off) == (naive_line, naive_col)


_SEGMENT_TEXT = st.text(
    alphabet=st.sampled_from(list("按步就班台独平台独立再接再勵關(guān)于\u200b 　-*。，\n国土资源部李克强ab1")), max_size=40
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_SEGMENT_TEXT, min_size=1, max_size=8))
def test_a_document_is_checked_as_its_segments_are(mini_checker: cuomin.Checker, texts: list[str]) -> None:
    """One pass over the joined segments gives exactly the per-segment findings."""
    locations = [cuomin.Location(paragraph=i + 1) for i in range(len(texts))]
    doc = cuomin.Document(segments=tuple(cuomin.Segment(t, loc) for t, loc in zip(texts, locations)))
    together = mini_checker.check_document(doc, date="2024-01-01")
    apart = [
        f
        for t, loc in zip(texts, locations)
        for f in mini_checker.check_document(cuomin.Document(segments=(cuomin.Segment(t, loc),)), date="2024-01-01")
    ]
    assert together == apart
