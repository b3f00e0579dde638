"""WARC files (from a crawler such as Heritrix, wget --warc-file or browsertrix).

A first pass indexes every ``response`` record by URL (the last capture of a URL wins); the
second pass reads the HTML pages in the order they were first captured, and takes the
files each page links to from the archive as its attachments. A link whose capture has an
HTTP error status is a dead link; a link that was never captured is not judged. Captured
files that no page links to are checked on their own at the end.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, unquote, urldefrag, urlsplit

from ...errors import InputError
from ...model import Category, Location, Part, Severity
from ..items import CODE_DEAD_LINK, Attachment, SourceItem, problem
from ..links import file_name, is_attachment, page_links
from .base import LinkedLookup

__all__ = ["WarcSource"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Capture:
    file: int
    offset: int
    status: int
    content_type: str


def _canon(url: str) -> str:
    """One spelling per URL: percent-encoded (archives record URIs, pages link with IRIs)."""
    return quote(unquote(urldefrag(url)[0]), safe=":/?#[]@!$&'()*+,;=~")


def _iterator(fh: IO[bytes]) -> Any:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ModuleNotFoundError:  # pragma: no cover - a dependency
        raise InputError("读取 WARC 文件需要 warcio：pip install warcio") from None
    return ArchiveIterator(fh)


class WarcSource:
    exhaustive = False

    def __init__(self, files: Sequence[str | os.PathLike[str]], *, site: str | None = None) -> None:
        self.files = [Path(f) for f in files]
        for f in self.files:
            if not f.is_file():
                raise InputError(f"WARC 文件不存在：{f}")
        self._index: dict[str, _Capture] = {}
        self._pages: list[str] = []
        self._build_index()
        first = self._pages[0] if self._pages else next(iter(self._index), "")
        self.site = site or urlsplit(first).netloc or self.files[0].stem
        self._linked: set[str] = set()

    def describe(self) -> str:
        return "warc:" + " ".join(str(f) for f in self.files)

    def count(self) -> int:
        return len(self._pages)

    def close(self) -> None:
        pass

    def _build_index(self) -> None:
        seen_pages: set[str] = set()
        for number, path in enumerate(self.files):
            try:
                with path.open("rb") as fh:
                    records = _iterator(fh)
                    for record in records:
                        if record.rec_type != "response" or record.http_headers is None:
                            continue
                        url = _canon(record.rec_headers.get_header("WARC-Target-URI") or "")
                        if not url:
                            continue
                        status = int(record.http_headers.get_statuscode() or 0)
                        ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                        self._index[url] = _Capture(number, records.get_record_offset(), status, ctype)
                        if ctype in ("text/html", "application/xhtml+xml") and url not in seen_pages:
                            seen_pages.add(url)
                            self._pages.append(url)
            except Exception as exc:  # warcio raises its own errors on damaged archives
                raise InputError(f"WARC 文件 {path} 无法读取：{exc}") from None

    def _read(self, capture: _Capture, handles: dict[int, IO[bytes]]) -> bytes:
        fh = handles.get(capture.file)
        if fh is None:
            fh = handles[capture.file] = self.files[capture.file].open("rb")
        fh.seek(capture.offset)
        record = next(iter(_iterator(fh)))
        data: bytes = record.content_stream().read()
        return data

    def items(self) -> Iterator[SourceItem]:
        handles: dict[int, IO[bytes]] = {}
        try:
            for url in self._pages:
                capture = self._index[url]
                if not 200 <= capture.status < 300:
                    continue
                try:
                    data = self._read(capture, handles)
                except Exception as exc:
                    log.warning("%s: cannot read its WARC record: %s", url, exc)
                    continue
                yield self._article(url, data, capture, handles)
        finally:
            for fh in handles.values():
                fh.close()

    def _article(self, url: str, data: bytes, capture: _Capture, handles: dict[int, IO[bytes]]) -> SourceItem:
        attachments: list[Attachment] = []
        problems = []
        for link in page_links(data, url):
            target = _canon(link.url)
            found = self._index.get(target)
            if found is None or target == url:
                continue
            if found.status >= 400:
                problems.append(
                    problem(CODE_DEAD_LINK, Category.LINK, Severity.ERROR, link.href,
                            f"链接无法访问（死链，HTTP {found.status}）：{link.url}", context=link.text or link.href,
                            location=Location(part=Part.LINK))  # fmt: skip
                )
                continue
            if is_attachment(link.url) or not found.content_type.startswith(("text/html", "application/xhtml")):
                self._linked.add(target)
                try:
                    attachments.append(Attachment(file_name(link.url), target, data=self._read(found, handles)))
                except Exception as exc:
                    attachments.append(Attachment(file_name(link.url), link.url, error=f"WARC 记录无法读取：{exc}"))
        path = unquote(urlsplit(url).path).lstrip("/")
        return SourceItem(
            key=url, data=data, name=(path.rsplit("/", 1)[-1] or "index.html"), media_type=capture.content_type,
            url=url, path=path, attachments=tuple(attachments), problems=tuple(problems),
        )  # fmt: skip

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        handles: dict[int, IO[bytes]] = {}
        try:
            for url, capture in self._index.items():
                if url in self._linked or url in self._pages or not 200 <= capture.status < 300:
                    continue
                if not is_attachment(url):
                    continue
                try:
                    data = self._read(capture, handles)
                except Exception as exc:
                    log.warning("%s: cannot read its WARC record: %s", url, exc)
                    continue
                path = unquote(urlsplit(url).path).lstrip("/")
                yield SourceItem(key=url, data=data, name=file_name(url), media_type=capture.content_type,
                                 url=url, path=path)  # fmt: skip
        finally:
            for fh in handles.values():
                fh.close()
