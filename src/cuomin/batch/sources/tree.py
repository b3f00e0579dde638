"""An exported site on disk: HTML pages are articles, files they link to are attachments.

Links are resolved like a browser would (relative to the page, ``<base>`` honoured; links
to the site's own ``base_url`` map back into the tree). A linked file that is missing is a
dead link of the article. Files no article links to are checked on their own afterwards.

Articles come as :class:`~cuomin.batch.items.Stamped`: a stamp made of the page's size and
modification time and of those of every other file of the tree (attachments' bytes, and
which pages exist, decide an article's attachments and dead links). A scan whose ledger
holds the same stamp does not read the article again; after any file other than an article
page changed, or a page was added or removed, every article is read again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import unquote, urlsplit

from ...errors import InputError
from ...extract import SUPPORTED_SUFFIXES
from ...model import Category, Location, Part, Severity
from ..items import CODE_DEAD_LINK, Attachment, SourceItem, Stamped, problem
from ..links import (
    ATTACHMENT_SUFFIXES,
    PAGE_SUFFIXES,
    file_name,
    is_attachment,
    is_page,
    page_links,
)
from .base import LinkedLookup

__all__ = ["TreeSource", "MAX_FILE_BYTES"]

log = logging.getLogger(__name__)
_ROOT: Final = "http://tree.invalid/"
#: Larger files are not read (recorded as an attachment that could not be opened).
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
_ARTICLE_SUFFIXES: Final = frozenset({".html", ".htm", ".shtml", ".xhtml"})
#: Links and pages remembered at most (see TreeSource._classify).
_MEMO_SIZE: Final = 8192
_V = TypeVar("_V")


def _remember(memo: dict[str, _V], key: str, make: Callable[[], _V]) -> _V:
    """``memo[key]``, made on first use; a full memo starts again empty (at most _MEMO_SIZE)."""
    try:
        return memo[key]
    except KeyError:
        pass
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    value = memo[key] = make()
    return value


def _file_stamp(kind: str, rel: str, st: os.stat_result | None = None) -> bytes:
    """One file's part of a stamp: its kind, path and, when given, size and modification time."""
    shape = f"\0{st.st_size}\0{st.st_mtime_ns}" if st is not None else ""
    return f"\0{kind}{rel}{shape}".encode("utf-8", "surrogatepass")


