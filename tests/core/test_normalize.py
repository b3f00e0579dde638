"""The normaliser: what it folds, what it removes, and that offsets lead back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuomin.normalize import Normalizer, default_normalizer


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return default_normalizer()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("關(guān)于網(wǎng)站", "关于网站"),
        ("通報(bào)", "通报"),
        ("国務院", "国务院"),
        ("習近平", "习近平"),
        ("ＡＢＣ１２３", "abc123"),
        ("李\u3000强", "李强"),
        ("习\u200b近\u200d平\ufeff", "习近平"),
        ("习 近 平", "习近平"),
        ("法*轮*功", "法轮功"),
        ("习-近-平", "习近平"),
        ("习 · 近 · 平", "习近平"),
        ("软\u00ad件", "软件"),
        ("⼈民", "人民"),  # Kangxi radical U+2F08
    ],
)
def test_folds_and_removes(norm: Normalizer, raw: str, expected: str) -> None:
    assert norm.normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw",
    [
        "台。独立",  # never joined across a sentence end
        "台\n独立",  # nor across a line break
        "2017-2018",  # separators between digits stay
        "中国(china)",  # brackets without tone marks are not pinyin
        "a.b",
    ],
)
def test_keeps_boundaries(norm: Normalizer, raw: str) -> None:
    out = norm.normalize(raw).text
    assert len(out) == len(raw.replace(" ", ""))


def test_pinyin_needs_a_preceding_cjk_character(norm: Normalizer) -> None:
    assert norm.normalize("(guān)于").text == "(guān)于"


def test_offsets_of_pinyin_page(norm: Normalizer) -> None:
    raw = "關(guān)于網(wǎng)站"
    n = norm.normalize(raw)
    assert n.to_original(0, 2) == (0, 8)  # 關(guān)于
    assert raw[slice(*n.to_original(2, 4))] == "網(wǎng)站"


def test_identity_map_when_nothing_removed(norm: Normalizer) -> None:
    n = norm.normalize("國務院辦公廳")
    assert n.index is None
    assert n.to_original(1, 3) == (1, 3)


def test_terms_and_text_share_one_normaliser(norm: Normalizer) -> None:
    assert norm.normalize_term("按 步 就 班") == norm.normalize("按步就班").text


# -- properties ---------------------------------------------------------------------------

_NOISE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u3000", " ", "\u00ad", "\u2060"]
_SAMPLE_CHARS = "关于网站通報國務院习近平中华人民共和国，。、（）()abcABC123１２３-*·\n" + "".join(_NOISE) + "(ā)"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_SAMPLE_CHARS)) | st.characters(), max_size=200))
def test_every_normalised_character_knows_its_origin(text: str) -> None:
    norm = default_normalizer()
    n = norm.normalize(text)
    fold = norm.fold_table
    assert len(n) <= len(text)
    if n.index is None:
        assert len(n) == len(text)
        positions = list(range(len(text)))
    else:
        positions = [int(i) for i in n.index]
        assert positions == sorted(set(positions))  # strictly increasing
    for i, pos in enumerate(positions):
        assert int(n.codes[i]) == int(fold[ord(text[pos])])
    # spans map to the original span from first to last contributing character
    for a in range(0, len(n), 7):
        for b in range(a + 1, min(len(n), a + 5) + 1):
            s, e = n.to_original(a, b)
            assert s == positions[a] and e == positions[b - 1] + 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_SAMPLE_CHARS)), max_size=120))
def test_normalising_is_idempotent_on_folding(text: str) -> None:
    norm = default_normalizer()
    once = norm.normalize(text).text
    assert norm.normalize(once).text == norm.normalize(norm.normalize(once).text).text


def test_real_corpus_round_trip(corpus_dir: Path) -> None:
    norm = default_normalizer()
    text = (corpus_dir / "reports-2018-2025" / "gwr-2024.txt").read_text(encoding="utf-8")
    n = norm.normalize(text)
    assert 0.9 * len(text) < len(n) <= len(text)
    fold = norm.fold_table
    idx = range(len(text)) if n.index is None else n.index
    for i in range(0, len(n), 97):
        assert int(n.codes[i]) == int(fold[ord(text[int(idx[i])])])


@pytest.mark.parametrize("word", ["显著", "著名", "乾坤", "蒜薹", "哪吒", "才能", "台湾", "温度", "吃饭"])
def test_simplified_characters_are_never_folded(norm: Normalizer, word: str) -> None:
    assert norm.normalize(word).text == word


@pytest.mark.parametrize(("raw", "expected"), [("後來", "后来"), ("關於", "关于"), ("臺灣", "台湾"), ("溫度", "温度")])
def test_traditional_forms_in_gb2312_still_fold(norm: Normalizer, raw: str, expected: str) -> None:
    assert norm.normalize(raw).text == expected


def test_cached_tables_equal_built_ones_and_damage_is_rebuilt(tmp_path: Path) -> None:
    import numpy as np

    built = Normalizer(cache_dir="")
    first = Normalizer(cache_dir=tmp_path)  # builds and writes
    [cached_file] = tmp_path.glob("normalizer-*.npz")
    second = Normalizer(cache_dir=tmp_path)  # loads
    assert np.array_equal(second.fold_table, built.fold_table) and second.version == built.version == first.version
    cached_file.write_bytes(b"not a numpy file")
    third = Normalizer(cache_dir=tmp_path)
    assert third.version == built.version
    assert third.normalize("關(guān)於網站").text == "关于网站"
