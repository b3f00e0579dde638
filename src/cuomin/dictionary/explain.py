"""``cuomin dict explain TERM``: which layers define, change or retract entries for a term,
and whether the term, written as a sentence, is flagged on a given date.

An entry concerns TERM when its (normalised) term equals TERM or occurs inside it: those are
the entries that could report something in a text that contains TERM.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import DictionaryError
from ..model import Finding
from .compiled import load_dictionary
from .examples import Occurrence, entry_occurrences
from .layers import resolve_stack
from .merge import Retraction
from .records import Action, Entry, read_allow_list, read_records

__all__ = ["LayerRow", "EntryState", "Explanation", "explain_term"]

Relation = Literal["same", "inside"]


@dataclass(frozen=True, slots=True)
class LayerRow:
    """One row of one layer's table that concerns the term."""

    layer: str
    level: str
    action: Action
    entry: str  # id
    term: str  # the entry's term (for override/retract rows: the inherited term)
    relation: Relation  # the term equals TERM, or occurs inside it
    source: str
    category: str | None
    severity: str | None
    suggestions: tuple[str, ...]
    explanation: str | None
    basis: str | None
    allow: tuple[str, ...]
    boundary: bool | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    locked: bool | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class EntryState:
    """An effective entry (after inheritance) and what it does to TERM on the date."""

    entry: Entry
    relation: Relation
    occurrences: tuple[Occurrence, ...]  # in TERM, with the filter that drops each one
    reported: bool  # a finding for this entry is produced


@dataclass(frozen=True, slots=True)
class Explanation:
    term: str
    normalized: str
    date: dt.date
    stack: tuple[str, ...]  # layer names, national first
    rows: tuple[LayerRow, ...]
    entries: tuple[EntryState, ...]
    retractions: tuple[Retraction, ...]
    layer_allow: tuple[tuple[str, str], ...]  # (phrase, "path:line") of allow.txt lines that touch TERM
    findings: tuple[Finding, ...]  # TERM checked as a sentence on ``date``

    @property
    def flagged(self) -> bool:
        return bool(self.findings)


def explain_term(
    term: str,
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    date: dt.date | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Explanation:
    """Explain what the stack does with ``term``. Raises DictionaryError if it cannot load."""
    from ..checker import Checker  # the checker imports this package: import late
    from ..rules.dictionary import DictionaryRule

    if not term.strip():
        raise DictionaryError("请给出要查询的词")
    dictionary = load_dictionary(paths, cache_dir=cache_dir)
    chain = resolve_stack([Path(p) for p in paths] if paths else None)
    normalizer = dictionary.normalizer
    key = normalizer.normalize_term(term)
    when = date or dt.date.today()

    @functools.lru_cache(maxsize=None)
    def relation(text: str) -> Relation | None:
        k = normalizer.normalize_term(text)
        if not k:
            return None
        if k == key:
            return "same"
        return "inside" if k in key else None

    rows: list[LayerRow] = []
    layer_allow: list[tuple[str, str]] = []
    terms: dict[str, str] = {}  # id → term, replayed top-down
    for manifest in chain:
        for path in manifest.table_files():
            for rec in read_records(path):
                if rec.action is Action.ADD and rec.term:
                    terms[rec.id] = rec.term
                entry_term = rec.term or terms.get(rec.id, "")
                rel = relation(entry_term) if entry_term else None
                if rel is not None:
                    rows.append(LayerRow(
                        layer=manifest.name, level=manifest.level.value, action=rec.action, entry=rec.id,
                        term=entry_term, relation=rel, source=rec.source,
                        category=rec.category.value if rec.category else None,
                        severity=rec.severity.value if rec.severity else None,
                        suggestions=rec.suggestions or (), explanation=rec.explanation, basis=rec.basis,
                        allow=rec.allow or (), boundary=rec.boundary, valid_from=rec.valid_from,
                        valid_until=rec.valid_until, locked=rec.locked, reason=rec.reason,
                    ))  # fmt: skip
        allow_file = manifest.allow_file()
        if allow_file is not None:
            for phrase, source in read_allow_list(allow_file):
                pk = normalizer.normalize_term(phrase)
                if pk and (pk in key or key in pk):
                    layer_allow.append((phrase, source))

    rule = DictionaryRule({"cache_dir": str(cache_dir)} if cache_dir else None)
    findings = tuple(Checker(dictionary, rules=[rule]).check_text(term, date=when))
    reported = {f.entry for f in findings}
    states: list[EntryState] = []
    for kid, text in enumerate(dictionary.key_text):
        if text not in key:
            continue
        for index in dictionary.key_hits[kid]:
            e = dictionary.entries[index]
            occ = tuple(entry_occurrences(dictionary, index, term, when, rule.boundary_checker))
            states.append(EntryState(e, "same" if text == key else "inside", occ, e.id in reported))
    retractions = tuple(r for r in dictionary.retractions if relation(r.term) is not None)
    return Explanation(
        term=term,
        normalized=key,
        date=when,
        stack=tuple(m.name for m in chain),
        rows=tuple(rows),
        entries=tuple(states),
        retractions=retractions,
        layer_allow=tuple(layer_allow),
        findings=findings,
    )
