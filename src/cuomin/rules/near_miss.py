"""Near-miss misspellings of protected terms (形音近误写): what no word list names.

From a list of protected terms (central leaders' names, 中华人民共和国, key formulations; see
``cuomin/data/protected.toml``), every variant with exactly one character replaced by a
same-sound character (pypinyin, tones ignored, limited to the 6,763 GB2312 characters that
input methods offer) or a similar-looking one (``cuomin/data/similar_shapes.txt``) goes into
one Aho-Corasick automaton, built at first use. A variant found in the normalised text is a
finding when:

- the term has no ``before``/``after`` context, or the variant sits right after/before one;
- for names and for variants changed at their first or last character, the variant begins
  and ends on jieba word boundaries (前往沪宁 is not 王沪宁);
- it does not lie inside a longer variant found at the same place.

Codes: NM001 leader names, NM002 country and party names, NM003 formulations.
Options: ``leaders``, ``names``, ``formulations``: extra protected terms (lists of strings),
for example a province's own leaders.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import logging
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import ahocorasick_rs

from ..cachedir import cached_marshal, default_cache_dir
from ..data import read_lines, read_toml
from ..errors import RuleError
from ..filters.boundary import shared_boundary_checker
from ..model import Category, Severity
from ._support import option_strings, sentence_bounds
from .base import DocumentContext, Hit, Rule, RuleContext

__all__ = ["NearMissRule", "ProtectedTerm", "homophones", "similar_shapes"]

log = logging.getLogger(__name__)

_KINDS: Final = {
    "leader": ("NM001", Category.LEADER, "领导人姓名"),
    "name": ("NM002", Category.NAME, "国家和机构名称"),
    "formulation": ("NM003", Category.FORMULATION, "固定表述"),
}


@dataclass(frozen=True, slots=True)
class ProtectedTerm:
    text: str
    kind: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    context: bool = True  # names: require a leader-context word in the sentence


def _strip_tone(syllable: str) -> str:
    syllable = syllable.replace("ü", "v").replace("ǖ", "v").replace("ǘ", "v").replace("ǚ", "v").replace("ǜ", "v")
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1)
def _sound_index() -> dict[str, frozenset[str]]:
    """toneless pinyin → GB2312 characters that have it as one of their readings."""
    from pypinyin.pinyin_dict import pinyin_dict

    index: dict[str, set[str]] = {}
    for cp, readings in pinyin_dict.items():
        ch = chr(cp)
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        for reading in readings.split(","):
            index.setdefault(_strip_tone(reading), set()).add(ch)
    return {k: frozenset(v) for k, v in index.items()}


def homophones(term: str) -> list[frozenset[str]]:
    """For each character of ``term``: the characters that sound the same in its reading in
    the term (pypinyin's phrase-aware reading), itself excluded."""
    from pypinyin import Style, lazy_pinyin

    # A callable may return one reading per character (pypinyin docs); the stubs say str.
    blank: Any = lambda chars: [""] * len(chars)  # noqa: E731
    readings = lazy_pinyin(term, style=Style.NORMAL, errors=blank)
    index = _sound_index()
    return [index.get(r, frozenset()) - {ch} for ch, r in zip(term, readings)]


@functools.lru_cache(maxsize=1)
def similar_shapes() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in read_lines("similar_shapes.txt"):
        chars = line.split()
        if len(chars) < 2 or any(len(c) != 1 for c in chars):
            raise RuleError(f"cuomin/data/similar_shapes.txt：这一行应为单个汉字以空格分隔：“{line}”")
        table.setdefault(chars[0], set()).update(chars[1:])
    return {k: frozenset(v - {k}) for k, v in table.items()}


@functools.lru_cache(maxsize=1)
def _builtin_terms() -> tuple[ProtectedTerm, ...]:
    terms = []
    for t in read_toml("protected.toml").get("term", []):
        kind = str(t.get("kind", ""))
        if kind not in _KINDS or not t.get("text"):
            raise RuleError(f"cuomin/data/protected.toml：词条 {t!r} 缺少 text 或 kind 不是 leader/name/formulation")
        terms.append(
            ProtectedTerm(
                str(t["text"]),
                kind,
                tuple(t.get("before", ())),
                tuple(t.get("after", ())),
                bool(t.get("context", True)),
            )
        )
    return tuple(terms)


@functools.lru_cache(maxsize=1)
def _leader_context() -> tuple[str, ...]:
    return tuple(str(w) for w in read_toml("protected.toml").get("leader_context", []))


@dataclass(frozen=True, slots=True)
class _Variant:
    term: int  # index into _Automaton.terms
    position: int  # the replaced character
    how: str  # "音近" or "形近"
    offset: int = 0  # where the variant starts in its key (after a `before` context)
    length: int = 0  # of the variant


@dataclass
class _Automaton:
    """Every variant in one Aho-Corasick automaton (ahocorasick_rs, a contiguous NFA),
    matched on the normalised text itself, overlapping matches included. This is the one
    place cuomin uses ahocorasick_rs rather than pyahocorasick: the variant set is fixed at
    build time and never pickled, and the automaton scans a 10 KB article in about a fifth
    of the time of the best pyahocorasick encoding. (A DFA scans a little faster but takes
    five times as long to build, which every ``cuomin check`` would pay.)"""

    terms: tuple[ProtectedTerm, ...]
    automaton: Any = None
    variants: list[list[_Variant]] = field(default_factory=list)

    def scan(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, value index) of every key in ``text``, in characters."""
        for vi, start, end in self.automaton.find_matches_as_indexes(text, overlapping=True):
            yield start, end, vi


def _variant_table(terms: Sequence[ProtectedTerm], normalize: Any) -> dict[str, list[_Variant]]:
    """Every one-character variant of every protected term (the slow part: pypinyin)."""
    shapes = similar_shapes()
    protected = {normalize(t.text) for t in terms}
    table: dict[str, list[_Variant]] = {}
    for ti, term in enumerate(terms):
        text = normalize(term.text)
        sounds = homophones(text)
        for pos, ch in enumerate(text):
            candidates: dict[str, str] = {c: "音近" for c in sounds[pos]}
            for c in shapes.get(ch, ()):
                candidates.setdefault(c, "形近")
            for c, how in candidates.items():
                variant = text[:pos] + c + text[pos + 1 :]
                if normalize(variant) != variant or variant in protected:
                    continue  # folds back to a protected form (a traditional character)
                if term.before or term.after:
                    # Context-bound terms: the key holds the context, so that 能力强 never
                    # even reaches Python.
                    for b in term.before:
                        b = normalize(b)
                        table.setdefault(b + variant, []).append(_Variant(ti, pos, how, len(b), len(variant)))
                    for a in term.after:
                        table.setdefault(variant + normalize(a), []).append(_Variant(ti, pos, how, 0, len(variant)))
                else:
                    table.setdefault(variant, []).append(_Variant(ti, pos, how, 0, len(variant)))
    return table


def _cached_variant_table(terms: Sequence[ProtectedTerm], normalizer: Any) -> dict[str, list[_Variant]]:
    """The variant table, kept in the cuomin cache folder: pypinyin is imported and the
    variants computed only when the protected terms, the shape table, pypinyin or the
    normaliser change."""
    key = hashlib.sha256(repr(tuple(terms)).encode())
    key.update(repr(sorted((k, sorted(v)) for k, v in similar_shapes().items())).encode())
    try:
        key.update(importlib.metadata.version("pypinyin").encode())
    except importlib.metadata.PackageNotFoundError:
        pass
    key.update(normalizer.version.encode())
    raw = cached_marshal(
        default_cache_dir() / f"near-miss-{key.hexdigest()[:32]}.marshal",
        lambda: {
            k: [dataclasses.astuple(v) for v in vs] for k, vs in _variant_table(terms, normalizer.normalize_term).items()
        },
    )
    return {k: [_Variant(*v) for v in vs] for k, vs in raw.items()}


def _build(terms: Sequence[ProtectedTerm], table: dict[str, list[_Variant]]) -> _Automaton:
    keys = list(table)
    automaton = ahocorasick_rs.AhoCorasick(keys, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
    log.debug("near-miss automaton: %d terms, %d keys", len(terms), len(keys))
    return _Automaton(tuple(terms), automaton, [table[k] for k in keys])


_build_lock = threading.Lock()


@functools.lru_cache(maxsize=8)
def _automaton_for(extra: tuple[ProtectedTerm, ...]) -> _Automaton:
    """One automaton per set of extra terms, shared by every rule instance (checkers are
    often built several times in a process: one per dictionary stack)."""
    from ..normalize import default_normalizer

    terms = _builtin_terms() + extra
    return _build(terms, _cached_variant_table(terms, default_normalizer()))


def _add_spans(found: list[tuple[int, int, list[_Variant]]], auto: _Automaton, key_start: int, vi: int) -> None:
    """The variants of one key found at ``key_start``, grouped by the span they cover."""
    by_span: dict[tuple[int, int], list[_Variant]] = {}
    for v in auto.variants[vi]:
        span = (key_start + v.offset, key_start + v.offset + v.length)
        by_span.setdefault(span, []).append(v)
    for (start, stop), vs in by_span.items():
        found.append((start, stop, vs))


class NearMissRule(Rule):
    code = "NM001"
    name = "near-miss"
    category = Category.LEADER
    severity = Severity.CRITICAL
    description = "受保护表述（领导人姓名、国名党名、重要提法）中一个字被音近或形近字替换，词库未收录的误写"
    extra_codes = ("NM002", "NM003")

    option_names = ("leaders", "names", "formulations")

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(options)
        extra: list[ProtectedTerm] = []
        for key, kind in (("leaders", "leader"), ("names", "name"), ("formulations", "formulation")):
            for text in option_strings(self.options, key):
                if len(text) < 3:
                    raise ValueError(f"受保护表述“{text}”太短：至少三个字，两个字的姓名误报太多")
                # A unit's own names come with its own context: no central-post gate.
                extra.append(ProtectedTerm(text, kind, context=False))
        self._extra = tuple(extra)
        cache = self.options.get("cache_dir")
        self._boundary = shared_boundary_checker(str(cache) if cache else None)
        self._automaton: _Automaton | None = None

    def _auto(self) -> _Automaton:
        auto = self._automaton
        if auto is None:
            with _build_lock:  # built once, at first use (never at import)
                auto = self._automaton = _automaton_for(self._extra)
        return auto

    def check(self, ctx: RuleContext) -> Iterator[Hit]:
        auto = self._auto()
        found: list[tuple[int, int, list[_Variant]]] = []
        for key_start, _, vi in auto.scan(ctx.normalized.text):
            _add_spans(found, auto, key_start, vi)
        return self._accept(ctx, auto, found)

    def check_document(self, doc: DocumentContext) -> Iterator[tuple[RuleContext, Hit]]:
        """One automaton scan over the whole document (keys never hold a line break, so
        none spans two segments); the variants found are then judged segment by segment."""
        auto = self._auto()
        by_segment: dict[int, tuple[RuleContext, list[tuple[int, int, list[_Variant]]]]] = {}
        for key_start, _, vi in auto.scan(doc.normalized_text):
            ctx, local = doc.locate(key_start)
            _add_spans(by_segment.setdefault(ctx.index, (ctx, []))[1], auto, local, vi)
        for ctx, found in by_segment.values():
            for hit in self._accept(ctx, auto, found):
                yield ctx, hit

    def _accept(
        self, ctx: RuleContext, auto: _Automaton, found: list[tuple[int, int, list[_Variant]]]
    ) -> Iterator[Hit]:
        if not found:
            return
        text = ctx.normalized.text
        # Longest first; a variant inside an accepted longer one is dropped.
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        accepted: list[tuple[int, int]] = []
        for start, end, variants in found:
            if any(a <= start and end <= b for a, b in accepted):
                continue
            variant = next((v for v in variants if self._plausible(text, start, end, auto.terms[v.term], v)), None)
            if variant is None:
                continue
            accepted.append((start, end))
            yield self._hit(ctx, start, end, auto.terms[variant.term], variant)

    def _plausible(self, text: str, start: int, end: int, term: ProtectedTerm, v: _Variant) -> bool:
        if term.kind == "leader" and term.context and not (term.before or term.after):
            lo, hi = sentence_bounds(text, start, end)
            sentence = text[lo:start] + text[end:hi]
            if not any(w in sentence for w in _leader_context()):
                return False
        edge = v.position in (0, end - start - 1)
        if term.kind == "leader" or (edge and end - start <= 6):
            return self._boundary.on_boundaries(text, start, end)
        return True

    @staticmethod
    def _hit(ctx: RuleContext, start: int, end: int, term: ProtectedTerm, v: _Variant) -> Hit:
        code, category, label = _KINDS[term.kind]
        s, e = ctx.to_original(start, end)
        written = ctx.text[s:e]
        wrong = ctx.normalized.text[start + v.position]
        right = term.text[v.position]
        return Hit(
            s,
            e,
            (term.text,),
            f"疑似{label}误写：“{written}”与“{term.text}”只差一个{v.how}字（“{wrong}”应为“{right}”）。请核对。",
            code=code,
            category=category,
        )
