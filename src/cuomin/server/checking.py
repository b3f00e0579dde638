"""One check request against one dictionary stack: documents in, decision and findings out.

This runs in a worker thread. It reads the stack it was given (never the registry), so a
reload during the check cannot change its dictionaries half-way.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

from ..errors import InputError
from ..extract import load_document
from ..extract.limits import DEFAULT_LIMITS
from ..extract.limits import Limits as ExtractLimits
from ..extract.problems import make_problem
from ..model import Document, DocumentMeta, Finding, Location, Part, Segment, Severity
from .limits import Deadline
from .requests import Attachment, CheckRequest
from .stacks import LoadedStack

__all__ = ["run_check"]

_GENERIC_TYPES: Final = frozenset({"application/octet-stream", "binary/octet-stream", ""})


def _meta(req: CheckRequest, media_type: str | None = None) -> DocumentMeta:
    return DocumentMeta(
        title=req.title, date=req.date, url=req.url, unit=req.unit, column=req.column, media_type=media_type
    )


def _merged(meta: DocumentMeta, req: CheckRequest, path: str | None = None) -> DocumentMeta:
    """The extractor's metadata, with what the request says taking precedence."""
    return dataclasses.replace(
        meta,
        title=req.title or meta.title,
        date=req.date or meta.date,
        url=req.url or meta.url,
        unit=req.unit or meta.unit,
        column=req.column or meta.column,
        path=path or meta.path,
    )


def _unreadable(name: str, error: str) -> Finding:
    """An input the extractor refused outright (it normally reports FL findings itself)."""
    return make_problem("FL002", error, file=name)


def _in_attachment(finding: Finding, name: str) -> Finding:
    """Every finding of an attachment says which file it is in."""
    loc = finding.location
    if loc is None:
        loc = Location(part=Part.ATTACHMENT, file=name)
    elif loc.file is None:
        part = Part.ATTACHMENT if loc.part in (Part.BODY, Part.TITLE) else loc.part
        loc = dataclasses.replace(loc, file=name, part=part)
    else:
        return finding
    return dataclasses.replace(finding, location=loc)


def _documents(req: CheckRequest, deadline: Deadline) -> Iterator[tuple[str, Attachment | None, Document | str]]:
    """(source, attachment, document or the reason it could not be read). Extraction gets
    what is left of the request's time limit, so a slow attachment stops in time."""

    def limits() -> ExtractLimits:
        left = max(0.05, deadline.remaining())
        return DEFAULT_LIMITS.replace(max_seconds=left, convert_seconds=left)

    if req.html is not None:
        try:
            doc = load_document(req.html.encode("utf-8"), media_type="text/html", name="正文.html", limits=limits())
        except InputError as exc:  # the extractor refuses the markup: report, do not crash
            yield "html", None, str(exc)
        else:
            yield "html", None, dataclasses.replace(doc, meta=_merged(doc.meta, req))
        if req.title:
            title = Document(segments=(Segment(req.title, Location(part=Part.TITLE)),), meta=_meta(req))
            yield "html", None, title
    elif req.text is not None or req.title:
        segments = []
        if req.title:
            segments.append(Segment(req.title, Location(part=Part.TITLE)))
        if req.text:
            segments.append(Segment(req.text, Location(part=Part.BODY)))
        yield "text", None, Document(segments=tuple(segments), meta=_meta(req, "text/plain"))
    for att in req.attachments:
        media_type = None if (att.media_type or "").lower() in _GENERIC_TYPES else att.media_type
        try:
            doc = load_document(att.data, media_type=media_type, name=att.name, limits=limits())
        except InputError as exc:
            yield "attachment", att, str(exc)
        else:
            yield "attachment", att, dataclasses.replace(doc, meta=_merged(doc.meta, req, att.name))


def run_check(stack: LoadedStack, req: CheckRequest, deadline: Deadline, max_findings: int) -> dict[str, Any]:
    """The response body of a check: decision, findings, stats, dictionary version."""
    started = time.perf_counter()
    checker = stack.checker
    findings: list[dict[str, Any]] = []
    severities: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    blocking = 0
    total = 0
    files: list[dict[str, Any]] = []
    characters = 0

    def add(finding: Finding, source: str, att: Attachment | None) -> None:
        nonlocal blocking, total
        total += 1
        severities[finding.severity.value] += 1
        categories[finding.category.value] += 1
        if stack.config.blocks(finding.severity):
            blocking += 1
        if len(findings) < max_findings:
            item = finding.to_dict()
            item["source"] = source
            item["attachment"] = None if att is None else att.name
            findings.append(item)

    for source, att, doc in _documents(req, deadline):
        deadline.check()
        file_entry: dict[str, Any] | None = None
        if att is not None:
            file_entry = {"name": att.name, "bytes": len(att.data), "media_type": att.media_type, "findings": 0, "error": None}
            files.append(file_entry)
        if isinstance(doc, str):
            if att is None:
                add(_unreadable("正文.html", doc), source, None)
                continue
            assert file_entry is not None
            file_entry["error"] = doc
            file_entry["findings"] += 1
            add(_unreadable(att.name, doc), source, att)
            continue
        characters += sum(len(s.text) for s in doc.segments)
        if file_entry is not None and doc.problems and not any(s.text for s in doc.segments):
            file_entry["error"] = doc.problems[0].explanation  # nothing in it could be checked
        for finding in checker.iter_findings(doc, date=req.date):
            deadline.check()
            if att is not None:
                assert file_entry is not None
                finding = _in_attachment(finding, att.name)
                file_entry["findings"] += 1
            add(finding, source, att)
    return {
        "blocking": blocking > 0,
        "findings": findings,
        "stats": {
            "findings": total,
            "listed": len(findings),
            "truncated": len(findings) < total,
            "blocking": blocking,
            "by_severity": {s.value: severities[s.value] for s in sorted(Severity, key=lambda s: -s.rank)},
            "by_category": dict(sorted(categories.items())),
            "characters": characters,
            "attachments": len(files),
            "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
        },
        "files": files,
        "stack": stack.config.name,
        "block_on": list(stack.config.block_on),
        "dictionary_version": stack.version,
    }
