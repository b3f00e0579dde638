"""What a source hands to the scanner: one article with its attachments, already fetched.

Sources do the I/O (reading files, HTTP, WARC records, database rows) in the main process;
workers only extract and check. An item's ``raw_hash`` covers every byte that went into it,
so an unchanged article is recognised without extracting it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from ..model import Category, Finding, Location, Part, Severity

__all__ = [
    "Attachment",
    "SourceItem",
    "Stamped",
    "loaded",
    "problem",
    "CODE_DEAD_LINK",
    "CODE_ATTACHMENT_FETCH",
]

#: Codes of the problems that the batch scanner itself records (not rules: they come with
#: the document, like extraction's FL problems, and obey --select/--ignore the same way).
#: An attachment that was fetched but cannot be opened gets the extractor's FL code.
CODE_DEAD_LINK: Final = "BT100"
CODE_ATTACHMENT_FETCH: Final = "BT200"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file linked from an article: its bytes, or why they could not be had."""

    name: str  # what editors see as the file: the link's file name
    ref: str  # the path (tree) or URL it came from
    data: bytes | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One document as a source found it. ``key`` is unique within the site."""

    key: str
    data: bytes
    name: str  # a file name, for the type of the content (``index.html``)
    media_type: str | None = None
    url: str | None = None
    path: str | None = None
    title: str | None = None
    date: dt.date | None = None
    unit: str | None = None
    column: str | None = None
    attachments: tuple[Attachment, ...] = ()
    problems: tuple[Finding, ...] = ()
    stamp: str | None = None  # see Stamped; not part of raw_hash

    @property
    def raw_hash(self) -> str:
        """A hash of everything the item is made of (bytes, attachment bytes, hints)."""
        h = hashlib.blake2b(digest_size=20)
        h.update(self.data)
        for hint in (self.title, self.date, self.unit, self.column, self.url):
            h.update(b"\0" + str(hint or "").encode("utf-8", "surrogatepass"))
        for att in self.attachments:
            h.update(b"\0a\0" + att.name.encode("utf-8", "surrogatepass") + b"\0")
            h.update(att.data if att.data is not None else b"\1" + (att.error or "").encode())
        for p in self.problems:
            h.update(b"\0p\0" + f"{p.code}|{p.match}".encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    @property
    def parts(self) -> tuple[str, ...]:
        """The files (paths or URLs) this document is made of."""
        return (self.path or self.url or self.key, *(a.ref for a in self.attachments))


@dataclass(frozen=True, slots=True)
class Stamped:
    """A document that a source can vouch for without reading it: ``stamp`` is cheap to
    get (sizes and modification times of the files it is made of) and changes whenever the
    document's bytes may have. When the ledger holds the same stamp, the scanner treats the
    document as unchanged; otherwise it calls ``load`` (None: the files could not be read,
    logged by the source), whose item carries the stamp to be recorded."""

    key: str
    stamp: str
    load: Callable[[], SourceItem | None]


def loaded(items: Iterable[SourceItem | Stamped]) -> Iterator[SourceItem]:
    """Every item read (stamped ones loaded now; those that could not be read left out)."""
    for item in items:
        if isinstance(item, Stamped):
            got = item.load()
            if got is None:
                continue
            item = got
        yield item


def problem(
    code: str,
    category: Category,
    severity: Severity,
    match: str,
    explanation: str,
    *,
    context: str = "",
    location: Location | None = None,
    suggestions: tuple[str, ...] = (),
) -> Finding:
    """A finding that a source or the assembly recorded (dead link, unreadable attachment)."""
    return Finding(
        code=code,
        category=category,
        severity=severity,
        match=match,
        start=0,
        end=0,
        line=1,
        column=1,
        context=context or match,
        suggestions=suggestions,
        explanation=explanation,
        layer="batch",
        entry=code,
        location=location or Location(part=Part.LINK),
    )
