"""Worker side, first stage: a SourceItem becomes one Document (article + attachments).

Attachments are extracted with the same extractors as any file; their segments join the
article's with ``Location(part=ATTACHMENT, file=<name>)`` so that a finding says which
attachment it is in. An attachment that cannot be fetched or opened becomes a finding of
the article. The document is then stored compactly (compressed JSON, no pickle) so that
later rescans check the stored text instead of extracting again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from ..errors import InputError
from ..extract import load_document
from ..extract.problems import make_problem
from ..model import (
    Category,
    Document,
    DocumentMeta,
    Finding,
    Location,
    Part,
    Segment,
    Severity,
)
from ..normalize import Normalized, default_normalizer
from ..rules.base import DocumentContext
from .items import CODE_ATTACHMENT_FETCH, SourceItem, problem
from .metadata import MetaRules
from .packing import pack, unpack
from .signature import build_signature, joined_signature

__all__ = ["assemble", "content_hash", "content_digest", "context_digest", "encode_document", "decode_document", "finding_from_dict"]

log = logging.getLogger(__name__)
_BLOB_VERSION = 1


def _attachment_location(loc: Location | None, name: str) -> Location:
    if loc is None:
        return Location(part=Part.ATTACHMENT, file=name)
    file = f"{name}/{loc.file}" if loc.file and loc.file != name else name
    return dataclasses.replace(loc, part=Part.ATTACHMENT, file=file)


def _attachment_parts(item: SourceItem) -> tuple[list[Segment], list[Finding]]:
    segments: list[Segment] = []
    problems: list[Finding] = []
    for att in item.attachments:
        where = Location(part=Part.ATTACHMENT, file=att.name)
        if att.data is None:
            problems.append(
                problem(CODE_ATTACHMENT_FETCH, Category.FILE, Severity.ERROR, att.name,
                        f"附件无法下载：{att.error or '未知原因'}。请检查链接是否有效（{att.ref}）",
                        location=where)  # fmt: skip
            )
            continue
        try:
            doc = load_document(att.data, name=att.name)
        except InputError as exc:  # undecodable text: the extractor's own code for it
            problems.append(make_problem("FL012", str(exc), file=att.name))
            continue
        except Exception as exc:  # a broken file must never stop a scan of a whole site
            log.warning("attachment %s of %s: extractor failed: %r", att.name, item.key, exc)
            problems.append(make_problem("FL002", f"{type(exc).__name__}: {exc}", file=att.name))
            continue
        for seg in doc.segments:
            segments.append(dataclasses.replace(seg, location=_attachment_location(seg.location, att.name)))
        for p in doc.problems:
            problems.append(dataclasses.replace(p, location=_attachment_location(p.location, att.name)))
    return segments, problems


def _first_line(doc: Document) -> str | None:
    for seg in doc.segments:
        for line in seg.text.splitlines():
            line = line.strip()
            if line:
                return line[:80]
    return None


def assemble(item: SourceItem, rules: MetaRules) -> Document:
    """Extract the article and its attachments into one Document with full metadata.

    Raises InputError when the article itself cannot be read.
    """
    doc = load_document(item.data, media_type=item.media_type, name=item.name)
    segments = list(doc.segments)
    if item.title and not any(s.location is not None and s.location.part is Part.TITLE for s in segments):
        segments.insert(0, Segment(item.title, Location(part=Part.TITLE)))
    att_segments, att_problems = _attachment_parts(item)
    segments.extend(att_segments)
    meta = doc.meta
    unit, column = item.unit, item.column
    if unit is None or column is None:
        mapped_unit, mapped_column = rules.unit_and_column(item.path, item.url)
        unit = unit or mapped_unit
        column = column or mapped_column
    date = item.date or meta.date or rules.date_from(item.path, item.url)
    meta = dataclasses.replace(
        meta,
        title=meta.title or item.title or _first_line(doc),
        date=date,
        url=item.url or meta.url,
        path=item.path or meta.path,
        unit=unit,
        column=column,
        media_type=meta.media_type or item.media_type,
    )
    return Document(
        segments=tuple(segments),
        meta=meta,
        problems=tuple(item.problems) + tuple(doc.problems) + tuple(att_problems),
        links=doc.links,
    )


#: Part → its value: an enum's ``.value`` is a slow property, and the batch scan needs it
#: for every segment and finding it stores or fingerprints.
PART_VALUE: Final = {part: part.value for part in Part}


def _loc_key(loc: Location | None) -> str:
    if loc is None:
        return "-"
    return f"{PART_VALUE[loc.part]}|{loc.file or ''}|{loc.page or ''}|{loc.paragraph or ''}|{loc.sheet or ''}|{loc.cell or ''}"


def content_hash(doc: Document) -> str:
    return content_digest(doc)[0]


def content_digest(doc: Document) -> tuple[str, bytes]:
    """A hash of the document's normalised content: copies (转载) that differ only in
    whitespace, traditional/simplified forms or page chrome outside the segments share it.
    HTML element paths are left out (templates differ between sites). And the content's
    bigram signature."""
    # All segments normalised in one pass, each then hashed from its slice.
    whole, _starts, spans = default_normalizer().normalize_joined([seg.text for seg in doc.segments])
    return _digest(doc, whole, spans)


def context_digest(ctx: DocumentContext) -> tuple[str, bytes]:
    """:func:`content_digest` of the document a checker prepared (its normalised text made
    by the default normaliser, which every checker uses): the text is not normalised twice."""
    return _digest(ctx.document, ctx.normalized, ctx.segment_spans())


def _digest(doc: Document, whole: Normalized, spans: Sequence[tuple[int, int]]) -> tuple[str, bytes]:
    # The hashed text is built as one string and encoded once (the same bytes as hashing
    # each piece in turn, in a third of the time).
    normalized_text = whole.text
    parts: list[str] = []
    pieces: list[tuple[int, int]] = []
    for seg, (lo, hi) in zip(doc.segments, spans):
        parts.append("\0s\0" + _loc_key(seg.location))
        parts.append(normalized_text[lo:hi])
        for code, reason in seg.suppressions:
            parts.append(f"\0x{code}|{reason}")
        if hi - lo >= 2:
            pieces.append((lo, hi))
    for p in doc.problems:
        parts.append(f"\0p{p.code}|{p.match}|{_loc_key(p.location)}")
    for href, text, hidden in doc.links:
        parts.append(f"\0l{href}|{text}|{int(hidden)}")
    h = hashlib.blake2b("".join(parts).encode("utf-8", "surrogatepass"), digest_size=20)
    if not pieces:
        return h.hexdigest(), build_signature(())
    codes = np.concatenate([whole.codes[lo:hi] for lo, hi in pieces])
    return h.hexdigest(), joined_signature(codes, np.cumsum([hi - lo for lo, hi in pieces])[:-1])


# -- storage ------------------------------------------------------------------------------
def _loc_to_list(loc: Location | None) -> list[Any] | None:
    if loc is None:
        return None
    return [PART_VALUE[loc.part], loc.file, loc.page, loc.paragraph, loc.sheet, loc.cell, loc.element]


def _loc_from_list(data: list[Any] | None) -> Location | None:
    if data is None:
        return None
    part, file, page, paragraph, sheet, cell, element = data
    return Location(Part(part), file, page, paragraph, sheet, cell, element)


def location_from_dict(data: dict[str, Any] | None) -> Location | None:
    if not data:
        return None
    return Location(
        part=Part(data.get("part") or "body"),
        file=data.get("file"),
        page=data.get("page"),
        paragraph=data.get("paragraph"),
        sheet=data.get("sheet"),
        cell=data.get("cell"),
        element=data.get("element"),
    )


def finding_from_dict(d: dict[str, Any]) -> Finding:
    return Finding(
        code=d["code"],
        category=Category(d["category"]),
        severity=Severity(d["severity"]),
        match=d["match"],
        start=d["start"],
        end=d["end"],
        line=d["line"],
        column=d["column"],
        context=d["context"],
        suggestions=tuple(d["suggestions"]),
        explanation=d["explanation"],
        layer=d["layer"],
        entry=d["entry"],
        location=location_from_dict(d.get("location")),
    )


def encode_document(doc: Document) -> bytes:
    """The document's text, locations, problems and links (not its metadata: the ledger
    keeps that in columns)."""
    payload = {
        "v": _BLOB_VERSION,
        "s": [[s.text, _loc_to_list(s.location), [list(x) for x in s.suppressions]] for s in doc.segments],
        "p": [p.to_dict() for p in doc.problems],
        "l": [list(link) for link in doc.links],
    }
    return pack(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))


def decode_document(blob: bytes, meta: DocumentMeta | None = None) -> Document:
    payload = json.loads(unpack(blob).decode("utf-8", "surrogatepass"))
    if payload.get("v") != _BLOB_VERSION:
        raise ValueError(f"stored document format {payload.get('v')!r} is not {_BLOB_VERSION}")
    return Document(
        segments=tuple(
            Segment(text, _loc_from_list(loc), None, tuple((c, r) for c, r in sup)) for text, loc, sup in payload["s"]
        ),
        meta=meta or DocumentMeta(),
        problems=tuple(finding_from_dict(p) for p in payload["p"]),
        links=tuple((h, t, bool(x)) for h, t, x in payload["l"]),
    )

