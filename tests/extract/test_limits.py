"""Limits and the Python API: sizes, time, configuration, inputs that cannot be read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cuomin import ConfigError, InputError, Severity
from cuomin.extract import Limits, load_document

from .builders import make_docx, make_pdf, make_zip


def test_limits_parse_sizes_booleans_and_errors() -> None:
    limits = Limits.parse(["max_bytes=50M", "max-pages=10", "max_seconds=2.5", "convert=no", "max_ratio=50"])
    assert (limits.max_bytes, limits.max_pages, limits.max_seconds, limits.convert) == (50 * 1024**2, 10, 2.5, False)
    assert Limits.parse({"max_members": 5}).max_members == 5
    assert Limits.parse(["soffice=/opt/lo/soffice"]).soffice == "/opt/lo/soffice"
    for bad in (["max_bytes"], ["max_bytes=lots"], ["nope=1"], ["convert=maybe"], ["max_seconds=-1"]):
        with pytest.raises(ConfigError):
            Limits.parse(bad)


def test_oversized_input_is_a_finding_whatever_the_source(tmp_path: Path) -> None:
    data = "按步就班".encode() * 1000
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    small = Limits(max_bytes=1000)
    for source in (path, str(path), data, io.BytesIO(data)):
        doc = load_document(source, limits=small)  # type: ignore[arg-type]
        [problem] = doc.problems
        assert problem.code == "FL004" and problem.severity is Severity.CRITICAL
        assert doc.segments == ()


def test_time_limit_stops_between_pages_rows_and_members() -> None:
    expired = Limits(max_seconds=1e-9)
    assert [p.code for p in load_document(make_pdf([["一"], ["二"]]), limits=expired).problems] == ["FL011"]
    archive = make_zip({"a.txt": b"a", "b.txt": b"b"})
    assert [p.code for p in load_document(archive, limits=expired).problems] == ["FL011"]


def test_inputs_that_cannot_be_read_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不存在"):
        load_document(tmp_path / "missing.pdf")
    with pytest.raises(InputError, match="目录"):
        load_document(tmp_path)
    with pytest.raises(InputError, match="二进制"):
        load_document(io.StringIO("文本"))  # type: ignore[arg-type]


def test_deeply_nested_xml_is_refused_not_a_crash() -> None:
    from .builders import replace_member

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    deep = f"<w:document {w}><w:body>" + "<w:sdt><w:sdtContent>" * 5000 + "</w:sdtContent></w:sdt>" * 5000 + "</w:body></w:document>"
    data = replace_member(make_docx(lambda d: d.add_paragraph("x")), "word/document.xml", deep.encode())
    doc = load_document(data)
    assert [p.code for p in doc.problems] == ["FL002"]
