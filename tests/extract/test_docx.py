"""DOCX: runs joined, tables, headers and footers, notes, comments, text boxes, hostile files."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msoffcrypto.format.ooxml import OOXMLFile

import cuomin
from cuomin import Category, Part, Severity
from cuomin.extract import load_document

from .builders import BILLION_LAUGHS, make_docx, replace_member

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _sample(document) -> None:  # type: ignore[no-untyped-def]
    document.core_properties.title = "关于印发工作方案的通知"
    p = document.add_paragraph()
    for piece in ("国务院总理", "李", "克强", "主持召开常务会议。"):
        p.add_run(piece).bold = piece == "李"
    document.add_paragraph("")
    document.add_paragraph("各地要按步就班推进。")
    hidden = document.add_paragraph()
    hidden.add_run("可见部分")
    hidden.add_run("隐藏的台湾总统").font.hidden = True
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "序号"
    table.cell(2, 1).text = "扫黑险恶"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "合并单元格"
    table.cell(1, 2).text = "再接再励"
    section = document.sections[0]
    section.header.paragraphs[0].text = "内部资料 注意保存"
    section.footer.paragraphs[0].text = "第 1 页"


def test_runs_tables_headers_and_locations(wd_checker: cuomin.Checker) -> None:
    doc = load_document(make_docx(_sample), name="方案.docx")
    assert doc.problems == ()
    assert doc.meta.title == "关于印发工作方案的通知"
    parts = [(s.location.part, s.text) for s in doc.segments if s.location]
    assert (Part.BODY, "国务院总理李克强主持召开常务会议。") in parts
    assert (Part.BODY, "可见部分") in parts and (Part.HIDDEN, "隐藏的台湾总统") in parts
    assert (Part.HEADER, "内部资料 注意保存") in parts and (Part.FOOTER, "第 1 页") in parts
    cells = {s.location.cell: s.text for s in doc.segments if s.location and s.location.part is Part.TABLE}
    assert cells["r1c1"] == "序号" and cells["r3c2"] == "扫黑险恶" and cells["r2c3"] == "再接再励"
    assert cells["r2c1"] == "合并单元格" and "r2c2" not in cells  # gridSpan counted

    findings = {f.entry: f for f in wd_checker.iter_findings(doc, date="2024-05-01")}
    leader = findings["lead-国务院总理李克强"]
    assert leader.location is not None and leader.location.paragraph == 1 and leader.location.part is Part.BODY
    typo = findings["typo-按步就班"]
    assert typo.location is not None and typo.location.paragraph == 2  # the empty paragraph is not counted
    cell = findings["typo-扫黑险恶"]
    assert cell.location is not None and (cell.location.cell, cell.location.element) == ("r3c2", "table[1]")
    secret = findings["sec-内部资料"]
    assert secret.location is not None and secret.location.part is Part.HEADER
    assert findings["sov-台湾总统"].location.part is Part.HIDDEN  # type: ignore[union-attr]


def _with_parts(base: bytes, extra: dict[str, bytes], rels: str, content_types: str) -> bytes:
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", content_types.encode() + b"</Types>")
            zf.writestr(info.filename, data)
        for name, data in extra.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_footnotes_comments_and_text_boxes() -> None:
    def build(document) -> None:  # type: ignore[no-untyped-def]
        document.add_paragraph("正文")

    base = make_docx(build)
    footnotes = (
        f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>脚注里的按步</w:t></w:r><w:r><w:t>就班</w:t></w:r></w:p></w:footnote></w:footnotes>'
    ).encode()
    comments = f'<w:comments {W}><w:comment w:id="0" w:author="审核"><w:p><w:r><w:t>批注：共商国事</w:t></w:r></w:p></w:comment></w:comments>'.encode()
    rels = (
        '<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        '<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>'
        '<Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://example.org/" TargetMode="External"/>'
    )
    data = _with_parts(base, {"word/footnotes.xml": footnotes, "word/comments.xml": comments}, rels, "")
    # A text box (with its VML fallback, which must not be read twice) and a hyperlink.
    document_xml = (
        f'<w:document {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
        "<w:p><w:r><w:t>段落前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
        "<w:txbxContent><w:p><w:r><w:t>文本框里的再接再励</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框里的再接再励</w:t></w:r></w:p></w:txbxContent></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>段落后</w:t></w:r></w:p>"
        '<w:p><w:hyperlink r:id="rIdL"><w:r><w:t>链接文字</w:t></w:r></w:hyperlink></w:p>'
        "<w:p><w:del><w:r><w:delText>删除的按步就班</w:delText></w:r></w:del><w:ins><w:r><w:t>插入的文字</w:t></w:r></w:ins></w:p>"
        "</w:body></w:document>"
    ).encode()
    data = replace_member(data, "word/document.xml", document_xml)
    doc = load_document(data)
    got = [(s.location.part, s.location.element, s.text) for s in doc.segments if s.location]
    assert (Part.BODY, None, "段落前段落后") in got
    assert [g for g in got if g[2] == "文本框里的再接再励"] == [(Part.BODY, "textbox[1]", "文本框里的再接再励")]
    assert (Part.FOOTNOTE, "footnote[1]", "脚注里的按步就班") in got
    assert (Part.COMMENT, "comment[0]", "批注：共商国事") in got
    assert (Part.BODY, None, "插入的文字") in got
    assert not any("删除的" in g[2] for g in got)
    assert doc.links == (("http://example.org/", "链接文字", False),)


def test_encrypted_docx_is_reported() -> None:
    plain = make_docx(_sample)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("口令123", out)
    data = out.getvalue()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # an OLE2 container, not a ZIP
    doc = load_document(data, name="加密.docx")
    [problem] = doc.problems
    assert (problem.code, problem.category, problem.severity) == ("FL001", Category.FILE, Severity.CRITICAL)
    assert "已加密" in problem.explanation and problem.location.file == "加密.docx"  # type: ignore[union-attr]


def test_truncated_docx_is_reported() -> None:
    data = make_docx(_sample)
    for cut in (len(data) - 30, len(data) // 2, 100):
        doc = load_document(data[:cut], name="截断.docx")
        assert [p.code for p in doc.problems] == ["FL002"], cut
        assert "DOCX" in doc.problems[0].explanation


def test_entity_expansion_is_refused() -> None:
    bomb = BILLION_LAUGHS + f"<w:document {W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>".encode()
    data = replace_member(make_docx(_sample), "word/document.xml", bomb)
    doc = load_document(data, name="bomb.docx")
    assert [p.code for p in doc.problems] == ["FL009"]
    assert doc.segments == ()


def test_malformed_document_xml_is_corrupt() -> None:
    data = replace_member(make_docx(_sample), "word/document.xml", b"<w:document><w:body><w:p>")
    assert [p.code for p in load_document(data).problems] == ["FL002"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.integers(min_value=1, max_value=13), max_size=5, unique=True))
def test_a_term_split_across_runs_is_one_segment(cuts: list[int]) -> None:
    text = "请各单位再接再励，深入开展工作。"
    bounds = [0, *sorted(cuts), len(text)]

    def build(document) -> None:  # type: ignore[no-untyped-def]
        p = document.add_paragraph()
        for a, b in zip(bounds, bounds[1:]):
            p.add_run(text[a:b]).italic = a % 2 == 0

    doc = load_document(make_docx(build))
    assert [s.text for s in doc.segments] == [text]
