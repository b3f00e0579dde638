"""Links of an HTML page: which are attachments, which are pages, as the scanner needs them.

A light scan with regular expressions (comments and scripts removed first), fast enough to
run in the main process for every page; the extractor does the real parsing of the text.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

__all__ = ["Link", "page_links", "resolve", "is_attachment", "is_page", "ATTACHMENT_SUFFIXES", "PAGE_SUFFIXES", "file_name"]

#: Files that an article links to as attachments (附件).
ATTACHMENT_SUFFIXES: Final = frozenset(
    ".pdf .doc .docx .wps .xls .xlsx .et .csv .ppt .pptx .dps .txt .rtf .ofd .zip .rar .7z .odt .ods".split()
)
#: Pages of a site (articles and index pages).
PAGE_SUFFIXES: Final = frozenset(".html .htm .shtml .xhtml .jsp .asp .aspx .php".split())

_STRIP = re.compile(r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>", re.S | re.I)
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.S | re.I)
_EMBED = re.compile(r"<(?:iframe|frame|embed)\b([^>]*)>", re.I)
_BASE = re.compile(r"<base\b([^>]*)>", re.I)
_ATTR = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SKIP_SCHEMES: Final = ("mailto:", "javascript:", "tel:", "data:", "#")


@dataclass(frozen=True, slots=True)
class Link:
    href: str  # as written (entities decoded)
    url: str  # resolved against the page (and <base>), fragment removed
    text: str  # the anchor text, tags removed


def _attr(attrs: str) -> str | None:
    m = _ATTR.search(attrs)
    if m is None:
        return None
    return html.unescape(next(g for g in m.groups()[1:] if g is not None)).strip()


def _decode(data: bytes) -> str:
    """Enough decoding to read links: UTF-8, else GB18030 (what government sites use)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def page_links(data: bytes | str, base: str) -> list[Link]:
    """The links of a page, resolved against ``base`` (a URL, or ``file:///relative/path``).

    Duplicates (same resolved URL) are kept once, in document order.
    """
    text = data if isinstance(data, str) else _decode(data)
    text = _STRIP.sub(" ", text)
    m = _BASE.search(text)
    if m is not None:
        href = _attr(m.group(1))
        if href:
            base = urljoin(base, href)
    found: list[tuple[int, str, str]] = []
    for m in _ANCHOR.finditer(text):
        href = _attr(m.group(1))
        if href:
            label = _SPACE.sub(" ", html.unescape(_TAGS.sub("", m.group(2)))).strip()
            found.append((m.start(), href, label))
    for m in _EMBED.finditer(text):
        href = _attr(m.group(1))
        if href:
            found.append((m.start(), href, ""))
    found.sort(key=lambda t: t[0])
    out: list[Link] = []
    seen: set[str] = set()
    for _pos, href, label in found:
        if href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = resolve(base, href)
        if not url or url in seen:
            continue
        seen.add(url)
        out.append(Link(href=href, url=url, text=label))
    return out


def resolve(base: str, href: str) -> str:
    """``href`` resolved against ``base``, without its fragment. A page's links mostly
    repeat those of its neighbours (menus, footers), so results are remembered by the
    base's folder wherever only the folder matters (``href`` has a path of its own)."""
    if _by_folder(href) and "?" not in base and "#" not in base:
        cut = base.rfind("/")
        if cut > base.find("//") + 1:  # a path after the host: keep its folder
            base = base[: cut + 1]
    return _join(base, href)


def _by_folder(href: str) -> bool:
    """Does ``href`` resolve the same against a page and against the page's folder? Yes
    for a host-relative link (``//host/a``), an absolute path and a plain relative path
    (``a.html``, ``../f/b.pdf``); not for an empty path (``?x``, ``#x``, ``;x``, ``//``),
    which keeps the page's. Links with a scheme are left to urljoin with the page."""
    if ":" in href:
        return False
    if href.startswith("//"):
        return href[2:3].isalnum()
    return bool(href) and (href[0].isalnum() or href[0] in "/._-~%")


@functools.lru_cache(maxsize=4096)
def _join(base: str, href: str) -> str:
    return urldefrag(urljoin(base, href))[0]


def _suffix(url: str) -> str:
    path = unquote(urlsplit(url).path)
    return posixpath.splitext(path)[1].lower()


def is_attachment(url: str) -> bool:
    return _suffix(url) in ATTACHMENT_SUFFIXES


def is_page(url: str) -> bool:
    """A page: a known page suffix, or no suffix at all (``/news/``, ``/a?id=3``)."""
    suffix = _suffix(url)
    return suffix in PAGE_SUFFIXES or suffix == ""


def file_name(url: str) -> str:
    """The file name a link points to, decoded: what an editor recognises."""
    path = unquote(urlsplit(url).path)
    return posixpath.basename(path.rstrip("/")) or path or url
