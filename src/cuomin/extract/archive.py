"""ZIP archives: every member is extracted as a document of its own, recursively, within
the limits (members, bytes per member, total bytes, compression ratio, nesting depth, time).

A member's segments keep their own location with the member path as ``file``; body text
becomes part ``attachment``. A member that cannot be read becomes a finding with the
member path; it never stops the other members.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from ..model import Document, DocumentMeta, Finding, Location, Part, Segment
from .limits import Job
from .problems import ExtractionFailed
from .zipparts import ZipReader, member_name

__all__ = ["extract_zip", "relocate"]

log = logging.getLogger(__name__)

Loader = Callable[[bytes, Job], Document]

_DEFAULT_LOCATION = Location(Part.ATTACHMENT)
_JUNK_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


def _junk(path: str) -> bool:
    base = path.rstrip("/").rsplit("/", 1)[-1]
    return path.startswith("__MACOSX/") or base.lower() in _JUNK_NAMES or base.startswith("~$")


def relocate(segment: Segment, file: str) -> Segment:
    """Put a member's segment inside the archive: ``file`` = member path, body → attachment."""
    loc = segment.location
    if loc is None:
        loc = dataclasses.replace(_DEFAULT_LOCATION, file=file)
    elif loc.file is None:
        loc = dataclasses.replace(loc, file=file, part=Part.ATTACHMENT if loc.part is Part.BODY else loc.part)
    else:
        return segment
    return dataclasses.replace(segment, location=loc)


def extract_zip(data: bytes, job: Job, load: Loader) -> Document:
    """``load`` extracts one member (the format dispatcher); it never raises."""
    if job.depth > 0 and job.depth >= job.limits.max_depth:
        raise ExtractionFailed("FL010", f"压缩包嵌套超过 {job.limits.max_depth} 层（max_depth），未解压")
    zr = ZipReader(data, job)
    members = [i for i in zr.infos if not i.is_dir() and not _junk(member_name(i))]
    if len(members) > job.limits.max_members:
        job.problem("FL010", f"共 {len(members)} 个文件，只检查了前 {job.limits.max_members} 个（max_members）")
        members = members[: job.limits.max_members]
    segments: list[Segment] = []
    problems: list[Finding] = []
    links: list[tuple[str, str, bool]] = []
    for index, info in enumerate(members):
        if job.expired():
            job.problem("FL011", f"共 {len(members)} 个文件，检查了 {index} 个")
            break
        name = member_name(info)
        child = job.child(name if job.depth == 0 else f"{job.name}/{name}")
        try:
            payload = zr.read(info)
        except ExtractionFailed as exc:
            child.problem(exc.code, exc.detail, severity=exc.severity)
            problems.extend(child.problems)
            if job.budget[0] > job.limits.max_total_bytes:
                break
            continue
        doc = load(payload, child)
        segments.extend(relocate(s, child.name or name) for s in doc.segments)
        problems.extend(doc.problems)
        links.extend(doc.links)
    return Document(
        segments=tuple(segments),
        meta=DocumentMeta(media_type="application/zip", extra=(("members", str(len(members))),)),
        problems=tuple(problems),
        links=tuple(links),
    )
