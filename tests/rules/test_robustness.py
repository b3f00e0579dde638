"""Every rule on arbitrary text: no crash, offsets that index the text, matches as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cuomin
from cuomin import Document, Location, Part, Segment

from .helpers import MINI

_PIECES = [
    "习近平", "习近凭", "国务院总理", "李克强", "李强", "、", "，", "。", "“", "”", "《", "》", "（", "）", "[", "]",
    "2023年", "2月", "30日", "二〇二三年", "十三月", "1", "3", "8", "0", "X", "@", "a.b", "-", " ", "\n", "\u3000",
    "秘密", "★", "内部资料", "台湾", "总统", "香港", "等国家", "中华民国", "民国113年", "四个", "意识", "维护",
    "政治意识", "核心意识", "看齐意识", "印发", "发〔", "號", "國", "gov.cn", "http://1.2.3.4/", "\u200b", "關(guān)",
    "身份证", "联系人", "本人", "银行卡", "，，", "!", "?",
]  # fmt: skip

_checker: cuomin.Checker | None = None


def _get(cache_dir: Path) -> cuomin.Checker:
    global _checker
    if _checker is None:
        _checker = cuomin.Checker(dictionaries=[MINI], cache_dir=cache_dir)
    return _checker


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=40), st.dates())
def test_rules_never_crash_and_offsets_hold(cache_dir: Path, pieces: list[str], date: dt.date) -> None:
    text = "".join(pieces)
    for f in _get(cache_dir).check_text(text, date=date):
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.match


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(_PIECES), max_size=12),
    st.lists(st.tuples(st.sampled_from(["http://1.2.3.4/", "https://x.gov.cn/", "//evil.example/a", "", "mailto:a@b", ":://"]),
                       st.sampled_from(_PIECES + [""]), st.booleans()), max_size=6),
    st.lists(st.tuples(st.sampled_from(["", "WD", "PI00", "ZZ", "ALL", "*", "wd6"]), st.sampled_from(["", "理由"])), max_size=3),
)
def test_documents_with_links_hidden_parts_and_suppressions(
    cache_dir: Path, pieces: list[str], links: list[tuple[str, str, bool]], suppressions: list[tuple[str, str]]
) -> None:
    text = "".join(pieces)
    doc = Document(
        (
            Segment(text, Location(Part.TITLE)),
            Segment(text, Location(Part.HIDDEN), suppressions=tuple(suppressions)),
            Segment(text + "。", Location(Part.BODY), suppressions=tuple(suppressions)),
        ),
        links=tuple(links),
    )
    for f in _get(cache_dir).check_document(doc):
        seg = next(s for s in doc.segments if s.location == f.location)
        assert seg.text[f.start : f.end] == f.match
