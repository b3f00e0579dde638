"""The rule API: what a rule is, what it sees, what it reports.

A rule is a class with a code (two capital letters and three digits), a name, a category,
a default severity and a description. The checker builds one instance per checker (with
the rule's options from configuration) and calls :meth:`Rule.check` once per segment. A
rule reports :class:`Hit` spans in the segment's original text; the checker turns them into
:class:`~cuomin.model.Finding` values with line, column, context and location.

A rule never prints, reads files or keeps state across documents. Rules are registered in
the ``cuomin.rules`` entry-point group, the built-ins exactly like third-party ones::

    [project.entry-points."cuomin.rules"]
    XY001 = "my_package.rules:MyRule"
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..dictionary.compiled import CompiledDictionary
from ..model import Category, Document, Segment, Severity
from ..normalize import Normalized

__all__ = ["Hit", "Rule", "RuleContext", "CODE_PATTERN"]

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
