"""Small parts of the batch scanner: metadata mapping, links, fingerprints, deltas, progress."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cuomin
from cuomin.batch.assemble import decode_document, encode_document
from cuomin.batch.delta import DictDelta, diff, snapshot
from cuomin.batch.fingerprint import fingerprints
from cuomin.batch.links import is_attachment, page_links, resolve
from cuomin.batch.metadata import MetaRules, UnitRule, parse_any_date
from cuomin.batch.progress import Progress
from cuomin.dictionary import merge_layers, resolve_stack
from cuomin.errors import ConfigError

from .reference import MINI


def test_longest_prefix_wins_for_unit_and_column() -> None:
    rules = MetaRules.build([UnitRule("jyj/", "市教育局"), UnitRule("jyj/tzgg/", column="通知公告"),
                             UnitRule("https://x.gov.cn/wjw/", "市卫健委", "动态")], default_unit="市政府")  # fmt: skip
    assert rules.unit_and_column("jyj/tzgg/t1.html", None) == ("市教育局", "通知公告")
    assert rules.unit_and_column("/jyj/gzdt/t1.html", None) == ("市教育局", None)
    assert rules.unit_and_column(None, "https://x.gov.cn/wjw/a.html") == ("市卫健委", "动态")
    assert rules.unit_and_column("other/a.html", None) == ("市政府", None)
    with pytest.raises(ConfigError):
        MetaRules.build([UnitRule("x/")])
    with pytest.raises(ConfigError):
        MetaRules.build(date_patterns=[r"(\d{4})"])


def test_dates_from_paths_and_values() -> None:
    rules = MetaRules.build()
    assert rules.date_from("jyj/tzgg/202305/t20230512_1.html") == dt.date(2023, 5, 12)
    assert rules.date_from("a/2021-02-30/x.html", "b/2020/0611/x.html") == dt.date(2020, 6, 11)
    assert rules.date_from("a/b.html") is None
    assert parse_any_date("2023年5月2日 10:00") == dt.date(2023, 5, 2)
    assert parse_any_date(dt.datetime(2020, 1, 2, 3, 4)) == dt.date(2020, 1, 2)
    assert parse_any_date("不详") is None


def test_links_resolve_and_classify() -> None:
    page = ('<base href="http://x.gov.cn/a/"><!-- <a href="hidden.pdf">x</a> -->'
            '<a href="../f/%E9%99%84%E4%BB%B6.pdf#p2">附件 <b>一</b></a><a href="mailto:a@b">m</a>'
            "<a href='p.html'>页</a><iframe src=\"/v.html\"></iframe><a href=p.html>again</a>")  # fmt: skip
    links = page_links(page.encode("gb18030"), "http://ignored/")
    assert [(link.url, link.text) for link in links] == [
        ("http://x.gov.cn/f/%E9%99%84%E4%BB%B6.pdf", "附件 一"), ("http://x.gov.cn/a/p.html", "页"), ("http://x.gov.cn/v.html", ""),
    ]  # fmt: skip
    assert is_attachment(links[0].url) and not is_attachment(links[1].url)


_URL_PIECE = st.text(alphabet="ab./?#=&%:;", max_size=8)
_BASES = st.builds(lambda scheme, host, path: f"{scheme}{host}{path}", st.sampled_from(["http://", "https://", "file:///", ""]),
                   st.sampled_from(["x.gov.cn", "tree.invalid", ""]), _URL_PIECE)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(base=_BASES, href=_URL_PIECE)
def test_resolve_matches_urljoin(base: str, href: str) -> None:
    # resolve() remembers results by the base's folder: it must never differ from urljoin.
    assert resolve(base, href) == urldefrag(urljoin(base, href))[0]
    assert resolve(base + "p.html", href) == urldefrag(urljoin(base + "p.html", href))[0]


_TEXT = st.text(alphabet="的一是在了人有我他这中大来上国个到说们为子和你地出道也时年", max_size=60)


@settings(max_examples=60, deadline=None)
@given(before=_TEXT, after=_TEXT, far=_TEXT)
def test_fingerprints_survive_edits_away_from_the_match(mini_checker: cuomin.Checker, before: str, after: str, far: str) -> None:
    core = "。我们一定要希望大家再接再励，继续努力工作。"  # six characters each side stay the same
    one = mini_checker.check_text(before + core + after)
    two = mini_checker.check_text(before + far + "\n" + core + after + far)
    mine = [f for f in one if f.match == "再接再励"]
    theirs = [f for f in two if f.match == "再接再励"]
    assert mine and len(mine) == len(theirs)
    assert fingerprints(mine) == fingerprints(theirs)
    # offsets still index the text: the stored document round-trips
    doc = cuomin.Document(segments=(cuomin.Segment(before + core + after),))
    back = decode_document(encode_document(doc))
    assert back.segments[0].text[mine[0].start : mine[0].end] == "再接再励"


def test_fingerprints_change_with_the_words_around() -> None:
    checker_text = "希望大家再接再励。"
    a = cuomin.Finding("WD600", cuomin.Category.TYPO, cuomin.Severity.ERROR, "再接再励", 4, 8, 1, 5, checker_text,
                       (), "", "mini", "typo-再接再励")  # fmt: skip
    b = cuomin.Finding("WD600", cuomin.Category.TYPO, cuomin.Severity.ERROR, "再接再励", 4, 8, 1, 5,
                       "号召同志再接再励。", (), "", "mini", "typo-再接再励")  # fmt: skip
    assert fingerprints([a]) != fingerprints([b])
    assert len(set(fingerprints([a, a]))) == 2  # two identical problems stay two


def test_delta_closure_covers_containing_and_contained_terms(tmp_path: Path) -> None:
    merged = merge_layers(resolve_stack([MINI]))
    old = snapshot(merged)
    assert diff(old, old) == DictDelta(full=False)
    assert diff(None, old).full
    import dataclasses

    from cuomin.dictionary.merge import MergedStack
    from cuomin.dictionary.records import Entry

    extra = Entry(id="x-共合国", term="共合国", category=cuomin.Category.NAME, severity=cuomin.Severity.ERROR,
                  suggestions=("共和国",), explanation="x")  # fmt: skip
    entries = tuple(e for e in merged.entries if e.id != "typo-按步就班") + (extra,)
    entries = tuple(dataclasses.replace(e, severity=cuomin.Severity.CRITICAL) if e.id == "typo-再接再励" else e for e in entries)
    new = snapshot(MergedStack(merged.layers, entries, merged.allow, ()))
    delta = diff(old, new)
    assert not delta.full
    assert delta.recheck == {"x-共合国", "name-中华人民共合国", "typo-再接再励"}
    assert delta.retire == delta.recheck | {"typo-按步就班"}


@settings(max_examples=80, deadline=None)
@given(texts=st.lists(st.text(alphabet="國国民經经濟济建設设改革開开放的\u200b 　", min_size=0, max_size=40), min_size=1, max_size=4),
       data=st.data())  # fmt: skip
def test_signatures_never_rule_out_a_term_that_occurs(texts: list[str], data: st.DataObject) -> None:
    from cuomin.batch.signature import bigram_keys, build_signature, may_contain
    from cuomin.normalize import default_normalizer

    norm = default_normalizer()
    normalized = [norm.normalize(t) for t in texts]
    sig = build_signature(n.codes for n in normalized)
    which = data.draw(st.integers(0, len(texts) - 1))
    text = normalized[which].text
    if len(text) < 2:
        return
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    term = norm.normalize_term(text[start:end])
    assert may_contain(sig, [bigram_keys(term)])
    assert not may_contain(sig, [bigram_keys("寥寥无几")]) or "寥寥" in "".join(texts)


def test_progress_shows_rate_and_eta_or_nothing() -> None:
    out = io.StringIO()
    p = Progress(out, "bar", total=200)
    p.advance(50)
    p.finish()
    line = out.getvalue()
    assert "50/200" in line and "篇/秒" in line and "剩余" in line
    quiet = io.StringIO()
    q = Progress(quiet, "quiet", total=10)
    q.advance(10)
    q.finish()
    assert quiet.getvalue() == ""


def _digest_per_segment(doc: cuomin.Document) -> tuple[str, bytes]:
    """content_digest as defined: every segment normalised on its own (the one-pass
    version must give the same hash, which the ledger compares across scans, and the same
    signature bits)."""
    import hashlib

    import numpy as np

    from cuomin.batch.assemble import _loc_key
    from cuomin.batch.signature import BITS, _keys
    from cuomin.normalize import default_normalizer

    norm = default_normalizer()
    h = hashlib.blake2b(digest_size=20)
    flags = np.zeros(BITS, dtype=np.bool_)
    for seg in doc.segments:
        h.update(b"\0s\0" + _loc_key(seg.location).encode())
        n = norm.normalize(seg.text)
        if len(n) >= 2:
            flags[_keys(n.codes.astype(np.uint32)).astype(np.intp)] = True
        h.update(n.text.encode("utf-8", "surrogatepass"))
        for code, reason in seg.suppressions:
            h.update(f"\0x{code}|{reason}".encode())
    for p in doc.problems:
        h.update(f"\0p{p.code}|{p.match}|{_loc_key(p.location)}".encode("utf-8", "surrogatepass"))
    for href, text, hidden in doc.links:
        h.update(f"\0l{href}|{text}|{int(hidden)}".encode("utf-8", "surrogatepass"))
    return h.hexdigest(), np.packbits(flags, bitorder="little").tobytes()


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(alphabet="國国民經经濟济建設设的\u200b 　\n-（guān）a", max_size=30), min_size=0, max_size=6))
def test_one_pass_digest_is_the_per_segment_digest(texts: list[str]) -> None:
    from cuomin.batch.assemble import content_digest
    from cuomin.batch.packing import unpack

    doc = cuomin.Document(segments=tuple(cuomin.Segment(t, cuomin.Location()) for t in texts))
    digest, signature = content_digest(doc)
    expected_digest, expected_bits = _digest_per_segment(doc)
    assert digest == expected_digest
    assert unpack(signature) == expected_bits


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(alphabet="國国民經经濟济建設设的\u200b 　\n-（guān）a", max_size=30), min_size=0, max_size=6))
def test_the_digest_of_a_checkers_context_is_the_content_digest(mini_checker: cuomin.Checker, texts: list[str]) -> None:
    """The scan hashes the text the checker normalised (empty segments left out of it)."""
    from cuomin.batch.assemble import content_digest, context_digest

    doc = cuomin.Document(segments=tuple(cuomin.Segment(t, cuomin.Location(paragraph=i)) for i, t in enumerate(texts)))
    assert context_digest(mini_checker.context(doc)) == content_digest(doc)
