"""Terms inside common words and across word boundaries: the automaton against brute force."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cuomin.dictionary.collisions import (
    WordList,
    find_collisions,
    find_straddles,
    jieba_word_list,
)

_CHARS = st.sampled_from("大麻烦台独平立政府人民")
_WORDS = st.lists(st.text(_CHARS, min_size=1, max_size=5), min_size=0, max_size=30)
_TERMS = st.lists(st.text(_CHARS, min_size=1, max_size=3), min_size=0, max_size=10)


def _word_list(words: list[str]) -> WordList:
    return WordList(tuple(words), tuple(range(len(words) * 10, 0, -10)), "test")


@settings(max_examples=200, deadline=None)
@given(_WORDS, _TERMS)
def test_collisions_match_brute_force(words: list[str], terms: list[str]) -> None:
    found = find_collisions(terms, _word_list(words))
    for term in set(terms):
        expected = list(dict.fromkeys(w for w in words if term in w and len(w) > len(term)))
        got = list(found[term].words) if term in found else []
        assert got == expected


@settings(max_examples=200, deadline=None)
@given(_WORDS, _TERMS)
def test_straddles_match_brute_force(words: list[str], terms: list[str]) -> None:
    wl = _word_list(words)
    found = find_straddles(terms, wl, min_freq=1)
    for term in set(terms):
        possible = any(
            any(len(a) > k and a.endswith(term[:k]) for a in words)
            and any(len(b) > len(term) - k and b.startswith(term[k:]) for b in words)
            for k in range(1, len(term))
        )
        assert (term in found) == possible
        if term in found:
            s = found[term]
            joined = s.left + s.right
            assert term in joined and s.left in words and s.right in words
            cut = len(s.left)
            start = joined.find(term, max(0, cut - len(term) + 1))
            assert start < cut < start + len(term)


def test_jieba_word_list_is_normalised_and_ordered() -> None:
    words = jieba_word_list(1000)
    assert len(words.words) > 5000
    assert list(words.freqs) == sorted(words.freqs, reverse=True)
    assert words.frequency("政府") >= 1000 and words.frequency("不是一个词") == 0
    assert all("\n" not in w for w in words.words[:1000])
