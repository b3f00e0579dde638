"""HTML: blocks and inline tags, title and meta, hidden content, links, dates, suppressions."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

import cuomin
from cuomin import Part
from cuomin.extract import load_document

PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>关于做好防汛工作的通知</title>
<meta name="keywords" content="防汛,通知">
<meta name="description" content="市政府办公室关于做好防汛工作的通知">
<meta name="PubDate" content="2024-05-01 10:22">
<meta name="ColumnName" content="通知公告">
<style>.gone { display: none } #away{position:absolute;left:-9999px}</style>
<script>var s = "按步就班";</script>
</head>
<body>
<div class="article">
  <h1>关于做好防汛工作的通知</h1>
  <p>国务院总理李<span class="x">克</span><b>强</b>主持召开会议。</p>
  <p>第二段：工作要按步就
  班推进。</p>
  <p>第三段<br>换行</p>
  <img src="a.png" alt="扫黑险恶宣传图">
  <table><tr><td>姓名</td><td colspan="2">备注</td><td>其他</td></tr>
         <tr><th>张三</th><td>再接再励</td></tr></table>
  <div style="display:none"><a href="http://spam.example/">网上娱乐城</a></div>
  <div class="gone">隐藏的按步就班</div>
  <p>可见<span style="font-size:0px">台湾总统</span>文字<a href="http://x.example/" style="display:none">暗链</a></p>
  <p id="away">离屏文字</p>
  <a href="/news/1.html" title="新闻标题全文">新闻标题</a>
</div>
<template><p>模板里的按步就班</p></template>
</body></html>
"""


def _segments(doc: cuomin.Document, part: Part) -> list[str]:
    return [s.text for s in doc.segments if s.location is not None and s.location.part is part]


def test_title_meta_body_and_date() -> None:
    doc = load_document(PAGE.encode("utf-8"), name="index.html")
    assert doc.meta.title == "关于做好防汛工作的通知"
    assert doc.meta.date == dt.date(2024, 5, 1)
    assert doc.meta.column == "通知公告"
    assert _segments(doc, Part.TITLE) == ["关于做好防汛工作的通知"]
    assert _segments(doc, Part.META) == ["防汛,通知", "市政府办公室关于做好防汛工作的通知"]
    body = _segments(doc, Part.BODY)
    assert "国务院总理李克强主持召开会议。" in body  # inline tags joined
    assert "第二段：工作要按步就班推进。" in body  # a source line break between CJK is no space
    assert "第三段\n换行" in body
    assert "扫黑险恶宣传图" in body  # alt text
    assert not any("var s" in t or "模板" in t for t in body)  # no script, no template


def test_table_cells_have_coordinates() -> None:
    doc = load_document(PAGE.encode("utf-8"))
    cells = {s.location.cell: s.text for s in doc.segments if s.location and s.location.part is Part.TABLE}
    assert cells == {"r1c1": "姓名", "r1c2": "备注", "r1c4": "其他", "r2c1": "张三", "r2c2": "再接再励"}


def test_hidden_content_is_its_own_segment_and_links_are_listed() -> None:
    doc = load_document(PAGE.encode("utf-8"))
    hidden = _segments(doc, Part.HIDDEN)
    assert hidden == ["网上娱乐城", "隐藏的按步就班", "台湾总统", "暗链", "离屏文字"]
    body = _segments(doc, Part.BODY)
    assert "可见文字" in body  # the hidden span does not split the visible block
    assert ("http://spam.example/", "网上娱乐城", True) in doc.links
    assert ("/news/1.html", "新闻标题", False) in doc.links
    assert ("http://x.example/", "暗链", True) in doc.links
    assert "新闻标题全文" in body  # title attribute differs from the link text


def test_findings_carry_element_paths(wd_checker: cuomin.Checker) -> None:
    doc = load_document(PAGE.encode("utf-8"))
    findings = list(wd_checker.iter_findings(doc))
    leader = next(f for f in findings if f.entry == "lead-国务院总理李克强")
    assert leader.location is not None and leader.location.element == "body>div.article>p"
    assert leader.location.paragraph == 2
    typo = [f for f in findings if f.entry == "typo-按步就班"]
    assert {f.location.part for f in typo if f.location} == {Part.BODY, Part.HIDDEN}
    cell = next(f for f in findings if f.entry == "typo-再接再励")
    assert cell.location is not None and cell.location.cell == "r2c2" and cell.location.part is Part.TABLE
    assert "表格" in cell.location.describe() and "r2c2" in cell.location.describe()
    sov = next(f for f in findings if f.entry == "sov-台湾总统")
    assert sov.location is not None and sov.location.part is Part.HIDDEN


