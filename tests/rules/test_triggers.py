"""Triggers and whole-document passes never change what a rule reports.

Every rule may name a trigger (a pattern its segments must match) or override
``check_document``; the checker then calls ``check`` on fewer segments, or not at all. These
tests hold every installed rule to the contract: over generated documents full of the
things rules look for, and over real government pages and reports, ``check_document``
reports exactly the hits that calling ``check`` on every segment reports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cuomin
from cuomin import Document, DocumentMeta, Location, Part, Rule, Segment, load_document
from cuomin.rules.base import DocumentContext, Hit

#: Pieces that some rule reports or nearly reports, in the forms pages really use
#: (full-width digits, traditional characters, spaces inside numbers, odd brackets).
SNIPPETS = (
    "2023年2月30日", "二〇二三年二月三十日", "2023-04-31", "2023/4/31", "13月5日", "第13月5日", "２０２３年２月３０日",
    "2017年6月1日印发", "成文日期：2017年6月5日", "2017年6月5日\n", "2031年5月1日召开了会议", "已于二〇三一年五月一日举行",
    "11010519491231002X", "身份证号 110105491231002", "１１０１０５１９４９１２３１００２Ｘ", "13812345678",
    "138 1234 5678", "+86 139-1234-5678", "银行卡号 6222 0200 1234 5678 903", "卡号6228480402564890018",
    "本人电话（010）62345678", "家庭住址 0451-86123456", "联系人：王某 0452-2345678", "本人邮箱 zhang.san@example.com",
    "国办发[2017]47号", "国办发〔2017〕47号", "国办发﹝2017﹞47号", "许可证 文网文[2010]024号",
    "“引号没有闭合", "（括号", "》", "。。", "，？", "，。", "中文,标点", "中文:标点", "1）第一", ":)",
    "绝密★1年", "机密☆", "密级：机密", "\n秘 密\n", "內部資料", "内部资料", "注意保密", "请勿外传",
    "政治意识、大局意识、核心意识、看齐意识", "政治意识、核心意识、大局意识、看齐意识", "“四个意识”即政治意识、核心意识",
    "道路自信、理论自信、制度自信、文化自信", "道路、理论、制度、文化自信", "四个维护", "三个自信", "五个“自信”",
    "坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央权威和集中统一领导",
    "习近平总书记", "习近平主席", "習近平總書記", "习进平总书记", "习 近 平", "国务院总理李强", "国务院总理李克强",
    "李强、赵乐际、王沪宁、蔡奇", "赵乐际、李强", "中华民国", "民国三十年", "民国38年", "台湾总统", "台湾地区领导人",
    "香港、澳门等国家", "中华人民共合国", "中国共产党", "前往沪宁", "王户宁同志", "社会主义核心价值观",
    "澳门赌场", "博彩", "六合彩开奖", "在线", "点击进入", "www.example.com", "http://1.2.3.4/", "百家乐",
    "台独", "平台独立", "法轮功", "法*轮*功", "其它", "截止目前", "做为", "帐号",
)  # fmt: skip

FILLER = st.text(alphabet="的了和在是我们工作发展推进，。、；：“”（）《》 \n0123456789年月日号个两三四五", max_size=12)

PARTS = (None, Part.BODY, Part.TITLE, Part.HIDDEN, Part.LINK, Part.META, Part.HEADER, Part.TABLE)

LINKS = (
    ("http://1.2.3.4/x", "澳门赌场", True),
    ("http://spam.example.net/", "百家乐", True),
    ("https://www.gov.cn/", "中国政府网", False),
    ("http://10.0.0.8/", "内网", False),
    ("https://casino.example.org/", "点击进入", False),
    ("https://www.example.com/a", "", False),
)

SUPPRESSIONS = ((), (("WD", "已核实"),), (("FT", ""),), (("NM001", "人名"),))


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    pieces = draw(st.lists(st.one_of(st.sampled_from(SNIPPETS), FILLER), min_size=1, max_size=6))
    part = draw(st.sampled_from(PARTS))
    file = draw(st.sampled_from((None, None, "附件1.docx")))
    location = None if part is None else Location(part=part, file=file)
    return Segment("".join(pieces), location, suppressions=draw(st.sampled_from(SUPPRESSIONS)))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    segs = draw(st.lists(segments(), min_size=1, max_size=8))
    if draw(st.booleans()):
        segs.insert(draw(st.integers(0, len(segs))), Segment(""))
    links = draw(st.lists(st.sampled_from(LINKS), max_size=4, unique=True))
    url = draw(st.sampled_from((None, "https://www.example.com/news/1.html")))
    title = draw(st.sampled_from((None, "关于开展工作的通知", "澳门赌场")))
    return Document(segments=tuple(segs), meta=DocumentMeta(title=title, url=url), links=tuple(links))


def _every_segment(rule: Rule, doc: DocumentContext) -> Counter[tuple[int, Hit]]:
    return Counter((ctx.index, hit) for ctx in doc.contexts for hit in rule.check(ctx))


def _as_run(rule: Rule, doc: DocumentContext) -> Counter[tuple[int, Hit]]:
    return Counter((ctx.index, hit) for ctx, hit in rule.check_document(doc))


@pytest.fixture(scope="module")
def checker(cache_dir: Path) -> cuomin.Checker:
    """The bundled national dictionary and every installed rule (the example plugin too)."""
    return cuomin.Checker(cache_dir=cache_dir)


def test_most_built_in_rules_skip_segments(checker: cuomin.Checker) -> None:
    """The contract below is worth testing only if rules do use the fast paths."""
    fast = [r.code for r in checker.rules if r.trigger is not None or type(r).check_document is not Rule.check_document]
    assert len(fast) >= 20, fast


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), date=st.sampled_from((dt.date(2016, 1, 1), dt.date(2024, 6, 1), dt.date(2030, 12, 31))))
def test_fast_paths_report_what_every_segment_reports(checker: cuomin.Checker, doc: Document, date: dt.date) -> None:
    ctx = checker.context(doc, date=date)
    for rule in checker.rules:
        assert _as_run(rule, ctx) == _every_segment(rule, ctx), rule.code


def test_fast_paths_on_real_text(checker: cuomin.Checker, corpus_dir: Path) -> None:
    paths = sorted((corpus_dir / "news-html").glob("*.shtml"))[::10] + sorted((corpus_dir / "gov-reports").glob("*.txt"))[::6]
    assert paths
    for path in paths:
        ctx = checker.context(load_document(path), date="2024-06-01")
        for rule in checker.rules:
            assert _as_run(rule, ctx) == _every_segment(rule, ctx), (rule.code, path.name)


def test_document_context_finds_segments_by_part(checker: cuomin.Checker) -> None:
    hidden, title = Location(Part.HIDDEN), Location(Part.TITLE)
    doc = Document(segments=(Segment("标题", title), Segment("正文"), Segment("", hidden), Segment("隐藏", hidden),
                             Segment("再一段", Location(Part.BODY)), Segment("又藏", hidden)))  # fmt: skip
    ctx = checker.context(doc, date="2024-06-01")
    assert [c.index for c in ctx.in_parts((Part.HIDDEN,))] == [3, 5]  # the empty one has no context
    assert [c.index for c in ctx.in_parts((Part.HIDDEN, Part.TITLE))] == [0, 3, 5]  # in document order
    assert [c.index for c in ctx.in_parts((Part.BODY,))] == [4]  # a segment without a location has no part
    assert ctx.in_parts((Part.META,)) == []
    marked = Document(segments=(Segment("甲"), Segment("", suppressions=(("WD", "理由"),)),
                                Segment("乙", suppressions=(("", ""),)), Segment("丙")))  # fmt: skip
    assert [c.index for c in checker.context(marked, date="2024-06-01").with_suppressions()] == [2]


def test_document_context_locates_segments(checker: cuomin.Checker) -> None:
    doc = Document(segments=(Segment("甲乙"), Segment(""), Segment("丙　丁"), Segment("戊")))
    ctx = checker.context(doc, date="2024-06-01")
    assert [c.index for c in ctx.contexts] == [0, 2, 3]
    assert ctx.normalized_text == "甲乙\n丙丁\n戊"  # the ideographic space is removed
    assert ctx.text == "甲乙\n丙　丁\n戊"
    assert ctx.locate(4)[0].index == 2 and ctx.locate(4)[1] == 1
    assert ctx.locate(5, normalized=False) == (ctx.contexts[1], 2)
    assert [c.index for c in ctx.matching(re.compile("[乙丁]"))] == [0, 2]
    assert [c.index for c in ctx.matching(re.compile("　"), normalized=False)] == [2]
    assert [c.index for c in ctx.matching(re.compile("　"))] == []
