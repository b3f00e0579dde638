"""The Checker: normalise each segment, run the rules, turn hits into findings."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .dictionary.compiled import CompiledDictionary, load_dictionary
from .errors import ConfigError, RuleError
from .filters import apply_segment_filters
from .model import Document, DocumentMeta, Finding, Location, Segment, Severity
from .normalize import default_normalizer
from .rules.base import DocumentContext, Hit, Rule, RuleContext
from .rules.literals import LiteralTriggers
from .rules.registry import discover_rules

__all__ = ["Checker", "check_text", "parse_date"]

CONTEXT_WIDTH = 20


def parse_date(value: dt.date | str | None) -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) → date; None stays None."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"日期“{value}”格式不对，应为 YYYY-MM-DD") from None


def _matches(code: str, prefixes: Sequence[str]) -> bool:
    return any(code.startswith(p) for p in prefixes)


class Checker:
    """Checks texts and documents against a dictionary stack and a set of rules.

    Build it once and reuse it: building loads (or compiles) the dictionaries. A checker is
    immutable and safe to use from several threads.

    :param dictionary: a compiled stack; by default the layers in ``dictionaries`` (paths of
        layer folders) are loaded, or the bundled national layer.
    :param select: run only rules/findings whose code starts with one of these prefixes.
    :param ignore: drop rules/findings whose code starts with one of these prefixes.
    :param severity: severity overrides by code prefix, e.g. ``{"WD7": "error"}``.
    :param options: per-rule options by rule code.
    :param rules: rule instances to use instead of the installed ones.
    """

    def __init__(
        self,
        dictionary: CompiledDictionary | None = None,
        *,
        dictionaries: Sequence[str | os.PathLike[str]] | None = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        severity: Mapping[str, Severity | str] | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        rules: Sequence[Rule] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.normalizer = default_normalizer()
        if dictionary is None:
            dictionary = load_dictionary(dictionaries, cache_dir=cache_dir, normalizer=self.normalizer)
        self.dictionary = dictionary
        self._select = tuple(select)
        self._ignore = tuple(ignore)
        self._kept: dict[str, bool] = {}
        try:
            self._severity = {k: Severity.parse(v) if isinstance(v, str) else v for k, v in (severity or {}).items()}
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        options = dict(options or {})
        if rules is None:
            rules = []
            for code, cls in discover_rules().items():
                if not self._wants(cls.codes()):
                    continue
                opts = dict(options.get(code, {}))
                if cache_dir is not None:
                    opts.setdefault("cache_dir", str(cache_dir))
                try:
                    rules.append(cls(opts))
                except (TypeError, ValueError) as exc:
                    raise ConfigError(f"规则 {code} 的选项有误：{exc}") from None
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._literals = LiteralTriggers()  # the rules' plain-word triggers, searched together

    def _wants(self, codes: Iterable[str]) -> bool:
        """Is any code this rule can emit selected and not ignored?"""
        for code in codes:
            if self._select and not (_matches(code, self._select) or any(p.startswith(code) for p in self._select)):
                continue
            if _matches(code, self._ignore):
                continue
            return True
        return False

    # -- public -----------------------------------------------------------------------------
    def check_text(
        self,
        text: str,
        *,
        date: dt.date | str | None = None,
        title: str | None = None,
        location: Location | None = None,
    ) -> list[Finding]:
        """Check one plain text; findings' offsets index ``text`` itself."""
        doc = Document(segments=(Segment(text, location),), meta=DocumentMeta(title=title, date=parse_date(date)))
        return list(self.iter_findings(doc))

    def check_document(self, document: Document, *, date: dt.date | str | None = None) -> list[Finding]:
        return list(self.iter_findings(document, date=date))

    def iter_findings(self, document: Document, *, date: dt.date | str | None = None) -> Iterator[Finding]:
        """Findings of a document: extraction problems first, then segment by segment (in
        each segment, rule by rule in the checker's order)."""
        return self.iter_context_findings(self.context(document, date=date))

    def iter_context_findings(self, doc: DocumentContext) -> Iterator[Finding]:
        """:meth:`iter_findings` of the document ``doc`` (from :meth:`context`) was made
        for: for a caller that also reads the normalised text (the batch scan hashes it)."""
        for problem in doc.document.problems:
            if self._keep(problem.code):
                yield problem
        if not len(doc):
            return
        hits: dict[int, tuple[RuleContext, list[tuple[Rule, Hit]]]] = {}
        for rule in self.rules:
            try:
                for ctx, hit in rule.check_document(doc):
                    hits.setdefault(ctx.index, (ctx, []))[1].append((rule, hit))
            except RuleError:
                raise
            except Exception as exc:
                raise RuleError(f"规则 {rule.code}（{rule.name}）检查时出错：{exc!r}") from exc
        for ctx in doc.with_suppressions():
            hits.setdefault(ctx.index, (ctx, []))
        for index in sorted(hits):
            ctx, mine = hits[index]
            yield from self._segment_findings(ctx, mine)

    def context(self, document: Document, *, date: dt.date | str | None = None) -> DocumentContext:
        """What the rules see of ``document``: every segment normalised and scanned by the
        dictionary in one pass.

        The texts are joined with line breaks, which normalisation never removes and no key
        contains, so the joined result is the concatenation of the segments' own results;
        each segment gets its slice (a view) and its share of the automaton occurrences.
        Per-segment calls would pay numpy's and the automaton's fixed costs hundreds of
        times for an HTML page or a DOCX file.
        """
        when = parse_date(date) or document.meta.date or dt.date.today()
        live = [i for i, s in enumerate(document.segments) if s.text]
        whole, starts, pairs = self.normalizer.normalize_joined([document.segments[i].text for i in live])
        found = self.dictionary.scan(whole) if live else []
        occurrences: list[list[tuple[int, int, int]] | None] = []
        k, n_found = 0, len(found)
        for n_start, n_end in pairs:
            mine: list[tuple[int, int, int]] = []
            while k < n_found and found[k][1] <= n_end:
                s, e, key = found[k]
                if s >= n_start:
                    mine.append((s - n_start, e - n_start, key))
                k += 1
            occurrences.append(mine)
        return DocumentContext(
            document, when, self.dictionary, live, whole.original, starts, whole, pairs, occurrences,
            literals=self._literals,
        )  # fmt: skip

    # -- internals --------------------------------------------------------------------------
    def _keep(self, code: str) -> bool:
        keep = self._kept.get(code)
        if keep is None:
            keep = (not self._select or _matches(code, self._select)) and not _matches(code, self._ignore)
            self._kept[code] = keep  # a benign race: every thread computes the same value
        return keep

    def _segment_findings(self, ctx: RuleContext, hits: list[tuple[Rule, Hit]]) -> Iterator[Finding]:
        segment = ctx.segment
        lines: _Lines | None = None
        seen: set[tuple[str, int, int]] = set()
        found: list[Finding] = []
        for rule, hit in hits:
            code = hit.code or rule.code
            if not self._keep(code) or (code, hit.start, hit.end) in seen:
                continue
            seen.add((code, hit.start, hit.end))
            if lines is None:
                lines = _Lines(segment.text)
            found.append(self._finding(rule, hit, code, segment, lines))
        if found or segment.suppressions:
            for finding in apply_segment_filters(ctx, found):
                if self._keep(finding.code):
                    yield finding

    def _finding(self, rule: Rule, hit: Hit, code: str, segment: Segment, lines: _Lines) -> Finding:
        text = segment.text
        if not (0 <= hit.start <= hit.end <= len(text)):
            raise RuleError(f"规则 {rule.code} 报告的位置越界：{hit.start}-{hit.end}（文本长 {len(text)}）")
        severity = hit.severity or rule.severity
        for prefix in sorted(self._severity, key=len, reverse=True):
            if code.startswith(prefix):
                severity = self._severity[prefix]
                break
        line, column = lines.position(hit.start)
        return Finding(
            code=code,
            category=hit.category or rule.category,
            severity=severity,
            match=text[hit.start : hit.end],
            start=hit.start,
            end=hit.end,
            line=line,
            column=column,
            context=_context(text, hit.start, hit.end),
            suggestions=tuple(hit.suggestions),
            explanation=hit.explanation or rule.description,
            layer=hit.layer if hit.layer is not None else "rule",
            entry=hit.entry if hit.entry is not None else rule.code,
            location=segment.location,
        )


