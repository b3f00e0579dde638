"""The rule API: what a rule is, what it sees, what it reports.

A rule is a class with a code (two capital letters and three digits), a name, a category,
a default severity and a description. The checker builds one instance per checker (with
the rule's options from configuration) and calls :meth:`Rule.check` once per segment. A
rule reports :class:`Hit` spans in the segment's original text; the checker turns them into
:class:`~cuomin.model.Finding` values with line, column, context and location.

A rule that can only report where some text occurs says so with :attr:`Rule.trigger`, a
pattern searched once over the whole document's normalised text: check() then runs only for
the segments it matches in (most rules look for something rare, and most paragraphs have
none of it). A rule that is cheaper over the whole document at once overrides
:meth:`Rule.check_document` instead.

A rule never prints, reads files or keeps state across documents. Rules are registered in
the ``cuomin.rules`` entry-point group, the built-ins exactly like third-party ones::

    [project.entry-points."cuomin.rules"]
    XY001 = "my_package.rules:MyRule"
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from ..dictionary.compiled import CompiledDictionary
from ..model import Category, Document, Part, Segment, Severity
from ..normalize import Normalized
from .literals import DocumentLiterals, LiteralTriggers

__all__ = ["Hit", "Rule", "RuleContext", "DocumentContext", "CODE_PATTERN"]

CODE_PATTERN = re.compile(r"^[A-Z]{2}[0-9]{3}$")


@dataclass(frozen=True, slots=True)
class Hit:
    """A span a rule reports, in the segment's original text.

    Fields left as None take the rule's defaults (code, category, severity); ``layer`` and
    ``entry`` say what produced the hit (``rule``/the rule code for rules without a
    dictionary).
    """

    start: int
    end: int
    suggestions: tuple[str, ...] = ()
    explanation: str = ""
    code: str | None = None
    category: Category | None = None
    severity: Severity | None = None
    layer: str | None = None
    entry: str | None = None


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Everything a rule may look at for one segment."""

    segment: Segment
    index: int  # the segment's position in document.segments
    document: Document
    normalized: Normalized
    date: dt.date  # the document date (today when unknown)
    dictionary: CompiledDictionary | None
    #: The dictionary automaton's occurrences in ``normalized`` (start, end, key), when the
    #: checker has already scanned the whole document; None means "scan it yourself".
    occurrences: list[tuple[int, int, int]] | None = None

    @property
    def text(self) -> str:
        """The segment's original text; hits are offsets into it."""
        return self.segment.text

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``normalized.text`` to the original text."""
        return self.normalized.to_original(start, end)

    def neighbours(self, before: int = 1, after: int = 1) -> tuple[Segment, ...]:
        """Segments around this one (same document), in order, this one excluded."""
        segs = self.document.segments
        lo = max(0, self.index - before)
        return segs[lo : self.index] + segs[self.index + 1 : self.index + 1 + after]


class DocumentContext:
    """Everything a rule may look at for one document: a :class:`RuleContext` per non-empty
    segment, and the whole document's text, original and normalised, in which the
    segments' own texts follow each other separated by one line break.

    A segment's :class:`RuleContext` is made when a rule first asks for it: a rule that
    looks at a few segments of a 300-paragraph file does not pay for the other 297.
    """

    __slots__ = (
        "document", "date", "dictionary", "text", "normalized",
        "_live", "_starts", "_n_starts", "_n_ends", "_occurrences", "_made", "_all", "_matched", "_literals",
        "_literal_found", "_by_part", "_suppressed",
    )  # fmt: skip

    def __init__(
        self,
        document: Document,
        date: dt.date,
        dictionary: CompiledDictionary | None,
        live: Sequence[int],
        text: str,
        starts: Sequence[int],
        normalized: Normalized,
        normalized_bounds: Sequence[tuple[int, int]],
        occurrences: Sequence[list[tuple[int, int, int]] | None] | None = None,
        literals: LiteralTriggers | None = None,
    ) -> None:
        """``live``: the indexes (in ``document.segments``) of the non-empty segments;
        ``starts``: where each starts in ``text``; ``normalized_bounds``: where each
        starts and ends in ``normalized``; ``occurrences``: each one's share of the
        dictionary occurrences (None: the rules scan themselves); ``literals``: the
        checker's plain-word triggers, searched together (None: each pattern on its own)."""
        self.document = document
        self.date = date
        self.dictionary = dictionary
        self.text = text
        self.normalized = normalized
        self._live: list[int] = list(live)
        self._starts: list[int] = list(starts)
        self._n_starts: list[int] = [lo for lo, _ in normalized_bounds]
        self._n_ends: list[int] = [hi for _, hi in normalized_bounds]
        self._occurrences = occurrences
        self._made: list[RuleContext | None] = [None] * len(self._live)
        self._all: tuple[RuleContext, ...] | None = None
        self._matched: dict[tuple[re.Pattern[str], bool], list[int]] = {}
        self._literals = literals
        self._literal_found: DocumentLiterals | None = None  # in the normalised text
        self._by_part: dict[Part, list[int]] | None = None  # positions of the segments of each part
        self._suppressed: list[int] | None = None  # positions of the segments with suppressions

    def __len__(self) -> int:
        """The number of non-empty segments (of contexts)."""
        return len(self._live)

    @property
    def contexts(self) -> tuple[RuleContext, ...]:
        """A context per non-empty segment, in order."""
        if self._all is None:
            self._all = tuple(self.context(i) for i in range(len(self._live)))
        return self._all

    def context(self, position: int) -> RuleContext:
        """The context of the ``position``-th non-empty segment."""
        ctx = self._made[position]
        if ctx is None:
            segment = self.document.segments[self._live[position]]
            lo, hi = self._n_starts[position], self._n_ends[position]
            normalized = Normalized.part(
                self.normalized, segment.text, self._starts[position], lo, hi, self.normalized.text[lo:hi]
            )
            ctx = self._made[position] = RuleContext(
                segment=segment,
                index=self._live[position],
                document=self.document,
                normalized=normalized,
                date=self.date,
                dictionary=self.dictionary,
                occurrences=None if self._occurrences is None else self._occurrences[position],
            )
        return ctx

    def segment(self, position: int) -> Segment:
        """The ``position``-th non-empty segment (without making its context)."""
        return self.document.segments[self._live[position]]

    def where(self, predicate: Callable[[Segment], bool]) -> list[RuleContext]:
        """The contexts, in order, of the non-empty segments ``predicate`` accepts (a
        question about a segment's location or suppressions, answered without making the
        contexts of the others)."""
        segments = self.document.segments
        return [self.context(i) for i, index in enumerate(self._live) if predicate(segments[index])]

    def in_parts(self, parts: Iterable[Part]) -> list[RuleContext]:
        """The contexts, in order, of the non-empty segments located in one of ``parts``
        (the segments are sorted by part once per document, for every rule that asks)."""
        by_part = self._by_part
        if by_part is None:
            by_part = self._by_part = {}
            segments = self.document.segments
            for position, index in enumerate(self._live):
                loc = segments[index].location
                if loc is not None:
                    by_part.setdefault(loc.part, []).append(position)
        found = sorted(position for part in parts for position in by_part.get(part, ()))
        return [self.context(position) for position in found]

    def with_suppressions(self) -> list[RuleContext]:
        """The contexts, in order, of the non-empty segments that carry inline
        suppressions (found once per document: the checker and SP001 both ask)."""
        found = self._suppressed
        if found is None:
            segments = self.document.segments
            found = self._suppressed = [p for p, index in enumerate(self._live) if segments[index].suppressions]
        return [self.context(position) for position in found]

    def with_occurrences(self) -> list[RuleContext]:
        """The contexts, in order, of segments that hold a dictionary occurrence (all of
        them when the checker did not scan)."""
        if self._occurrences is None:
            return list(self.contexts)
        return [self.context(i) for i, occ in enumerate(self._occurrences) if occ is None or occ]

    @property
    def normalized_text(self) -> str:
        return self.normalized.text

    def segment_spans(self) -> list[tuple[int, int]]:
        """Where each segment of the document (empty ones included, as an empty span)
        starts and ends in :attr:`normalized_text`."""
        spans = [(0, 0)] * len(self.document.segments)
        for index, lo, hi in zip(self._live, self._n_starts, self._n_ends):
            spans[index] = (lo, hi)
        return spans

    def start_of(self, position: int, *, normalized: bool = True) -> int:
        """Where the context at ``position`` (in :attr:`contexts`) starts in
        :attr:`normalized_text` (or in :attr:`text`)."""
        return (self._n_starts if normalized else self._starts)[position]

    def locate(self, offset: int, *, normalized: bool = True) -> tuple[RuleContext, int]:
        """The context holding ``offset`` of :attr:`normalized_text` (or of :attr:`text`)
        and the offset in that context's own text. A separating line break belongs to the
        segment before it."""
        if not self._live:
            raise IndexError("document has no text")
        starts = self._n_starts if normalized else self._starts
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        return self.context(i), offset - starts[i]

    def matching(self, pattern: re.Pattern[str], *, normalized: bool = True) -> list[RuleContext]:
        """The contexts, in order, whose normalised text (or original text) holds the start
        of a match of ``pattern``: one search over the whole document, resumed at the next
        segment after each hit, so a pattern found in every line costs one search per
        segment at most. The answer is remembered, so rules that share a pattern (a cheap
        gate such as "a group of seven digits") share the search."""
        return [self.context(i) for i in self._positions(pattern, normalized)]

    def matching_any(self, patterns: Iterable[re.Pattern[str]], *, normalized: bool = True) -> list[RuleContext]:
        """The contexts, in order, that any of ``patterns`` matches in. Several patterns that
        each start with a literal are searched much faster than one alternation of them,
        which the regular-expression engine tries at every position."""
        found: set[int] = set()
        for pattern in patterns:
            found.update(self._positions(pattern, normalized))
        return [self.context(i) for i in sorted(found)]

    def _positions(self, pattern: re.Pattern[str], normalized: bool) -> list[int]:
        """Positions (in :attr:`contexts`) of the segments ``pattern`` matches in, searched
        once per document and pattern."""
        key = (pattern, normalized)
        found = self._matched.get(key)
        if found is None:
            found = self._matched[key] = self._search(pattern, normalized)
        return found

    def _search(self, pattern: re.Pattern[str], normalized: bool) -> list[int]:
        text = self.normalized_text if normalized else self.text
        starts = self._n_starts if normalized else self._starts
        # Plain words in the normalised text: every such pattern's occurrences in one pass.
        # (Not in the original text: the few patterns searched there are cheaper alone than
        # a pass that must first convert that text for the automaton.)
        if normalized and self._literals is not None:
            pid = self._literals.pattern_id(pattern)
            if pid is not None:
                literal = self._literal_found
                if literal is None or not literal.covers(pid):
                    literal = self._literal_found = DocumentLiterals(self._literals.generation(pid), text, starts)
                return literal.segments(pid)
        found: list[int] = []
        pos = 0
        while True:
            m = pattern.search(text, pos)
            if m is None:
                return found
            i = max(0, bisect.bisect_right(starts, m.start()) - 1)
            found.append(i)
            if i + 1 >= len(starts):
                return found
            pos = starts[i + 1]


