"""Hidden links and spam in HTML (暗链与垃圾信息), from the hidden segments and links that the
HTML extractor records.

- HL001 隐藏链接: a hidden link (display:none, zero size, off-screen …) to a domain outside the
  allow list or to a bare IP address (critical).
- HL002 隐藏文字: text in a hidden element: spam words are critical; other hidden text of
  some length is a warning.
- HL003 外部链接: a visible link to a bare IP address (error) or to a domain outside the allow
  list (warning).
- HL004 标题与元数据中的垃圾词: gambling, porn and SEO bait in the title, meta keywords and
  description, or link text (critical).

The allow list is the option ``allow_domains`` (domain suffixes; default ``gov.cn``) plus
the page's own site (from the document URL). A link finding sits on the link text where a
segment holds it, else on an empty span at the start of the first segment.

Options (HL001, HL003): ``allow_domains = ["gov.cn", "example.com"]``.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from ..data import read_toml
from ..model import Category, Document, Part, Segment, Severity
from ._support import option_strings
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["HiddenLinkRule", "HiddenTextRule", "ExternalLinkRule", "SpamWordRule", "classify_link", "site_of"]

DEFAULT_ALLOW: Final = ("gov.cn",)
_SECOND_LEVEL: Final = frozenset({"com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn", "mil.cn", "com.hk", "org.hk"})
_SKIP_SCHEMES: Final = frozenset({"mailto", "tel", "javascript", "data", "sms", "about"})
_ASCII_LOWER: Final = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_UPPER_RE: Final = re.compile("[A-Z]")


def _lower(text: str) -> str:
    """ASCII lower case, keeping every offset (str.lower may not)."""
    if _UPPER_RE.search(text) is None:
        return text
    return text.translate(_ASCII_LOWER)


def site_of(url: str | None) -> str | None:
    """The registrable domain of a URL (www.nmg.gov.cn → nmg.gov.cn; tv.cctv.com → cctv.com)."""
    if not url:
        return None
    host = _host(url)
    if host is None or _is_ip(host):
        return host
    labels = host.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:]) if len(labels) >= 2 else host


def _host(href: str) -> str | None:
    href = href.strip()
    if href.startswith("//"):
        href = "http:" + href
    try:
        parts = urlsplit(href)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme and parts.scheme.lower() in _SKIP_SCHEMES:
        return None
    if not host:
        return None
    return host.rstrip(".").lower()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=4096)
def classify_link(href: str, allow: tuple[str, ...]) -> str | None:
    """``ip``, ``external`` or None (internal, relative or not a web link)."""
    host = _host(href)
    if host is None:
        return None
    if _is_ip(host):
        return "ip"
    for domain in allow:
        d = domain.lower().lstrip(".")
        if host == d or host.endswith("." + d):
            return None
    return "external"


@functools.lru_cache(maxsize=64)
def _own_site(url: str | None, links: tuple[tuple[str, str, bool], ...]) -> str | None:
    """The page's own site: from its URL, else the registrable domain that most of its
    visible absolute links point to (at least three, and more than half of them: a page
    links to its own site more than to any other). Hidden links never count: they are
    what a hijacker plants."""
    own = site_of(url)
    if own:
        return own
    sites = [site_of(href) for href, _, hidden in links if not hidden]
    counted = Counter(s for s in sites if s and not _is_ip(s))
    if not counted:
        return None
    site, n = counted.most_common(1)[0]
    return site if n >= 3 and n * 2 > sum(counted.values()) else None


def _allow_list(rule: Rule, document: Document) -> tuple[str, ...]:
    allow = option_strings(rule.options, "allow_domains", DEFAULT_ALLOW)
    own = _own_site(document.meta.url, document.links)
    return allow + ((own,) if own else ())


@dataclass(frozen=True, slots=True)
class _Spam:
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    strong_re: re.Pattern[str]
    any_re: re.Pattern[str]


@functools.lru_cache(maxsize=1)
def _spam() -> _Spam:
    data = read_toml("spam.toml")
    strong = tuple(_lower(str(w)) for w in data.get("strong", []))
    weak = tuple(_lower(str(w)) for w in data.get("weak", []))

    def alternation(words: tuple[str, ...]) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    return _Spam(strong, weak, alternation(strong), alternation(strong + weak))


def _owner(segments: Sequence[Segment], text: str, hidden: bool) -> tuple[int, tuple[int, int]] | None:
    """Which of ``segments`` reports a link, and where: the first that holds its text
    (hidden segments first for hidden links), at that text; else the first non-empty
    segment, with an empty span; None when every segment is empty."""
    label = text.strip()
    if label:
        order: Iterable[int] = range(len(segments))
        if hidden:
            order = sorted(order, key=lambda i: 0 if _part(segments[i]) is Part.HIDDEN else 1)
        for i in order:
            pos = segments[i].text.find(label)
            if pos != -1:
                return i, (pos, pos + len(label))
    first = next((i for i, seg in enumerate(segments) if seg.text), None)
    return None if first is None else (first, (0, 0))


def _link_owner(doc: DocumentContext, text: str, hidden: bool) -> tuple[RuleContext, tuple[int, int]]:
    """The segment that reports a link and where, asked once for the whole document."""
    owner = _owner([doc.segment(i) for i in range(len(doc))], text, hidden)
    assert owner is not None  # the caller has non-empty segments
    return doc.context(owner[0]), owner[1]


def _link_span(ctx: RuleContext, text: str, hidden: bool) -> tuple[int, int] | None:
    """Where this segment reports a link; None when another segment reports it."""
    owner = _owner(ctx.document.segments, text, hidden)
    return owner[1] if owner is not None and owner[0] == ctx.index else None


def _part(segment: object) -> Part | None:
    loc = getattr(segment, "location", None)
    return loc.part if loc is not None else None


class _LinkRule(Rule):
    hidden_links: bool

    option_names = ("allow_domains",)

    def __init__(self, options: dict[str, object] | None = None) -> None:
        super().__init__(options)
        option_strings(self.options, "allow_domains")  # validates the type

    def _reported(self, document: Document) -> Iterator[tuple[str, str, bool, str]]:
        """(href, text, hidden, kind) of the links of ``document`` this rule reports."""
        if not document.links:
            return
        allow = _allow_list(self, document)
        for href, text, hidden in document.links:
            if hidden is not self.hidden_links:
                continue
            kind = classify_link(href, allow)
            if kind is None or (kind == "external" and not hidden and not text.strip()):
                continue  # an image link to another site: nothing an editor could find
            yield href, text, hidden, kind

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        for href, text, hidden, kind in self._reported(ctx.document):
            span = _link_span(ctx, text, hidden)
            if span is not None:
                yield self._hit(span, href, text, kind)

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        """Each link once: find the segment that reports it, instead of asking every segment
        about every link."""
        if not len(doc):
            return
        for href, text, hidden, kind in self._reported(doc.document):
            ctx, span = _link_owner(doc, text, hidden)
            yield ctx, self._hit(span, href, text, kind)

    def _hit(self, span: tuple[int, int], href: str, text: str, kind: str) -> Hit:  # pragma: no cover
        raise NotImplementedError


class HiddenLinkRule(_LinkRule):
    code = "HL001"
    name = "hidden-link"
    category = Category.LINK
    severity = Severity.CRITICAL
    description = "隐藏元素中指向外部域名或 IP 地址的链接（暗链）"
    hidden_links = True

    def _hit(self, span: tuple[int, int], href: str, text: str, kind: str) -> Hit:
        target = "IP 地址" if kind == "ip" else "允许范围以外的域名"
        return Hit(
            span[0],
            span[1],
            ("删除该链接",),
            f"隐藏的链接“{text.strip() or href}”指向{target}（{href}）：这是网页被植入暗链的典型特征，"
            "请立即删除并排查网站安全。",
        )


class ExternalLinkRule(_LinkRule):
    code = "HL003"
    name = "external-link"
    category = Category.LINK
    severity = Severity.WARNING
    description = "指向 IP 地址（错误）或允许范围以外域名（提醒）的链接"
    hidden_links = False

    def _hit(self, span: tuple[int, int], href: str, text: str, kind: str) -> Hit:
        if kind == "ip":
            return Hit(
                span[0],
                span[1],
                (),
                f"链接“{text.strip() or href}”指向 IP 地址（{href}）：政府网站不应链接裸 IP 地址，请核实。",
                severity=Severity.ERROR,
            )
        return Hit(
            span[0],
            span[1],
            (),
            f"链接“{text.strip() or href}”指向允许范围以外的域名（{href}）：请确认链接可信，"
            "或在配置中把该域名加入 allow_domains。",
        )


_CJK_RE: Final = re.compile(r"[\u4e00-\u9fff]")
_HIDDEN_TEXT_MIN: Final = 20


class HiddenTextRule(Rule):
    code = "HL002"
    name = "hidden-text"
    category = Category.LINK
    severity = Severity.WARNING
    description = "隐藏元素中的文字：含赌博、色情等垃圾词时为严重，页面可见部分没有的其他较长隐藏文字为提醒"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        return self.check_contexts(doc.in_parts((Part.HIDDEN,)))


    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        if _part(ctx.segment) is not Part.HIDDEN:
            return
        text = ctx.text
        found = False
        for m in _spam().strong_re.finditer(_lower(text)):
            found = True
            yield Hit(
                m.start(),
                m.end(),
                ("删除",),
                f"隐藏元素中含有垃圾信息“{text[m.start():m.end()]}”：这是网页被篡改或植入暗链的典型特征，请立即删除。",
                severity=Severity.CRITICAL,
            )
        if found or len(_CJK_RE.findall(text)) < _HIDDEN_TEXT_MIN or _shown_elsewhere(ctx):
            return
        weak = sorted({m.group(0) for m in _spam().any_re.finditer(_lower(text))})
        stripped = len(text) - len(text.lstrip())
        yield Hit(
            stripped,
            len(text.rstrip()),
            (),
            "网页中有隐藏的文字（display:none、字号为0或移出屏幕等），且页面可见部分没有这段内容：请确认不是被植入的内容。"
            + (f"其中含有“{'”“'.join(weak)}”。" if weak else ""),
        )


def _shown_elsewhere(ctx: RuleContext) -> bool:
    """Does the hidden text repeat visible text of the page (a collapsed summary of the
    article, a menu that opens on hover)? Tested on a few 12-character pieces."""
    text = "".join(_CJK_RE.findall(ctx.text))
    pieces = [text[i : i + 12] for i in range(0, max(1, len(text) - 11), max(12, len(text) // 4))][:4]
    visible = [
        s.text for s in ctx.document.segments if _part(s) is not Part.HIDDEN and s is not ctx.segment
    ]
    if ctx.document.meta.title:
        visible.append(ctx.document.meta.title)
    joined = "".join("".join(_CJK_RE.findall(v)) for v in visible)
    return any(p in joined for p in pieces if len(p) == 12)


@functools.lru_cache(maxsize=64)
def _spam_labels(links: tuple[tuple[str, str, bool], ...]) -> tuple[str, ...]:
    """Link texts of a page that hold a strong spam word."""
    strong = _spam().strong_re
    labels = (label.strip() for _, label, _ in links)
    return tuple(dict.fromkeys(lb for lb in labels if lb and strong.search(_lower(lb)) is not None))


_SPAM_PARTS: Final = (Part.TITLE, Part.META, Part.LINK)


class SpamWordRule(Rule):
    code = "HL004"
    name = "spam-words"
    category = Category.LINK
    severity = Severity.CRITICAL
    description = "标题、meta 关键词和描述、链接文字中的赌博、色情等垃圾词（网页被篡改的特征）"

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        # Titles, meta and link texts; elsewhere only segments holding a spam link's label.
        labels = _spam_labels(doc.document.links)
        if not labels:
            return self.check_contexts(doc.in_parts(_SPAM_PARTS))
        return self.check_contexts(
            doc.where(
                lambda s: _part(s) in _SPAM_PARTS
                or bool(labels and _part(s) is not Part.HIDDEN and any(lb in s.text for lb in labels))
            )
        )


    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        spam = _spam()
        text = ctx.text
        lowered = _lower(text)
        part = _part(ctx.segment)
        if part in _SPAM_PARTS:
            for m in spam.strong_re.finditer(lowered):
                yield self._hit(text, m.start(), m.end(), part.label if part else "")
            return
        if part is Part.HIDDEN:
            return  # HL002 reports hidden text
        for label in _spam_labels(ctx.document.links):
            pos = text.find(label)
            if pos == -1:
                continue
            for m in spam.strong_re.finditer(lowered, pos, pos + len(label)):
                yield self._hit(text, m.start(), m.end(), "链接文字")

    @staticmethod
    def _hit(text: str, start: int, end: int, where: str) -> Hit:
        return Hit(
            start,
            end,
            ("删除",),
            f"{where}中出现垃圾词“{text[start:end]}”：政府网页的{where}不应有此类内容，通常是网页被篡改或被植入SEO垃圾信息，请立即核查。",
        )
