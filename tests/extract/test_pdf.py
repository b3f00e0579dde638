"""PDF: text per page, wrapped terms joined, scans, encryption, damage, page limits."""

from __future__ import annotations

import cuomin
from cuomin import Category, Part, Severity
from cuomin.extract import Limits, load_document

from .builders import make_pdf

# Three lines as a layout engine wraps them: the first two run to the full width, so the
# term 李克强 is split across the line break; the last line is short (end of paragraph).
WRAPPED = [
    "本周召开的常务会议上，国务院总理李克",
    "强听取了关于稳定就业工作的情况汇报",
    "并作重要讲话。",
]


def test_term_wrapped_across_pdf_lines_is_found_on_its_page(wd_checker: cuomin.Checker) -> None:
    data = make_pdf([["第一页"], WRAPPED + ["", "工作要按步就班推进。"]])
    doc = load_document(data, name="报告.pdf")
    assert doc.problems == ()
    texts = [s.text for s in doc.segments]
    assert "本周召开的常务会议上，国务院总理李克强听取了关于稳定就业工作的情况汇报并作重要讲话。" in texts
    findings = list(wd_checker.iter_findings(doc, date="2024-05-01"))
    by_entry = {f.entry: f for f in findings}
    leader = by_entry["lead-国务院总理李克强"]
    assert leader.match == "国务院总理李克强"
    assert leader.location is not None and leader.location.page == 2 and leader.location.paragraph == 1
    typo = by_entry["typo-按步就班"]
    assert typo.location is not None and (typo.location.page, typo.location.paragraph) == (2, 2)


def test_image_only_pages_are_reported_with_page_numbers() -> None:
    doc = load_document(make_pdf([["有文字的页面"], None, None, ["又有文字"], None]), name="扫描件.pdf")
    [problem] = doc.problems
    assert problem.code == "FL003" and problem.category is Category.FILE
    assert problem.severity is Severity.ERROR  # part of the file was checked
    assert "2–3、5" in problem.explanation
    assert problem.location is not None and problem.location.file == "扫描件.pdf" and problem.location.page == 2
    assert [s.location.page for s in doc.segments if s.location] == [1, 4]


def test_a_scan_without_any_text_is_critical() -> None:
    doc = load_document(make_pdf([None, None]))
    [problem] = doc.problems
    assert problem.code == "FL003" and problem.severity is Severity.CRITICAL
    assert doc.segments == ()
    assert (problem.start, problem.end, problem.match, problem.line, problem.column) == (0, 0, "", 1, 1)
    assert problem.layer == "extract" and problem.entry == "FL003"


def test_encrypted_pdf_is_reported_not_raised() -> None:
    doc = load_document(make_pdf([["机密内容"]], user_password="secret"), name="加密.pdf")
    [problem] = doc.problems
    assert problem.code == "FL001" and problem.severity is Severity.CRITICAL
    assert problem.explanation.startswith("附件无法打开：文件已加密")
    assert problem.location is not None and problem.location.part is Part.ATTACHMENT
    assert problem.location.file == "加密.pdf"


def test_truncated_pdf_is_reported() -> None:
    data = make_pdf([["第一页"], ["第二页"]])
    for cut in (len(data) // 3, 600, 9):
        doc = load_document(data[:cut], name="截断.pdf")
        assert [p.code for p in doc.problems] == ["FL002"], cut


def test_a_pdf_name_with_other_content_is_corrupt() -> None:
    doc = load_document(b"", name="empty.pdf")
    assert [p.code for p in doc.problems] == ["FL002"]
    assert "扩展名为 .pdf" in doc.problems[0].explanation


def test_page_limit() -> None:
    data = make_pdf([[f"第{n}页"] for n in "一二三四五"])
    doc = load_document(data, limits=Limits(max_pages=2))
    assert [s.text for s in doc.segments] == ["第一页", "第二页"]
    assert [p.code for p in doc.problems] == ["FL010"]
    assert doc.problems[0].severity is Severity.ERROR


def test_file_objects_and_media_type(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = make_pdf([["按步就班"]])
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    with path.open("rb") as fh:
        doc = load_document(fh, media_type="application/pdf")
    assert doc.meta.media_type == "application/pdf" and doc.meta.path == str(path)
    assert [s.text for s in doc.segments] == ["按步就班"]
    # A wrong media type does not beat the content's signature.
    assert load_document(data, media_type="text/html").meta.media_type == "application/pdf"