def test_gbk_page_and_date_in_text() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>通知</title></head><body><div class=info>发布时间：2023年12月5日 来源：本站</div>"
        "<p>中华人民共合国</p></body></html>"
    )
    doc = load_document(page.encode("gbk"))
    assert doc.meta.date == dt.date(2023, 12, 5)
    assert "中华人民共合国" in _segments(doc, Part.BODY)
    assert ("encoding", "gb18030") in doc.meta.extra


def test_inline_suppression_comments_apply_to_the_next_block() -> None:
    page = (
        "<p>第一段</p><!-- cuomin: ignore WD600 引用原文，保持原样 -->\n<p>按步就班</p>"
        "<!-- cuomin: ignore WD100,WD2 -->" "<div>第三段</div><p>第四段</p>"
        "<!--cuomin: ignore--><p>第五段</p><!-- 普通注释 --><p>第六段</p>"
    )
    doc = load_document(page.encode(), media_type="text/html")
    sup = {s.text: s.suppressions for s in doc.segments}
    assert sup["第一段"] == ()
    assert sup["按步就班"] == (("WD600", "引用原文，保持原样"),)
    assert sup["第三段"] == (("WD100", ""), ("WD2", ""))
    assert sup["第四段"] == ()
    assert sup["第五段"] == (("", ""),)
    assert sup["第六段"] == ()


def test_block_boundaries_are_respected() -> None:
    doc = load_document("<div>台</div><div>独立</div><ul><li>李克</li><li>强</li></ul>".encode(), media_type="text/html")
    assert [s.text for s in doc.segments] == ["台", "独立", "李克", "强"]


def test_deeply_nested_and_broken_markup_does_not_crash() -> None:
    deep = "<div>" * 50_000 + "按步就班" + "</div>" * 10
    doc = load_document(deep.encode(), media_type="text/html")
    assert doc.problems == () or all(p.code.startswith("FL") for p in doc.problems)
    broken = b"<html><body><p>\xff\xfe<<<>>><table><td>cell<p>unclosed <b>bold"
    doc = load_document(broken, name="x.html")
    assert any("cell" in s.text for s in doc.segments)


@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=7), max_size=4, unique=True),
    tags=st.lists(st.sampled_from(["span", "b", "font", "a", "em", "strong"]), min_size=4, max_size=4),
    before=st.text(alphabet="各地要落实工作", max_size=10),
)
def test_a_term_split_by_inline_tags_stays_in_one_segment(cuts: list[int], tags: list[str], before: str) -> None:
    term = "国务院总理李克强"
    pieces: list[str] = []
    last = 0
    for i, cut in enumerate(sorted(cuts)):
        pieces.append(term[last:cut])
        pieces.append(f"<{tags[i]}>")
        last = cut
    pieces.append(term[last:])
    pieces.append("".join(f"</{tags[i]}>" for i in reversed(range(len(cuts)))))
    html = f"<p>{before}{''.join(pieces)}。</p><p>下一段</p>"
    doc = load_document(html.encode(), media_type="text/html")
    assert [s.text for s in doc.segments] == [f"{before}{term}。", "下一段"]


def test_real_news_pages(corpus_dir) -> None:  # type: ignore[no-untyped-def]
    pages = sorted((corpus_dir / "news-html").glob("*.shtml"))
    assert pages
    for page in pages:
        doc = load_document(page)
        assert doc.problems == (), page.name
        assert doc.meta.title and doc.meta.date is not None, page.name
        # The date in the file name (…YYMMDD.shtml) is the broadcast's; the page's own
        # "更新时间" may be the next day.
        stamp = page.stem[-6:]
        named = dt.date(2000 + int(stamp[:2]), int(stamp[2:4]), int(stamp[4:]))
        assert abs((doc.meta.date - named).days) <= 1, page.name
        body = _segments(doc, Part.BODY)
        if "央视网消息" in page.read_text(encoding="utf-8"):  # pages with article text
            assert any("央视网消息" in t for t in body), page.name
        assert not any("function(" in t or "var " in t for t in body), page.name
