"""Legacy .doc/.wps/.et/.rtf: a finding without LibreOffice, a conversion with it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cuomin import Severity
from cuomin.extract import Limits, load_document
from cuomin.extract.convert import find_soffice

from .builders import make_cfb, make_docx, word_fib

NO_OFFICE = Limits(soffice="/nonexistent/soffice")


def test_doc_and_wps_need_conversion_without_libreoffice() -> None:
    doc_file = make_cfb({"WordDocument": word_fib(), "1Table": b"\x00"})
    for name, label in (("通知.doc", "旧版 Word 文档"), ("通知.wps", "WPS 文字")):
        [problem] = load_document(doc_file, name=name, limits=NO_OFFICE).problems
        assert problem.code == "FL006" and problem.severity is Severity.CRITICAL
        assert label in problem.explanation and "LibreOffice" in problem.explanation
        assert problem.location is not None and problem.location.file == name
    [off] = load_document(doc_file, name="a.doc", limits=Limits(convert=False)).problems
    assert off.code == "FL006" and "已关闭转换" in off.explanation


def test_encrypted_doc_is_reported_before_any_conversion() -> None:
    data = make_cfb({"WordDocument": word_fib(encrypted=True), "1Table": b"\x00"})
    assert [p.code for p in load_document(data, name="x.doc").problems] == ["FL001"]


def test_et_and_rtf_need_conversion() -> None:
    broken_book = make_cfb({"Workbook": b"\x09\x08\x10\x00" + b"\x00" * 100})
    [problem] = load_document(broken_book, name="表.et", limits=NO_OFFICE).problems
    assert problem.code == "FL006" and "WPS 表格" in problem.explanation
    [problem] = load_document("{\\rtf1\\ansi 按步就班}".encode("gb18030"), name="a.rtf", limits=NO_OFFICE).problems
    assert problem.code == "FL006" and "RTF" in problem.explanation
    # Content decides: an RTF file named .txt is still RTF.
    assert [p.code for p in load_document(rb"{\rtf1 x}", name="a.txt", limits=NO_OFFICE).problems] == ["FL006"]


soffice = find_soffice()
needs_office = pytest.mark.skipif(soffice is None, reason="LibreOffice (soffice) is not installed")


@needs_office
def test_doc_is_converted_through_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "source.docx"
    source.write_bytes(make_docx(lambda d: d.add_paragraph("各地要按步就班推进工作。")))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [str(soffice), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    data = (tmp_path / "source.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    doc = load_document(data, name="旧文档.doc")
    assert doc.problems == ()
    assert "各地要按步就班推进工作。" in [s.text for s in doc.segments]
    assert ("converted_from", ".doc") in doc.meta.extra


@needs_office
def test_failed_or_slow_conversion_is_a_finding() -> None:
    fake = make_cfb({"WordDocument": word_fib(), "1Table": b"\x00"})
    [problem] = load_document(fake, name="坏.doc", limits=Limits(convert_seconds=0.01)).problems
    assert problem.code == "FL007"
