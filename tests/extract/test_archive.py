"""ZIP archives: members checked recursively with their paths, within limits; bombs refused."""

from __future__ import annotations

import zipfile

import cuomin
from cuomin import Part, Severity
from cuomin.extract import Limits, load_document

from .builders import make_docx, make_ofd, make_pdf, make_zip


def _docx(text: str) -> bytes:
    return make_docx(lambda d: d.add_paragraph(text))


def test_members_are_checked_with_their_paths(wd_checker: cuomin.Checker) -> None:
    inner = make_zip({"深层/说明.txt": "中华人民共合国".encode("gb18030")})
    data = make_zip(
        {
            "附件1/通知.docx": _docx("各地要按步就班推进。"),
            "附件2/公文.ofd": make_ofd([["深入开展扫黑险恶专项斗争。"]]),
            "附件3.pdf": make_pdf([["工作要按步就班"]]),
            "打包.zip": inner,
            "__MACOSX/._通知.docx": b"\x00\x05\x16\x07junk",
            "坏文件.docx": b"PK\x03\x04 not really",
        }
    )
    doc = load_document(data, name="附件.zip")
    located = {(s.location.file, s.location.part, s.location.page, s.text) for s in doc.segments if s.location}
    assert ("附件1/通知.docx", Part.ATTACHMENT, None, "各地要按步就班推进。") in located
    assert ("附件2/公文.ofd", Part.ATTACHMENT, 1, "深入开展扫黑险恶专项斗争。") in located
    assert ("附件3.pdf", Part.ATTACHMENT, 1, "工作要按步就班") in located
    assert ("打包.zip/深层/说明.txt", Part.ATTACHMENT, None, "中华人民共合国") in located
    [bad] = doc.problems
    assert bad.code == "FL002" and bad.location is not None and bad.location.file == "坏文件.docx"

    findings = list(wd_checker.iter_findings(doc, date="2024-05-01"))
    described = {f.location.describe() for f in findings if f.location and f.code.startswith("WD")}
    assert "附件 附件1/通知.docx 第1段" in described
    assert "附件 附件3.pdf 第1页 第1段" in described
    assert any(f.code == "FL002" for f in findings)


def test_zip_bomb_by_ratio() -> None:
    data = make_zip({"bomb.txt": b"\x00" * (20 * 1024 * 1024), "ok.txt": "按步就班".encode()})
    doc = load_document(data, name="bomb.zip")
    [problem] = doc.problems
    assert problem.code == "FL005" and problem.severity is Severity.CRITICAL
    assert problem.location is not None and problem.location.file == "bomb.txt"
    assert "压缩比" in problem.explanation
    assert [s.text for s in doc.segments] == ["按步就班"]  # the rest is still checked


def test_total_size_member_count_and_depth_limits() -> None:
    members = {f"{i}.txt": ("第%d个文件" % i).encode() * 200 for i in range(6)}
    data = make_zip(members)
    doc = load_document(data, limits=Limits(max_total_bytes=4000))
    assert [p.code for p in doc.problems] == ["FL005"]
    assert len(doc.segments) < 6
    doc = load_document(data, limits=Limits(max_members=2))
    assert len(doc.segments) == 2 and [p.code for p in doc.problems] == ["FL010"]
    nested = make_zip({"a.zip": make_zip({"b.zip": make_zip({"c.txt": "最里层".encode()})})})
    assert [s.text for s in load_document(nested).segments] == ["最里层"]
    doc = load_document(nested, limits=Limits(max_depth=2))
    assert doc.segments == ()
    assert [(p.code, p.location.file) for p in doc.problems] == [("FL010", "a.zip/b.zip")]  # type: ignore[union-attr]


def test_member_too_big_and_encrypted_member() -> None:
    data = make_zip({"big.txt": b"x" * 5000, "small.txt": "小".encode()})
    assert len(data) < 4096
    doc = load_document(data, limits=Limits(max_bytes=4096))
    assert [(p.code, p.location.file) for p in doc.problems] == [("FL004", "big.txt")]  # type: ignore[union-attr]
    # Mark the member encrypted (traditional PKWARE): bit 0 of the flags, in the local
    # header (offset 6) and the central directory entry (offset 8).
    raw = bytearray(make_zip({"secret.txt": b"0123456789ab" + b"data"}, compression=zipfile.ZIP_STORED))
    raw[6] |= 1
    raw[raw.index(b"PK\x01\x02") + 8] |= 1
    [problem] = load_document(bytes(raw)).problems
    assert problem.code == "FL001" and "附件无法打开：文件已加密" in problem.explanation


def test_gbk_member_names_from_chinese_windows() -> None:
    gbk = "通知.txt".encode("gbk")
    placeholder = b"ab" * (len(gbk) // 2 - 2) + b".txt"
    assert len(placeholder) == len(gbk)
    data = make_zip({placeholder.decode(): "内容".encode()}).replace(placeholder, gbk)
    [segment] = load_document(data).segments
    assert segment.location is not None and segment.location.file == "通知.txt"


def test_truncated_archive() -> None:
    data = make_zip({"a.txt": "内容".encode() * 100})
    doc = load_document(data[: len(data) // 2], name="坏.zip")
    assert [p.code for p in doc.problems] == ["FL002"]
