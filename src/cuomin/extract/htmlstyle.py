"""Is an HTML element hidden? Inline styles, the ``hidden`` attribute and simple rules of the
page's own ``<style>`` blocks (``.cls{display:none}``, ``#id{...}``): the tricks planted
links (暗链) use. Also: decoding a page in whatever encoding it declares.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

__all__ = ["hides", "hidden_selectors", "decode_html", "HiddenRules"]

_HIDE_RE = re.compile(
    r"display\s*:\s*none"
    r"|visibility\s*:\s*hidden"
    r"|font-size\s*:\s*0+(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|!|$)"
    r"|(?:^|[;\s])(?:left|top|text-indent)\s*:\s*-\d{3,}"
    r"|(?:^|[;\s])margin(?:-left|-top)?\s*:\s*-\d{4,}"
    r"|(?:^|[;\s])opacity\s*:\s*0*(?:\.0+)?\s*(?:;|!|$)",
    re.I,
)
_ZERO_BOX_RE = re.compile(r"(?:^|[;\s])(?:height|width)\s*:\s*0(?:px)?\s*(?:;|!|$)", re.I)
_OVERFLOW_HIDDEN_RE = re.compile(r"overflow\s*:\s*hidden", re.I)
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_CSS_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR_RE = re.compile(r"^[a-z0-9]*([.#])([\w-]+)$", re.I)


def hides(style: str) -> bool:
    """Does this CSS declaration list hide the element?"""
    if _HIDE_RE.search(style):
        return True
    return bool(_ZERO_BOX_RE.search(style) and _OVERFLOW_HIDDEN_RE.search(style))


class HiddenRules:
    """Classes and ids that the page's style sheets hide."""

    __slots__ = ("classes", "ids")

    def __init__(self, classes: frozenset[str] = frozenset(), ids: frozenset[str] = frozenset()) -> None:
        self.classes = classes
        self.ids = ids

    def __bool__(self) -> bool:
        return bool(self.classes or self.ids)


def hidden_selectors(sheets: Iterable[str]) -> HiddenRules:
    """Collect ``.cls`` and ``#id`` selectors (optionally with a tag) of rules that hide."""
    classes: set[str] = set()
    ids: set[str] = set()
    for css in sheets:
        css = _CSS_COMMENT_RE.sub("", css)
        for selectors, body in _CSS_RULE_RE.findall(css):
            if not hides(body):
                continue
            for selector in selectors.split(","):
                m = _SIMPLE_SELECTOR_RE.match(selector.strip())
                if m:
                    (classes if m.group(1) == "." else ids).add(m.group(2))
    return HiddenRules(frozenset(classes), frozenset(ids))


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "hz-gb-2312"}


def _declared(data: bytes) -> str | None:
    head = data[:4096]
    m = _XML_ENCODING_RE.match(head) or _CHARSET_RE.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode a page: BOM, then the declared charset (GB2312 and GBK read as GB18030, their
    superset), then UTF-8, then GB18030. Never fails: undecodable bytes become U+FFFD."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, "replace"), encoding
    declared = _declared(data)
    candidates = [declared] if declared else []
    candidates += [e for e in ("utf-8", "gb18030") if e != declared]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    encoding = declared or "utf-8"
    return data.decode(encoding, "replace"), encoding
