"""Run one rule (or all) on a text or a hand-built Document, through a real Checker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import cuomin
from cuomin import Document, DocumentMeta, Finding, Location, Part, Rule, Segment
from cuomin.rules.registry import discover_rules

MINI = Path(__file__).resolve().parents[1] / "data" / "layers" / "mini"


class RuleRunner:
    """Builds checkers that run only the given rules (on the mini layer's dictionary)."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._base = cuomin.Checker(dictionaries=[MINI], cache_dir=cache_dir, select=["WD"])

    def checker(self, codes: Sequence[str], options: Mapping[str, Mapping[str, Any]] | None = None) -> cuomin.Checker:
        rules = discover_rules()
        instances: list[Rule] = [rules[c](dict((options or {}).get(c, {}))) for c in codes]
        return cuomin.Checker(self._base.dictionary, rules=instances)

    def text(
        self,
        codes: str | Sequence[str],
        text: str,
        date: str | dt.date = "2024-06-01",
        options: Mapping[str, Any] | None = None,
    ) -> list[Finding]:
        codes = [codes] if isinstance(codes, str) else list(codes)
        opts = {codes[0]: options} if options else None
        found: list[Finding] = self.checker(codes, opts).check_text(text, date=date)
        return found

    def document(
        self, codes: str | Sequence[str], document: Document, date: str | None = None, options: Mapping[str, Any] | None = None
    ) -> list[Finding]:
        codes = [codes] if isinstance(codes, str) else list(codes)
        opts = {codes[0]: options} if options else None
        found: list[Finding] = self.checker(codes, opts).check_document(document, date=date)
        return found


def matches(findings: Sequence[Finding], code: str | None = None) -> list[str]:
    return [f.match for f in findings if code is None or f.code == code]


def html_like(
    body: Sequence[str],
    *,
    title: str = "",
    hidden: Sequence[str] = (),
    meta: Sequence[str] = (),
    links: Sequence[tuple[str, str, bool]] = (),
    url: str | None = None,
    date: dt.date | None = None,
) -> Document:
    """A Document shaped like the HTML extractor's output, built by hand."""
    segments: list[Segment] = []
    if title:
        segments.append(Segment(title, Location(Part.TITLE)))
    segments += [Segment(m, Location(Part.META)) for m in meta]
    segments += [Segment(t, Location(Part.BODY, paragraph=i + 1)) for i, t in enumerate(body)]
    segments += [Segment(t, Location(Part.HIDDEN, element=f"div[{i + 1}]")) for i, t in enumerate(hidden)]
    return Document(tuple(segments), DocumentMeta(title=title or None, url=url, date=date), links=tuple(links))
