"""Run the example sentences of dictionary entries (``cuomin dict test``).

Every entry may carry an ``example_wrong`` (a sentence that must produce a finding for that
entry) and an ``example_right`` (a sentence that must not). Dated entries are checked at a
date on which their term is an error: the day after ``valid_until``, or the day before
``valid_from``. The same candidate filters as the dictionary rule explain a failure: the
validity window, allow phrases, history exemptions and the word-boundary check.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..filters.boundary import BoundaryChecker
from ..filters.validity import flagged_on, historical_mention
from .compiled import CompiledDictionary, load_dictionary
from .layers import LayerManifest, read_manifest, resolve_stack
from .records import Entry

__all__ = [
    "ExampleResult",
    "ExampleReport",
    "Occurrence",
    "example_date",
    "entry_occurrences",
    "run_examples",
    "run_stack_examples",
    "selected_layers",
    "entry_indexes",
]

Kind = Literal["wrong", "right"]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place where an entry's term occurs in a text, and what the filters make of it."""

    start: int  # offsets in the original text
    end: int
    match: str
    status: str  # "" when the occurrence survives every filter, else why it is dropped (Chinese)


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one example sentence."""

    entry: str
    term: str
    layer: str
    source: str  # "path:line" of the row that defines the entry (and of the last change)
    kind: Kind
    sentence: str
    date: dt.date
    passed: bool
    found: tuple[str, ...]  # ids of the entries the sentence produced findings for
    message: str  # what went wrong and what to do (Chinese); "" when passed


@dataclass(frozen=True, slots=True)
class ExampleReport:
    layers: tuple[str, ...]  # the layers whose entries were tested
    entries: int  # how many entries were looked at
    results: tuple[ExampleResult, ...]

    @property
    def failures(self) -> tuple[ExampleResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def ok(self) -> bool:
        return not self.failures


def example_date(entry: Entry, today: dt.date) -> dt.date:
    """A document date on which the entry's term is flagged."""
    if flagged_on(entry, today):
        return today
    if entry.valid_until is not None:
        return entry.valid_until + dt.timedelta(days=1)
    assert entry.valid_from is not None
    return entry.valid_from - dt.timedelta(days=1)


def selected_layers(
    paths: Sequence[str | os.PathLike[str]] | None, chain: Sequence[LayerManifest], all_layers: bool = False
) -> tuple[str, ...]:
    """The layers a command works on: the ones named on the command line (the national
    layer when none is named), or every layer of the chain with ``all_layers``."""
    if all_layers:
        return tuple(m.name for m in chain)
    if not paths:
        return (chain[0].name,)
    named = {read_manifest(Path(p)).path for p in paths}
    return tuple(m.name for m in chain if m.path in named)


def entry_indexes(dictionary: CompiledDictionary, layers: Iterable[str]) -> list[int]:
    """Entries added or changed by one of ``layers``."""
    wanted = set(layers)
    out = []
    for i in range(len(dictionary)):
        e = dictionary.entries[i]
        if e.layer in wanted or any(c.layer in wanted for c in e.changes):
            out.append(i)
    return out


def entry_occurrences(
    dictionary: CompiledDictionary, index: int, text: str, date: dt.date, boundary: BoundaryChecker
) -> list[Occurrence]:
    """Where entry ``index`` occurs in ``text`` and which filter (if any) drops each
    occurrence, in the order the dictionary rule applies them."""
    entry = dictionary.entries[index]
    norm = dictionary.normalizer.normalize(text)
    occ = dictionary.scan(norm)
    ntext = norm.text
    key_allows, key_any, key_text = dictionary.key_allows, dictionary.key_allow_any, dictionary.key_text
    allows = [(s, e, k) for s, e, k in occ if key_allows[k] or key_any[k]]
    out: list[Occurrence] = []
    for s, e, k in occ:
        if index not in dictionary.key_hits[k]:
            continue
        status = ""
        if not flagged_on(entry, date):
            status = _window_text(entry, date)
        if not status:
            for a_s, a_e, a in allows:
                if a_s <= s and e <= a_e and (key_any[a] or index in key_allows[a]):
                    kind = "通用放行短语（allow.txt）" if key_any[a] and index not in key_allows[a] else "放行短语"
                    status = f"被{kind}“{key_text[a]}”放行"
                    break
        if not status and entry.valid_until is not None and date > entry.valid_until:
            why = historical_mention(ntext, s, e, entry.valid_until)
            if why is not None:
                status = f"按历史叙述放行：{why}"
        if not status and entry.boundary and not boundary.on_boundaries(ntext, s, e):
            status = "分词检查认为这里不是完整的词（boundary = yes）"
        start, end = norm.to_original(s, e)
        out.append(Occurrence(start, end, text[start:end], status))
    return out


