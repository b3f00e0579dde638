"""Build real fixture files in memory: PDF (fpdf2 + a CJK font from a Debian package), DOCX
(python-docx), XLSX (openpyxl), XLS (xlwt), OFD and ZIP (by hand, as the spec lays them out)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pytest

#: TrueType CJK fonts from Debian packages (.ci/apt-packages.txt installs fonts-droid-fallback).
CJK_FONTS = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf",
)


def cjk_font() -> str:
    for path in CJK_FONTS:
        if Path(path).is_file():
            return path
    message = "no CJK TrueType font: apt-get install fonts-droid-fallback (listed in .ci/apt-packages.txt)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError  # unreachable


def make_pdf(
    pages: Sequence[Sequence[str] | None],
    *,
    user_password: str | None = None,
    font_size: float = 12,
) -> bytes:
    """One PDF page per item: a list of lines drawn one under the other, or None for a page
    that is only an image (a scan without text layer)."""
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("cjk", "", cjk_font())
    if user_password is not None:
        pdf.set_encryption(owner_password="owner-" + user_password, user_password=user_password)
    for lines in pages:
        pdf.add_page()
        if lines is None:
            image = Image.new("L", (400, 560), 255)
            for x in range(40, 360):
                for y in range(60, 64):
                    image.putpixel((x, y), 0)
            buf = io.BytesIO()
            image.save(buf, format="PNG")
            buf.seek(0)
            pdf.image(buf, x=20, y=20, w=400)
            continue
        pdf.set_font("cjk", size=font_size)
        y = 60.0
        for line in lines:
            pdf.text(x=60, y=y, text=line)
            y += font_size * 1.6
    return bytes(pdf.output())


def make_docx(build) -> bytes:  # type: ignore[no-untyped-def]
    """Call ``build(document)`` on a new python-docx Document and return the file."""
    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip(members: Mapping[str, bytes] | Iterable[tuple[str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    items = members.items() if isinstance(members, Mapping) else members
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return out.getvalue()


def replace_member(container: bytes, name: str, data: bytes) -> bytes:
    """A copy of a ZIP container with one member replaced."""
    src = zipfile.ZipFile(io.BytesIO(container))
    return make_zip([(i.filename, data if i.filename == name else src.read(i.filename)) for i in src.infolist()])


_OFD_NS = "http://www.ofdspec.org/2016"


def make_ofd(pages: Sequence[Sequence[str]], *, title: str = "测试文档", template: str | None = None) -> bytes:
    """An OFD file: one Content.xml per page, one TextObject per line (4 mm high)."""
    members: dict[str, bytes] = {}
    members["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID><ofd:Title>{title}</ofd:Title></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    ).encode()
    page_refs = "".join(
        f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    tpl = '<ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template else ""
    members["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
        '<ofd:CommonData><ofd:MaxUnitID>100</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
        f"</ofd:PageArea>{tpl}</ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    ).encode()

    def content(lines: Sequence[str]) -> bytes:
        objs = []
        # Written bottom line first: the reader must order lines by their position.
        for n, line in reversed(list(enumerate(lines))):
            y = 20 + n * 6
            objs.append(
                f'<ofd:TextObject ID="{100 + n}" Boundary="20 {y} 170 6" Font="1" Size="4">'
                f'<ofd:TextCode X="0" Y="4" DeltaX="g {max(len(line) - 1, 0)} 4">{line}</ofd:TextCode></ofd:TextObject>'
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content>'
            f'<ofd:Layer ID="3">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>'
        ).encode()

    for i, lines in enumerate(pages):
        members[f"Doc_0/Pages/Page_{i}/Content.xml"] = content(lines)
    if template:
        members["Doc_0/Tpls/Tpl_0/Content.xml"] = content([template])
    return make_zip(members)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
)


def make_cfb(streams: Mapping[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding the given streams,
    each padded to at least 4096 bytes so that none lives in the mini stream."""
    import struct

    end, free, fat_sect, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    assert len(names) <= 3
    payloads = [streams[n].ljust(4096, b"\x00") for n in names]
    fat = [fat_sect, end]  # sector 0: FAT, sector 1: directory
    starts = []
    for payload in payloads:
        count = -(-len(payload) // 512)
        start = len(fat)
        starts.append(start)
        fat.extend(range(start + 1, start + count))
        fat.append(end)
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(encoded), kind, 1, no_stream, right, child)
            + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, 1 if names else no_stream, no_stream, end, 0)]
    for i, (name, payload) in enumerate(zip(names, payloads)):
        right = i + 2 if i + 1 < len(names) else no_stream
        entries.append(entry(name, 2, no_stream, right, starts[i], len(streams[name].ljust(4096, b"\x00"))))
    while len(entries) < 4:
        entries.append(b"\x00" * 64 + struct.pack("<HBBIII", 0, 0, 0, no_stream, no_stream, no_stream) + b"\x00" * 48)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0) + struct.pack("<I", free) * 108
    )
    assert len(header) == 512
    body = struct.pack("<128I", *fat) + b"".join(entries) + b"".join(p.ljust(-(-len(p) // 512) * 512, b"\x00") for p in payloads)
    return header + body


def word_fib(encrypted: bool = False) -> bytes:
    """The start of a WordDocument stream: wIdent, nFib, and the flags with fEncrypted."""
    import struct

    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0) + struct.pack("<H", flags) + b"\x00" * 20
