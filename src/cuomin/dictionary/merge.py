"""Apply a chain of layers: add, override and retract entries, collect allow phrases."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DictionaryError
from .layers import LayerManifest
from .records import Action, Change, Entry, Record, read_allow_list, read_records

__all__ = ["Retraction", "MergedStack", "merge_layers"]


@dataclass(frozen=True, slots=True)
class Retraction:
    entry_id: str
    term: str
    layer: str
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class MergedStack:
    """The effective content of a stack of layers."""

    layers: tuple[LayerManifest, ...]
    entries: tuple[Entry, ...]
    allow: tuple[tuple[str, str], ...]  # (phrase, layer): cancels any hit it covers
    retractions: tuple[Retraction, ...]


def _apply_override(entry: Entry, rec: Record, layer: str) -> Entry:
    if rec.term is not None and rec.term != entry.term:
        raise DictionaryError(f"{rec.source}: 修改词条“{entry.id}”时不能更改 term，请撤销后新增")
    if entry.locked and rec.severity is not None and rec.severity.rank < entry.severity.rank:
        raise DictionaryError(
            f"{rec.source}: 词条“{entry.id}”已锁定（{entry.layer}），不能降低严重程度"
        )
    changes: dict[str, object] = {}
    for name in ("category", "severity", "suggestions", "explanation", "basis", "boundary",
                 "valid_from", "valid_until", "tags", "example_wrong", "example_right"):  # fmt: skip
        value = getattr(rec, name)
        if value is not None:
            changes[name] = value
    if rec.allow:
        changes["allow"] = entry.allow + tuple(a for a in rec.allow if a not in entry.allow)
    if rec.locked:
        changes["locked"] = True
    change = Change(layer=layer, action=Action.OVERRIDE, reason=rec.reason or "", source=rec.source)
    changes["changes"] = entry.changes + (change,)
    return dataclasses.replace(entry, **changes)  # type: ignore[arg-type]


def _new_entry(rec: Record, layer: str) -> Entry:
    assert rec.term and rec.category and rec.severity and rec.explanation
    return Entry(
        id=rec.id,
        term=rec.term,
        category=rec.category,
        severity=rec.severity,
        suggestions=rec.suggestions or (),
        explanation=rec.explanation,
        basis=rec.basis or "",
        allow=rec.allow or (),
        boundary=bool(rec.boundary),
        valid_from=rec.valid_from,
        valid_until=rec.valid_until,
        locked=bool(rec.locked),
        tags=rec.tags or (),
        example_wrong=rec.example_wrong or "",
        example_right=rec.example_right or "",
        layer=layer,
        source=rec.source,
    )


def merge_layers(
    chain: Sequence[LayerManifest], read: Callable[[Path], Iterable[Record]] = read_records
) -> MergedStack:
    """Read every layer's tables (with ``read``) and apply them top-down."""
    entries: dict[str, Entry] = {}
    allow: list[tuple[str, str]] = []
    retractions: list[Retraction] = []
    for manifest in chain:
        seen_here: dict[str, str] = {}
        for path in manifest.table_files():
            for rec in read(path):
                if rec.id in seen_here:
                    raise DictionaryError(
                        f"{rec.source}: 词条编号“{rec.id}”在本层重复（另见 {seen_here[rec.id]}）"
                    )
                seen_here[rec.id] = rec.source
                current = entries.get(rec.id)
                if rec.action is Action.ADD:
                    if current is not None:
                        raise DictionaryError(
                            f"{rec.source}: 词条编号“{rec.id}”已由上级层“{current.layer}”定义"
                            f"（{current.source}）；要修改它，请把 action 设为 override"
                        )
                    entries[rec.id] = _new_entry(rec, manifest.name)
                elif current is None:
                    verb = "修改" if rec.action is Action.OVERRIDE else "撤销"
                    raise DictionaryError(f"{rec.source}: 要{verb}的词条“{rec.id}”在上级层中不存在")
                elif rec.action is Action.OVERRIDE:
                    entries[rec.id] = _apply_override(current, rec, manifest.name)
                else:
                    if current.locked:
                        raise DictionaryError(
                            f"{rec.source}: 词条“{rec.id}”（{current.term}）由“{current.layer}”层锁定，"
                            "不能撤销；如确有误，请向上级词库管理单位反映"
                        )
                    del entries[rec.id]
                    retractions.append(
                        Retraction(rec.id, current.term, manifest.name, rec.reason or "", rec.source)
                    )
        allow_file = manifest.allow_file()
        if allow_file is not None:
            allow.extend((phrase, manifest.name) for phrase, _src in read_allow_list(allow_file))
    return MergedStack(
        layers=tuple(chain),
        entries=tuple(entries.values()),
        allow=tuple(allow),
        retractions=tuple(retractions),
    )