def _window_text(entry: Entry, date: dt.date) -> str:
    window = f"{entry.valid_from or '…'} 至 {entry.valid_until or '…'}"
    return f"文档日期 {date.isoformat()} 在该写法的正确期间（{window}）内，不报"


def _source(entry: Entry) -> str:
    if entry.changes:
        return f"{entry.source}（{entry.changes[-1].layer} 层修改于 {entry.changes[-1].source}）"
    return entry.source


def run_examples(
    dictionary: CompiledDictionary,
    indexes: Iterable[int] | None = None,
    *,
    today: dt.date | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> list[ExampleResult]:
    """Check the example sentences of the given entries (all entries by default)."""
    from ..checker import Checker  # the checker imports this package: import late
    from ..rules.dictionary import DictionaryRule

    rule = DictionaryRule({"cache_dir": str(cache_dir)} if cache_dir else None)
    checker = Checker(dictionary, rules=[rule])
    today = today or dt.date.today()
    results: list[ExampleResult] = []
    for index in range(len(dictionary)) if indexes is None else indexes:
        entry = dictionary.entries[index]
        date = example_date(entry, today)
        for kind, sentence in (("wrong", entry.example_wrong), ("right", entry.example_right)):
            if not sentence:
                continue
            findings = checker.check_text(sentence, date=date)
            found = tuple(dict.fromkeys(f.entry for f in findings))
            hit = entry.id in found
            passed = hit if kind == "wrong" else not hit
            message = ""
            if not passed:
                message = _failure_message(dictionary, index, kind, sentence, date, findings, rule.boundary_checker)
            results.append(
                ExampleResult(
                    entry=entry.id,
                    term=entry.term,
                    layer=entry.layer,
                    source=_source(entry),
                    kind=kind,  # type: ignore[arg-type]
                    sentence=sentence,
                    date=date,
                    passed=passed,
                    found=found,
                    message=message,
                )
            )
    return results


def _failure_message(
    dictionary: CompiledDictionary,
    index: int,
    kind: str,
    sentence: str,
    date: dt.date,
    findings: Sequence[object],
    boundary: BoundaryChecker,
) -> str:
    entry = dictionary.entries[index]
    occurrences = entry_occurrences(dictionary, index, sentence, date, boundary)
    if kind == "right":
        spots = "、".join(f"“{o.match}”" for o in occurrences if not o.status) or f"“{entry.term}”"
        return (
            f"正确例句也报出了本词条（命中 {spots}）。请改写正确例句；若这种写法确属正常用语，"
            "请在 allow 列加入覆盖它的放行短语，或把 boundary 设为 yes"
        )
    if not occurrences:
        return (
            f"错误例句中找不到词条“{entry.term}”（已做繁简、全半角统一）。请在错误例句中写入该词条"
        )
    dropped = [o.status for o in occurrences if o.status]
    if len(dropped) == len(occurrences):
        return f"错误例句中的“{entry.term}”没有报出：{dropped[0]}。请改写错误例句，或检查放行短语、有效期和 boundary 设置"
    others = [f for f in findings if getattr(f, "entry", None) != entry.id]
    names = "、".join(f"{getattr(f, 'entry', '')}（“{getattr(f, 'match', '')}”）" for f in others[:3])
    return (
        f"错误例句中的“{entry.term}”被同一位置的词条 {names or '（未知）'} 覆盖（同一处只报一条：更长、更严重或先定义的优先）。"
        "请改写错误例句，或检查这两个词条是否重复"
    )


def run_stack_examples(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    all_layers: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
) -> ExampleReport:
    """``cuomin dict test``: the examples of the entries that the named layers add or change
    (every entry of the stack with ``all_layers``)."""
    chain = resolve_stack([Path(p) for p in paths] if paths else None)
    layers = selected_layers(paths, chain, all_layers)
    dictionary = load_dictionary(paths, cache_dir=cache_dir)
    indexes = entry_indexes(dictionary, layers)
    results = run_examples(dictionary, indexes, today=today, cache_dir=cache_dir)
    return ExampleReport(layers=layers, entries=len(indexes), results=tuple(results))