class _Lines:
    """Line and column (both 1-based) of offsets in one text, counted incrementally:
    rules report hits roughly in order, so the text is scanned about once."""

    __slots__ = ("_text", "_offset", "_line", "_line_start")

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1
        self._line_start = 0

    def position(self, offset: int) -> tuple[int, int]:
        text = self._text
        if offset < self._offset:
            self._offset, self._line, self._line_start = 0, 1, 0
        self._line += text.count("\n", self._offset, offset)
        if self._line > 1:
            self._line_start = max(self._line_start, text.rfind("\n", self._line_start, offset) + 1)
        self._offset = offset
        return self._line, offset - self._line_start + 1


_CONTROL_RE = re.compile(r"[\n\r\t\v\f]")


def _context(text: str, start: int, end: int) -> str:
    return _CONTROL_RE.sub(" ", text[max(0, start - CONTEXT_WIDTH) : end + CONTEXT_WIDTH])


_default_checker: Checker | None = None
_default_lock = threading.Lock()


def check_text(text: str, date: dt.date | str | None = None) -> list[Finding]:
    """Check a text with the bundled national dictionary and every installed rule.

    The shared checker is built on first call (not at import) and reused; safe to call from
    several threads.
    """
    global _default_checker
    checker = _default_checker
    if checker is None:
        with _default_lock:
            if _default_checker is None:
                _default_checker = Checker()
            checker = _default_checker
    return checker.check_text(text, date=date)
