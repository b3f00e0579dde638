"""OFD (GB/T 33190-2016), the national fixed-layout format: a ZIP of XML parts.

``OFD.xml`` names each document's ``Document.xml``, which lists pages; each page's
``Content.xml`` holds ``TextObject``/``TextCode`` elements with coordinates. Text codes are
grouped into lines by their baseline, lines into paragraphs as for PDF. Page templates
(the 红头 and running heads) come out once each as part ``header``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from ..model import Document, DocumentMeta, Location, Part, Segment
from .limits import Job
from .lines import paragraphs
from .problems import ExtractionFailed
from .xmlsafe import local_name, parse_xml
from .zipparts import ZipReader

__all__ = ["extract_ofd", "OFD_MEDIA_TYPE"]

OFD_MEDIA_TYPE = "application/ofd"


def _floats(value: str | None, count: int) -> list[float]:
    try:
        numbers = [float(v) for v in (value or "").split()]
    except ValueError:
        numbers = []
    return (numbers + [0.0] * count)[:count]


def _children(el: Any, name: str) -> Iterator[Any]:
    for child in el:
        if local_name(child.tag) == name:
            yield child


def _child_text(el: Any, name: str) -> str:
    for child in el.iter():
        if local_name(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, loc))


def page_lines(content: Any) -> list[str]:
    """Text of one page (or template) as lines, top to bottom, left to right."""
    items: list[tuple[float, float, float, str]] = []
    for obj in content.iter():
        if local_name(obj.tag) != "TextObject":
            continue
        bx, by, _bw, _bh = _floats(obj.get("Boundary"), 4)
        size = _floats(obj.get("Size"), 1)[0] or 3.5
        x = y = 0.0
        for code in _children(obj, "TextCode"):
            if code.get("X") is not None:
                x = _floats(code.get("X"), 1)[0]
            if code.get("Y") is not None:
                y = _floats(code.get("Y"), 1)[0]
            if code.text:
                items.append((by + y, bx + x, size, code.text))
    items.sort(key=lambda item: (item[0], item[1]))
    lines: list[list[tuple[float, str]]] = []
    line_y = None
    for y, x, size, text in items:
        if line_y is None or abs(y - line_y) > size * 0.5:
            lines.append([])
            line_y = y
        lines[-1].append((x, text))
    return ["".join(text for _x, text in sorted(line, key=lambda item: item[0])) for line in lines]


def extract_ofd(data: bytes, job: Job) -> Document:
    zr = ZipReader(data, job, kind="OFD ")
    if not zr.has("OFD.xml"):
        raise ExtractionFailed("FL002", "OFD 中缺少入口文件 OFD.xml")
    if any(posixpath.basename(i.filename).lower() == "encryptions.xml" for i in zr.infos):
        raise ExtractionFailed("FL001", "OFD 文档已加密")
    limit = job.limits.max_xml_bytes
    root = parse_xml(zr.read("OFD.xml", limit), "OFD.xml")
    segments: list[Segment] = []
    title = None
    page_number = 0
    for body in (el for el in root.iter() if local_name(el.tag) == "DocBody"):
        title = title or _child_text(body, "Title") or None
        doc_root = _child_text(body, "DocRoot")
        if not doc_root:
            continue
        doc_path = _resolve("", doc_root)
        doc_dir = posixpath.dirname(doc_path)
        document = parse_xml(zr.read(doc_path, limit), doc_path)
        for tpl in (el for el in document.iter() if local_name(el.tag) == "TemplatePage"):
            tpl_path = _resolve(doc_dir, tpl.get("BaseLoc", ""))
            if not zr.has(tpl_path):
                continue
            lines = page_lines(parse_xml(zr.read(tpl_path, limit), tpl_path))
            for n, text in enumerate(paragraphs(lines), start=1):
                segments.append(Segment(text, Location(Part.HEADER, paragraph=n, element=f"template[{tpl.get('ID', '?')}]")))
        for page in (el for el in document.iter() if local_name(el.tag) == "Page"):
            page_number += 1
            if page_number > job.limits.max_pages:
                job.problem("FL010", f"只检查了前 {job.limits.max_pages} 页（max_pages）")
                return _document(segments, title)
            if job.expired():
                job.problem("FL011", f"检查了前 {page_number - 1} 页")
                return _document(segments, title)
            path = _resolve(doc_dir, page.get("BaseLoc", ""))
            if not zr.has(path):
                job.problem("FL002", f"缺少第 {page_number} 页的内容 {path}", page=page_number)
                continue
            lines = page_lines(parse_xml(zr.read(path, limit), path))
            for n, text in enumerate(paragraphs(lines), start=1):
                segments.append(Segment(text, Location(Part.BODY, page=page_number, paragraph=n)))
    return _document(segments, title)


def _document(segments: list[Segment], title: str | None) -> Document:
    return Document(segments=tuple(segments), meta=DocumentMeta(title=title, media_type=OFD_MEDIA_TYPE))