class Rule:
    """Base class of rules. Subclasses set the class attributes and implement check()."""

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    description: ClassVar[str]
    #: Further codes this rule's hits may carry (for example one per category).
    extra_codes: ClassVar[tuple[str, ...]] = ()
    #: The option keys this rule accepts in configuration (``[rules.CODE]``); any other key
    #: is a configuration error. ``cache_dir`` is always accepted: the checker passes it.
    option_names: ClassVar[tuple[str, ...]] = ()
    #: A pattern that matches in a segment wherever this rule can report anything there. It
    #: only needs to be necessary, not sufficient: check() runs for every segment it matches
    #: in and for no other. None: every segment.
    trigger: ClassVar[re.Pattern[str] | None] = None
    #: What :attr:`trigger` is searched in: the segment's normalised text
    #: (``ctx.normalized.text``: full-width forms and traditional characters folded, lower
    #: case, spaces removed), or its original text (``ctx.text``), whichever the rule reads.
    trigger_on: ClassVar[Literal["normalized", "original"]] = "normalized"

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options: dict[str, Any] = dict(options or {})
        unknown = sorted(set(self.options) - set(self.option_names) - {"cache_dir"})
        if unknown:
            hint = "、".join(sorted(self.option_names)) or "（本规则没有选项）"
            raise ValueError(f"{self.code} 不认识选项 {'、'.join(unknown)}；可用选项：{hint}")

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return (cls.code, *cls.extra_codes)

    def check(self, ctx: RuleContext) -> Iterable[Hit]:  # pragma: no cover - interface
        raise NotImplementedError

    def check_document(self, doc: DocumentContext) -> Iterable[tuple[RuleContext, Hit]]:
        """Hits of the whole document, each with its segment's context. By default check()
        on every segment that :attr:`trigger` matches in (every segment without one). A rule
        that overrides this must report exactly what this default would."""
        if self.trigger is None:
            return self.check_contexts(doc.contexts)
        return self.check_contexts(doc.matching(self.trigger, normalized=self.trigger_on == "normalized"))

    def check_contexts(self, contexts: Iterable[RuleContext]) -> Iterator[tuple[RuleContext, Hit]]:
        """check() on each of ``contexts``: for a check_document() that picks segments by
        something known only at run time (a pattern built from options or data files)."""
        for ctx in contexts:
            for hit in self.check(ctx):
                yield ctx, hit
