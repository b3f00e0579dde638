"""Plain-word triggers searched together give the segments a regular-expression search gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cuomin
from cuomin.rules.literals import LiteralTriggers, literal_alternatives

_ALPHABET = "台湾独立机密内部资料号〇零习近平\n 、（）"
_words = st.text(alphabet=_ALPHABET.replace("\n", ""), min_size=1, max_size=4).filter(lambda w: w.strip())


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("机密", ("机密",)),
        ("机密|绝密|秘密", ("机密", "绝密", "秘密")),
        ("台湾(?:地区)?", None),
        (r"\d{3}", None),
        ("[。，]", None),
        ("a|", None),
        ("a.b", None),
    ],
)
def test_which_patterns_are_plain_words(pattern: str, words: tuple[str, ...] | None) -> None:
    assert literal_alternatives(re.compile(pattern)) == words


def test_a_case_blind_pattern_is_not_plain_words() -> None:
    assert literal_alternatives(re.compile("abc", re.IGNORECASE)) is None


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(alphabet=_ALPHABET, max_size=40), min_size=1, max_size=8),
    patterns=st.lists(st.lists(_words, min_size=1, max_size=4), min_size=1, max_size=5),
    normalized=st.booleans(),
)
def test_segments_found_together_are_those_each_search_finds(
    mini_checker: cuomin.Checker, texts: list[str], patterns: list[list[str]], normalized: bool
) -> None:
    doc = cuomin.Document(segments=tuple(cuomin.Segment(t) for t in texts))
    compiled = [re.compile("|".join(re.escape(w) for w in words)) for words in patterns]
    together = mini_checker.context(doc)
    alone = mini_checker.context(doc)
    alone._literals = None  # each pattern searched on its own, as a regular expression
    for pattern in compiled:  # learnt one after another: later ones grow the automaton
        got = [c.index for c in together.matching(pattern, normalized=normalized)]
        assert got == [c.index for c in alone.matching(pattern, normalized=normalized)]


def test_patterns_learnt_by_one_thread_are_found_by_all() -> None:
    import threading

    triggers = LiteralTriggers()
    patterns = [re.compile(f"词{i}|语{i}") for i in range(40)]
    ids: list[int | None] = []

    def learn(chunk: list[re.Pattern[str]]) -> None:
        for p in chunk:
            ids.append(triggers.pattern_id(p))
            triggers.generation(triggers.pattern_id(p) or 0)

    threads = [threading.Thread(target=learn, args=(patterns[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(i for i in ids if i is not None) == list(range(40))
    last = triggers.generation(39)
    found = last.automaton.find_matches_as_indexes("词7，语39", overlapping=True)
    expected = {triggers.pattern_id(patterns[i]) for i in (3, 7, 39)}  # 语3 is inside 语39
    assert {pid for word, _s, _e in found for pid in last.owners[word]} == expected


def test_learning_stops_at_a_bound() -> None:
    from cuomin.rules import literals

    triggers = LiteralTriggers()
    ids = [triggers.pattern_id(re.compile(f"词{i}")) for i in range(literals._MAX_PATTERNS + 10)]
    assert ids[: literals._MAX_PATTERNS] == list(range(literals._MAX_PATTERNS))
    assert ids[literals._MAX_PATTERNS :] == [None] * 10


def test_the_formulation_rule_gates_on_plain_words_only() -> None:
    """FM001's gates (a member after 、和及与, the second half of a pair) are written as plain
    words so that the checker's single pass finds them: a regular expression of 136 words
    would be tried at every character."""
    from cuomin.rules.formulations import load_sets

    assert all(literal_alternatives(p) is not None for p in load_sets().triggers)
