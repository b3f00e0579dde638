"""A crawl of a live site: breadth-first from start URLs, on allowed hosts only.

Each page is an article; the files it links to (by suffix: PDF, DOCX, XLSX, …) are
fetched with it as its attachments, so the article reaches the checker complete. With
``check_links`` every link to a page of an allowed host is checked too (HEAD, cached), and
a dead one is a finding of the article. robots.txt is obeyed, requests are rate-limited,
and depth and page limits bound the crawl.
"""

from __future__ import annotations

import logging
import posixpath
from collections import deque
from collections.abc import Iterator, Sequence
from urllib.parse import unquote, urldefrag, urlsplit

from ...errors import ConfigError
from ...model import Category, Location, Part, Severity
from ..items import CODE_DEAD_LINK, Attachment, SourceItem, problem
from ..links import file_name, is_attachment, is_page, page_links
from .base import LinkedLookup
from .http import Fetcher

__all__ = ["CrawlSource"]

log = logging.getLogger(__name__)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _norm(url: str) -> str:
    return urldefrag(url.strip())[0]


class CrawlSource:
    exhaustive = False

    def __init__(
        self,
        start_urls: Sequence[str],
        *,
        allow_hosts: Sequence[str] = (),
        max_depth: int = 5,
        max_pages: int = 10000,
        rate: float = 2.0,
        timeout: float = 20.0,
        check_links: bool = True,
        site: str | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        if not start_urls:
            raise ConfigError("爬取需要至少一个起始网址")
        for url in start_urls:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ConfigError(f"起始网址应以 http:// 或 https:// 开头：{url}")
        self.starts = [_norm(u) for u in start_urls]
        self.hosts = {h.lower() for h in allow_hosts} or {urlsplit(u).netloc.lower() for u in self.starts}
        self.max_depth = max_depth
        self.max_pages = max_pages
        self.check_links = check_links
        self.site = site or urlsplit(self.starts[0]).netloc
        self.fetcher = fetcher or Fetcher(rate=rate, timeout=timeout)
        self._status: dict[str, int] = {}
        self.pages = 0

    def describe(self) -> str:
        return "crawl:" + " ".join(self.starts)

    def count(self) -> int | None:
        return None

    def close(self) -> None:
        pass

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        return iter(())

    def _allowed(self, url: str) -> bool:
        return urlsplit(url).netloc.lower() in self.hosts

    def _dead(self, url: str) -> str | None:
        """Why a linked page is dead, or None when it answers."""
        status = self._status.get(url)
        if status is None:
            resp = self.fetcher.status(url)
            status = resp.status
            self._status[url] = status
        if status == 0:
            return "无法连接"
        if status >= 400:
            return f"HTTP {status}"
        return None

    def items(self) -> Iterator[SourceItem]:
        frontier: deque[tuple[str, int]] = deque((u, 0) for u in self.starts)
        seen: set[str] = set(self.starts)
        while frontier and self.pages < self.max_pages:
            url, depth = frontier.popleft()
            if not self._allowed(url) or not self.fetcher.allowed(url):
                continue
            resp = self.fetcher.get(url)
            self._status[url] = resp.status
            if not resp.ok or resp.data is None:
                log.info("%s: %s", url, resp.error or resp.status)
                continue
            final = _norm(resp.url)
            if not self._allowed(final):
                continue
            ctype = (resp.content_type or "").split(";")[0].strip().lower()
            if ctype and ctype not in _HTML_TYPES:
                continue  # a file reached as a page; attachments are fetched with their article
            self.pages += 1
            yield self._article(url, final, resp.data, resp.content_type, depth, frontier, seen)

    def _article(
        self, url: str, final: str, data: bytes, ctype: str | None, depth: int,
        frontier: deque[tuple[str, int]], seen: set[str],
    ) -> SourceItem:  # fmt: skip
        attachments: list[Attachment] = []
        problems = []
        for link in page_links(data, final):
            if urlsplit(link.url).scheme not in ("http", "https") or not self._allowed(link.url):
                continue
            if link.url in (url, final):
                continue
            if not self.fetcher.allowed(link.url):
                continue
            if is_attachment(link.url):
                got = self.fetcher.get(link.url)
                self._status[link.url] = got.status
                name = file_name(link.url)
                if got.ok and got.data is not None:
                    attachments.append(Attachment(name, link.url, data=got.data))
                else:
                    attachments.append(Attachment(name, link.url, error=got.error or f"HTTP {got.status}"))
                continue
            if not is_page(link.url):
                continue
            if link.url not in seen and depth + 1 <= self.max_depth:
                seen.add(link.url)
                frontier.append((link.url, depth + 1))
            if self.check_links:
                why = self._dead(link.url)
                if why is not None:
                    problems.append(
                        problem(CODE_DEAD_LINK, Category.LINK, Severity.ERROR, link.href,
                                f"链接无法访问（死链，{why}）：{link.url}", context=link.text or link.href,
                                location=Location(part=Part.LINK))  # fmt: skip
                    )
        path = unquote(urlsplit(url).path).lstrip("/")
        name = posixpath.basename(path) or "index.html"
        return SourceItem(
            key=url,
            data=data,
            name=name if "." in name else name + ".html",
            media_type=(ctype or "text/html").split(";")[0].strip(),
            url=url,
            path=path,
            attachments=tuple(attachments),
            problems=tuple(problems),
        )