class TreeSource:
    exhaustive = True

    def __init__(self, root: str | os.PathLike[str], *, site: str | None = None, base_url: str | None = None) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise InputError(f"不是目录：{root}")
        self.site = site or self.root.name
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        self._links: dict[str, tuple[str | None, bool, bool]] = {}
        self._pages: dict[str, bool] = {}

    def describe(self) -> str:
        return f"tree:{self.root}"

    def close(self) -> None:
        pass

    def _walk(self) -> Iterator[tuple[str, str]]:
        """(posix relative path, file system path) of every file, in a stable order."""
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel_dir = os.path.relpath(dirpath, self.root)  # once per folder, not per file
            prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                yield prefix + name, os.path.join(dirpath, name)

    def count(self) -> int:
        return sum(1 for rel, _p in self._walk() if posixpath.splitext(rel)[1].lower() in _ARTICLE_SUFFIXES)

    def _url(self, rel: str) -> str | None:
        return self.base_url + rel if self.base_url else None

    def _to_rel(self, url: str) -> str | None:
        """A resolved link → a path inside the tree, or None for other sites."""
        if url.startswith(_ROOT):
            rel = url[len(_ROOT) :]
        elif self.base_url and url.startswith(self.base_url):
            rel = url[len(self.base_url) :]
        else:
            return None
        rel = unquote(urlsplit(_ROOT + rel).path[1:])
        rel = posixpath.normpath(rel) if rel else rel
        if rel.startswith("../") or rel == "..":
            return None
        return rel

    def _classify(self, url: str) -> tuple[str | None, bool, bool]:
        """(path in the tree or None, attachment?, page?) of a resolved link, remembered:
        every page repeats its menus' links."""
        return _remember(self._links, url, lambda: (self._to_rel(url), is_attachment(url), is_page(url)))

    def _page_exists(self, target: str) -> bool:
        """Does the linked page exist? Remembered for the scan (a stamp covers which pages
        exist: a page added or removed makes the next scan read every article again)."""
        return _remember(self._pages, target, lambda: (self.root / target).exists())

    def _read(self, path: str | Path) -> bytes:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            raise OSError(f"文件过大（{size // (1024 * 1024)} MB）")
        with open(path, "rb") as fh:
            return fh.read()

    def items(self) -> Iterator[Stamped]:
        self._pages.clear()  # pages may have come or gone since the last scan
        surroundings = self._surroundings()
        for rel, path in self._walk():
            if posixpath.splitext(rel)[1].lower() not in _ARTICLE_SUFFIXES:
                continue
            try:
                st = os.stat(path)
            except OSError as exc:
                log.warning("%s: %s", path, exc)
                continue
            h = hashlib.blake2b(surroundings, digest_size=20)
            h.update(_file_stamp("", rel, st))
            stamp = h.hexdigest()
            yield Stamped(rel, stamp, functools.partial(self._load, rel, path, stamp))

    def _surroundings(self) -> bytes:
        """What every article's stamp shares: the tree's other files (size and modification
        time; only the names of pages, whose existence is all an article sees of them)."""
        h = hashlib.blake2b(digest_size=20)
        h.update(f"{self.site}\0{self.base_url or ''}".encode("utf-8", "surrogatepass"))
        for rel, path in self._walk():
            if posixpath.splitext(rel)[1].lower() in PAGE_SUFFIXES:  # articles included
                h.update(_file_stamp("p", rel))
                continue
            try:
                h.update(_file_stamp("f", rel, os.stat(path)))
            except OSError:
                h.update(_file_stamp("x", rel))
        return h.digest()

    def _load(self, rel: str, path: str, stamp: str) -> SourceItem | None:
        try:
            data = self._read(path)
        except OSError as exc:
            log.warning("%s: %s", path, exc)
            return None
        return self._article(rel, data, stamp)

    def _article(self, rel: str, data: bytes, stamp: str | None = None) -> SourceItem:
        attachments: list[Attachment] = []
        problems = []
        for link in page_links(data, _ROOT + rel):
            target, attachment, page = self._classify(link.url)
            if target is None or target == rel:
                continue
            if attachment:
                name = file_name(link.url)
                file = self.root / target
                if not file.is_file():
                    attachments.append(Attachment(name, target, error="文件不存在（死链）"))
                    continue
                try:
                    attachments.append(Attachment(name, target, data=self._read(file)))
                except OSError as exc:
                    attachments.append(Attachment(name, target, error=str(exc)))
            elif page and not self._page_exists(target):
                problems.append(
                    problem(CODE_DEAD_LINK, Category.LINK, Severity.ERROR, link.href,
                            f"链接指向的页面不存在（死链）：{target}", context=link.text or link.href,
                            location=Location(part=Part.LINK))  # fmt: skip
                )
        return SourceItem(
            key=rel,
            data=data,
            name=posixpath.basename(rel),
            media_type="text/html",
            url=self._url(rel),
            path=rel,
            attachments=tuple(attachments),
            problems=tuple(problems),
            stamp=stamp,
        )

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        """Checkable files that no article links to, as documents of their own."""
        batch: list[tuple[str, str]] = []
        for rel, path in self._walk():
            suffix = posixpath.splitext(rel)[1].lower()
            if suffix in _ARTICLE_SUFFIXES or suffix in PAGE_SUFFIXES:
                continue
            if suffix not in SUPPORTED_SUFFIXES:
                if suffix in ATTACHMENT_SUFFIXES:
                    log.debug("%s: not linked from any page and not checkable on its own", rel)
                continue
            batch.append((rel, path))
            if len(batch) >= 256:
                yield from self._unlinked(batch, linked)
                batch = []
        if batch:
            yield from self._unlinked(batch, linked)

    def _unlinked(self, batch: list[tuple[str, str]], linked: LinkedLookup) -> Iterator[SourceItem]:
        known = linked([rel for rel, _p in batch])
        for rel, path in batch:
            if rel in known:
                continue
            try:
                data = self._read(path)
            except OSError as exc:
                log.warning("%s: %s", path, exc)
                continue
            yield SourceItem(key=rel, data=data, name=posixpath.basename(rel), url=self._url(rel), path=rel)
