"""Plain text in Chinese encodings, format detection by content, line joining, OFD."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import cuomin
from cuomin import InputError, Part
from cuomin.extract import decode_text, detect_format, load_document
from cuomin.extract.lines import paragraphs
from cuomin.extract.text import _chinese_ratio

from .builders import make_docx, make_ofd, make_pdf, make_zip

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
TEXT = st.text(alphabet=st.one_of(CJK, st.sampled_from("，。：；“”（）0123456789abcXYZ \n")), min_size=1, max_size=200)


@settings(max_examples=150)
@given(text=TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"]))
def test_decode_round_trips_in_every_chinese_encoding(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # GBK lacks a few code points of the range
    if encoding in ("gb18030", "gbk"):
        # A few GB characters can also be valid UTF-8 that reads as other Chinese text (纾亊
        # is E7 A3 81 7E, which UTF-8 reads as 磁~): the bytes alone cannot tell, and the
        # decoder prefers UTF-8 then, as documented. Only such texts are left out.
        try:
            assume(_chinese_ratio(data.decode("utf-8")) < 0.8)
        except UnicodeDecodeError:
            pass
    decoded, _used = decode_text(data)
    assert decoded == text


def test_plain_text_keeps_file_offsets(wd_checker: cuomin.Checker) -> None:
    text = "通知\r\n工作要按步就班。"
    for data in (text.encode("gb18030"), text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode()):
        doc = load_document(data, name="a.txt")
        [finding] = [f for f in wd_checker.iter_findings(doc) if f.code.startswith("WD")]
        assert text[finding.start : finding.end] == "按步就班" and finding.location is None


def test_undecodable_input_raises_but_a_member_is_a_finding() -> None:
    garbage = bytes(range(128, 256)) * 4 + b"\xff\xfe\xfd"
    with pytest.raises(InputError, match="编码"):
        load_document(garbage, name="x.txt")
    [problem] = load_document(make_zip({"x.txt": garbage}), name="a.zip").problems
    assert problem.code == "FL012" and problem.location.file == "x.txt"  # type: ignore[union-attr]


def test_detection_by_content_not_name() -> None:
    pdf = make_pdf([["文字"]])
    docx = make_docx(lambda d: d.add_paragraph("文字"))
    assert detect_format(pdf, "通知.doc") == "pdf"
    assert detect_format(docx, "通知.zip") == "docx"
    assert detect_format(docx, None) == "docx"
    assert detect_format(make_ofd([["文字"]]), "x.zip") == "ofd"
    assert detect_format(make_zip({"a.txt": b"x"}), "a.docx") == "zip"
    assert detect_format(b"<!DOCTYPE html><html><body>x</body></html>", "x.pdf") == "html"
    assert detect_format("<html><body>正文</body></html>".encode("utf-16"), None) == "html"
    assert detect_format("正文".encode("gb18030"), None) == "text"
    assert detect_format(b"<p>x</p>", "notes.txt") == "text"  # a .txt stays text
    assert detect_format(b"<p>x</p>", None, media_type="text/plain; charset=utf-8") == "text"
    assert detect_format(b"\x89PNG\r\n\x1a\n....", "a.txt") == "image"
    assert detect_format(b"Rar!\x1a\x07\x00", "a.zip") == "archive"
    assert detect_format(b"\x00\x01\x02binary", None) == "unknown"
    # An HTML error page saved under an attachment's name is read as the HTML it is.
    doc = load_document(b"<html><head><title>404 Not Found</title></head></html>", name="附件.pdf")
    assert doc.meta.media_type == "text/html" and doc.meta.title == "404 Not Found"


def test_images_and_unknown_archives_are_findings() -> None:
    [image] = load_document(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, name="图.png").problems
    assert image.code == "FL013" and image.severity is cuomin.Severity.WARNING
    [rar] = load_document(b"Rar!\x1a\x07\x00" + b"\x00" * 50, name="a.rar").problems
    assert rar.code == "FL008"
    [binary] = load_document(b"\x00\x01\x02\x03" * 100, name="a.bin").problems
    assert binary.code == "FL008"


@settings(max_examples=200)
@given(lines=st.lists(st.text(alphabet=st.one_of(CJK, st.sampled_from("ab ，。\u3000")), max_size=30), max_size=12))
def test_line_joining_loses_nothing_but_edge_spaces(lines: list[str]) -> None:
    def squash(text: str) -> str:
        return "".join(ch for ch in text if ch not in " \u3000\n")

    out = paragraphs(lines)
    assert squash("".join(out)) == squash("".join(lines))
    assert all(p and "\n" not in p and p == p.strip(" \u3000") for p in out)


@settings(max_examples=200)
@given(
    before=st.text(alphabet=CJK, min_size=0, max_size=20),
    after=st.text(alphabet=CJK, min_size=0, max_size=20),
    cut=st.integers(min_value=1, max_value=7),
    width=st.integers(min_value=8, max_value=30),
)
def test_a_term_wrapped_at_a_full_line_stays_whole(before: str, after: str, cut: int, width: int) -> None:
    term = "国务院总理李克强"
    text = before + term + after
    split = len(before) + cut
    # Lay the text out in lines of `width` characters, with one break inside the term.
    breaks = sorted({*range(width, len(text), width)} - {split} | {split})
    bounds = [0, *breaks, len(text)]
    lines = [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    widest = max(len(line) for line in lines)
    if any(len(line) < 0.8 * widest for line in lines[:-1]):
        return  # an early short line ends a paragraph by design
    assert any(term in p for p in paragraphs(lines))


def test_latin_words_get_a_space_cjk_none() -> None:
    assert paragraphs(["This line is long", "and wraps here", "", "第一段文字很长很长", "接着写", "新段"]) == [
        "This line is long and wraps here",
        "第一段文字很长很长接着写",
        "新段",
    ]


def test_ofd_pages_lines_and_templates(wd_checker: cuomin.Checker) -> None:
    data = make_ofd(
        [["关于印发方案的通知"], ["各单位：根据国务院总理李克", "强的指示，工作要按步就班地推", "进。"]],
        template="内部资料",
    )
    doc = load_document(data, name="公文.ofd")
    assert doc.meta.title == "测试文档" and doc.problems == ()
    got = [(s.location.part, s.location.page, s.text) for s in doc.segments if s.location]
    assert (Part.HEADER, None, "内部资料") in got
    assert (Part.BODY, 2, "各单位：根据国务院总理李克强的指示，工作要按步就班地推进。") in got
    findings = {f.entry: f for f in wd_checker.iter_findings(doc, date="2024-05-01")}
    assert findings["lead-国务院总理李克强"].location.page == 2  # type: ignore[union-attr]
    assert findings["sec-内部资料"].location.part is Part.HEADER  # type: ignore[union-attr]


def test_encrypted_and_broken_ofd() -> None:
    good = make_ofd([["正文"]])
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(good))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    encrypted = make_zip({**members, "Encryptions.xml": b"<Encryptions/>"})
    assert [p.code for p in load_document(encrypted).problems] == ["FL001"]
    missing_page = make_zip({k: v for k, v in members.items() if "Page_0" not in k})
    doc = load_document(missing_page)
    assert [(p.code, p.location.page) for p in doc.problems] == [("FL002", 1)]  # type: ignore[union-attr]


def test_utf8_punctuation_is_not_read_as_gbk() -> None:
    from cuomin.extract.text import decode_text

    assert decode_text("“X".encode()) == ("“X", "utf-8")
    assert decode_text("省".encode("gbk"))[1] == "gb18030"


def test_gbk_that_is_also_valid_utf8_is_read_as_gbk() -> None:
    from cuomin.extract.text import decode_text

    assert decode_text("么".encode("gbk")) == ("么", "gb18030")  # C3 B4 is also UTF-8 for ô
