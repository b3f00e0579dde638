"""``cuomin dict lint``: find what is wrong or risky in dictionary layers, and say what to do.

The layers are read row by row (a bad row does not hide the next one) and inheritance is
replayed top-down as :func:`~cuomin.dictionary.merge.merge_layers` does, so that every
problem that would stop loading is reported at once. Then, when the stack loads, the
examples of the linted entries are run and every term is looked up in jieba's word list.
Only problems of the linted layers are reported (the layers named on the command line, the
national layer when none is named, or every layer with ``all_layers``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ..errors import DictionaryError, DictionaryFormatError
from ..model import Category
from ..normalize import Normalizer, default_normalizer
from .collisions import (
    DEFAULT_MIN_FREQ,
    find_collisions,
    find_straddles,
    jieba_word_list,
)
from .compiled import load_dictionary
from .examples import entry_indexes, run_examples, selected_layers
from .layers import LayerManifest, resolve_stack
from .merge import _apply_override, _new_entry
from .records import Action, Entry, Record, read_allow_list, read_records_lenient

__all__ = ["LintLevel", "Problem", "LintReport", "lint_stack", "COMMON_TERM_FREQ", "STRADDLE_FREQ"]

#: A term that is itself a word at least this frequent in jieba's list is suspicious.
COMMON_TERM_FREQ: Final = 1000
#: Both words of a cross-word collision (平台|独立 → 台独) must be at least this frequent.
STRADDLE_FREQ: Final = 1000
_MAX_WORDS_SHOWN: Final = 5


class LintLevel(str, enum.Enum):
    ERROR = "error"  # the stack does not load, or an entry does not work: exit 1
    WARNING = "warning"  # risky or incomplete: false alarms, missing examples

    @property
    def label(self) -> str:
        return "错误" if self is LintLevel.ERROR else "提醒"


@dataclass(frozen=True, slots=True)
class Problem:
    level: LintLevel
    code: str  # kebab-case kind, e.g. "duplicate-term"
    source: str  # "path:line" (or a path)
    message: str  # what is wrong (Chinese)
    advice: str  # what to do (Chinese)
    entry: str = ""
    layer: str = ""


@dataclass(frozen=True, slots=True)
class LintReport:
    layers: tuple[str, ...]  # the linted layers
    entries: int  # entries added or changed by them
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is LintLevel.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level is LintLevel.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors


_LINE_RE = re.compile(r"^(.*):(\d+)$")


def _sort_key(p: Problem) -> tuple[str, int, str]:
    m = _LINE_RE.match(p.source)
    return (m.group(1), int(m.group(2)), p.code) if m else (p.source, 0, p.code)


@dataclass
class _Replay:
    """Inheritance replayed top-down, collecting problems instead of raising."""

    targets: frozenset[str]
    normalizer: Normalizer
    problems: list[Problem] = dataclasses.field(default_factory=list)
    entries: dict[str, Entry] = dataclasses.field(default_factory=dict)
    by_term: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # norm term → ids
    layer_allow: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # phrase, norm, source
    broken: bool = False  # something that stops the stack from loading

    def report(self, layer: str, level: LintLevel, code: str, source: str, message: str, advice: str,
               entry: str = "") -> None:  # fmt: skip
        if level is LintLevel.ERROR and code in _FATAL:
            self.broken = True
        if layer in self.targets:
            self.problems.append(Problem(level, code, source, message, advice, entry, layer))

    def norm(self, text: str) -> str:
        return self.normalizer.normalize_term(text)

    # -- one layer ----------------------------------------------------------------------
    def layer(self, manifest: LayerManifest) -> None:
        name = manifest.name
        seen_here: dict[str, str] = {}
        for path in manifest.table_files():
            try:
                records, bad = read_records_lenient(path)
            except DictionaryFormatError as exc:
                self.report(name, LintLevel.ERROR, "format", f"{exc.path}:{exc.line}", exc.detail,
                            "整张表无法读取：请另存为“CSV UTF-8”，并对照 docs/dictionaries.md 检查表头")  # fmt: skip
                continue
            for row_error in bad:
                self.report(name, LintLevel.ERROR, "format", f"{row_error.path}:{row_error.line}", row_error.detail,
                            "按提示改正本行（格式见 docs/dictionaries.md）")  # fmt: skip
            for rec in records:
                if rec.id in seen_here:
                    self.report(name, LintLevel.ERROR, "duplicate-id", rec.source,
                                f"词条编号“{rec.id}”在本层重复（另见 {seen_here[rec.id]}）",
                                "删除重复的一行，或给其中一条换一个编号", rec.id)  # fmt: skip
                    continue
                seen_here[rec.id] = rec.source
                if rec.action is Action.ADD:
                    self.add(name, rec)
                elif rec.action is Action.OVERRIDE:
                    self.override(name, rec)
                else:
                    self.retract(name, rec)
        allow_file = manifest.allow_file()
        if allow_file is not None:
            for phrase, source in read_allow_list(allow_file):
                key = self.norm(phrase)
                if not key:
                    self.report(name, LintLevel.ERROR, "allow-empty", source, f"通用放行短语“{phrase}”规范化后为空",
                                "删除这一行")  # fmt: skip
                    continue
                self.layer_allow.append((phrase, key, source))
                for eid in self.by_term.get(key, ()):
                    self.report(name, LintLevel.WARNING, "allow-whole-term", source,
                                f"通用放行短语“{phrase}”与词条“{eid}”的词相同，等于让该词条永远不报",
                                f"如确实不需要该词条，请用 action = retract 撤销“{eid}”并写明理由；"
                                "否则把放行短语写长一些，只覆盖正常用法", eid)  # fmt: skip

    def _check_allow(self, layer: str, rec: Record, term: str) -> bool:
        ok = True
        key = self.norm(term)
        for phrase in rec.allow or ():
            akey = self.norm(phrase)
            if key not in akey:
                self.report(layer, LintLevel.ERROR, "allow-without-term", rec.source,
                            f"放行短语“{phrase}”不包含词条“{term}”，不会起作用（加载词库时报错）",
                            f"放行短语必须包含“{term}”本身，例如“{term}”前后加上正常用语里的字", rec.id)  # fmt: skip
                ok = False
            elif akey == key:
                self.report(layer, LintLevel.ERROR, "allow-is-term", rec.source,
                            f"放行短语“{phrase}”就是词条本身，该词条将永远不报",
                            "如不需要该词条请撤销（retract）；否则把放行短语写成包含该词的较长正常用语", rec.id)  # fmt: skip
        return ok

    def add(self, layer: str, rec: Record) -> None:
        current = self.entries.get(rec.id)
        if current is not None:
            self.report(layer, LintLevel.ERROR, "id-taken", rec.source,
                        f"词条编号“{rec.id}”已由上级层“{current.layer}”定义（{current.source}）",
                        "要修改上级词条，请把 action 设为 override；要新增，请换一个编号", rec.id)  # fmt: skip
            return
        assert rec.term is not None
        key = self.norm(rec.term)
        if not key:
            self.report(layer, LintLevel.ERROR, "term-empty", rec.source,
                        f"词条“{rec.term}”规范化后为空（只有空白或分隔符）", "填写实际的错误写法", rec.id)  # fmt: skip
            return
        if not self._check_allow(layer, rec, rec.term):
            self.broken = True
        for suggestion in rec.suggestions or ():
            if self.norm(suggestion) == key:
                self.report(layer, LintLevel.ERROR, "suggestion-is-term", rec.source,
                            f"建议写法“{suggestion}”与错误写法相同", "改正建议写法", rec.id)  # fmt: skip
        entry = _new_entry(rec, layer)
        for other_id in self.by_term.get(key, ()):
            other = self.entries[other_id]
            if other.layer == layer:
                if _windows_disjoint(entry, other):
                    continue
                self.report(layer, LintLevel.ERROR, "duplicate-term", rec.source,
                            f"词“{rec.term}”在本层已有词条“{other_id}”（{other.source}），同一处只会报出其中一条",
                            "合并为一条（放行短语、建议写法合在一起）；若两条的有效期不同，请让有效期不重叠",
                            rec.id)  # fmt: skip
            else:
                self.report(layer, LintLevel.ERROR, "redefines-upper", rec.source,
                            f"词“{rec.term}”已由上级层“{other.layer}”的词条“{other_id}”定义（{other.source}），"
                            "下级层重新新增会与它冲突",
                            f"删除本行；要修改上级词条，请写 action = override、id = {other_id}，只填要改的列并写明理由",
                            rec.id)  # fmt: skip
        if not rec.example_wrong:
            self.report(layer, LintLevel.WARNING, "missing-example", rec.source,
                        f"词条“{rec.id}”没有错误例句（example_wrong）",
                        "补一句应当报出本词条的真实句子，`cuomin dict test` 会检查它", rec.id)  # fmt: skip
        if not rec.example_right:
            self.report(layer, LintLevel.WARNING, "missing-example", rec.source,
                        f"词条“{rec.id}”没有正确例句（example_right）",
                        "补一句不应报出的句子：正确写法，或最容易误报的正常用语", rec.id)  # fmt: skip
        self.entries[rec.id] = entry
        self.by_term.setdefault(key, []).append(rec.id)

    def override(self, layer: str, rec: Record) -> None:
        current = self.entries.get(rec.id)
        if current is None:
            self.report(layer, LintLevel.ERROR, "unknown-id", rec.source,
                        f"要修改的词条“{rec.id}”在上级层中不存在", _UNKNOWN_ADVICE, rec.id)  # fmt: skip
            return
        self._check_allow(layer, rec, current.term)
        try:
            changed = _apply_override(current, rec, layer)
        except DictionaryError as exc:
            message = str(exc).split(": ", 1)[-1]
            self.report(layer, LintLevel.ERROR, "bad-override", rec.source, message,
                        "按提示修改本行；锁定词条只能加放行短语或提高严重程度", rec.id)  # fmt: skip
            return
        if not rec.reason:
            self.report(layer, LintLevel.WARNING, "missing-reason", rec.source,
                        f"修改词条“{rec.id}”没有写理由（reason）", "在 reason 列写明为什么修改，便于审核和追溯",
                        rec.id)  # fmt: skip
        if dataclasses.replace(changed, changes=current.changes) == current:
            self.report(layer, LintLevel.WARNING, "override-noop", rec.source,
                        f"修改词条“{rec.id}”的这一行没有改变任何内容（所填的值与上级层相同）",
                        "删除这一行，或填写真正要改的列（severity、suggestions、allow 等）", rec.id)  # fmt: skip
        self.entries[rec.id] = changed

    def retract(self, layer: str, rec: Record) -> None:
        current = self.entries.get(rec.id)
        if current is None:
            self.report(layer, LintLevel.ERROR, "unknown-id", rec.source,
                        f"要撤销的词条“{rec.id}”在上级层中不存在", _UNKNOWN_ADVICE, rec.id)  # fmt: skip
            return
        if current.locked:
            self.report(layer, LintLevel.ERROR, "retract-locked", rec.source,
                        f"词条“{rec.id}”（{current.term}）由“{current.layer}”层锁定，不能撤销",
                        "删除这一行；确需放行某种正常用法，请用 override 加放行短语，"
                        "或向上级词库管理单位反映", rec.id)  # fmt: skip
            return
        del self.entries[rec.id]
        key = self.norm(current.term)
        self.by_term[key] = [i for i in self.by_term.get(key, ()) if i != rec.id]


_FATAL: Final = frozenset(
    {"format", "duplicate-id", "id-taken", "term-empty", "allow-without-term", "unknown-id", "bad-override",
     "retract-locked"}
)  # fmt: skip
_UNKNOWN_ADVICE: Final = "核对编号（id 列）：应与上级层词条的编号完全一致；用 `cuomin dict explain 词` 查看编号"


def _windows_disjoint(a: Entry, b: Entry) -> bool:
    """Two entries whose terms are errors on disjoint sets of dates (dated leader titles)."""
    if not (a.valid_from or a.valid_until) or not (b.valid_from or b.valid_until):
        return False
    lo, hi = dt.date.min, dt.date.max
    # flagged periods are the complements of the valid windows; they overlap unless the
    # two windows together cover every date.
    a_from, a_until = a.valid_from or lo, a.valid_until or hi
    b_from, b_until = b.valid_from or lo, b.valid_until or hi
    first, second = sorted([(a_from, a_until), (b_from, b_until)])
    return first[0] == lo and second[1] == hi and second[0] <= first[1] + dt.timedelta(days=1)


def lint_stack(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    all_layers: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
    examples: bool = True,
    collisions: bool = True,
    min_word_freq: int = DEFAULT_MIN_FREQ,
    word_list: str | None = None,
    today: dt.date | None = None,
) -> LintReport:
    """Lint the named layers (see the module docstring). Raises DictionaryError only when
    the chain itself cannot be resolved (missing folder, bad ``layer.toml``)."""
    chain = resolve_stack([Path(p) for p in paths] if paths else None)
    targets = selected_layers(paths, chain, all_layers)
    replay = _Replay(frozenset(targets), default_normalizer())
    for manifest in chain:
        replay.layer(manifest)
    mine = [e for e in replay.entries.values() if e.layer in targets or any(c.layer in targets for c in e.changes)]
    if examples and not replay.broken:
        _lint_examples(replay, paths, cache_dir, today)
    elif examples:
        replay.report(targets[-1], LintLevel.WARNING, "examples-skipped", str(chain[-1].path),
                      "词库有上面列出的错误，无法加载，例句没有运行", "先改正这些错误，再运行 lint 或 `cuomin dict test`")  # fmt: skip
    if collisions:
        _lint_collisions(replay, mine, min_word_freq, word_list)
    problems = sorted(replay.problems, key=_sort_key)
    return LintReport(layers=targets, entries=len(mine), problems=tuple(problems))


def _lint_examples(
    replay: _Replay,
    paths: Sequence[str | os.PathLike[str]] | None,
    cache_dir: str | os.PathLike[str] | None,
    today: dt.date | None,
) -> None:
    try:
        dictionary = load_dictionary(paths, cache_dir=cache_dir)
    except DictionaryError as exc:
        layer = next(iter(replay.targets))
        replay.report(layer, LintLevel.ERROR, "load", "", f"词库无法加载：{exc}", "按提示改正后重新检查")
        return
    indexes = entry_indexes(dictionary, replay.targets)
    for result in run_examples(dictionary, indexes, today=today, cache_dir=cache_dir):
        if result.passed:
            continue
        what = "错误例句" if result.kind == "wrong" else "正确例句"
        entry = dictionary.entry(result.entry)
        layer, source = _owner(entry, replay.targets) if entry is not None else (result.layer, result.source)
        replay.report(layer, LintLevel.ERROR, "example-fails", source,
                      f"词条“{result.entry}”的{what}“{result.sentence}”未通过（文档日期 {result.date}）：{result.message}",
                      "改正例句或词条后运行 `cuomin dict test` 确认", result.entry)  # fmt: skip


def _owner(entry: Entry, targets: frozenset[str]) -> tuple[str, str]:
    """The linted layer responsible for an entry, and the row to point at."""
    if entry.layer in targets:
        return entry.layer, entry.source
    for change in reversed(entry.changes):
        if change.layer in targets:
            return change.layer, change.source
    return entry.layer, entry.source


def _lint_collisions(replay: _Replay, entries: list[Entry], min_freq: int, word_list: str | None) -> None:
    words = jieba_word_list(min_freq, word_list)
    if not words.words:
        return
    norm = replay.norm
    layer_allow = [key for _, key, _ in replay.layer_allow]
    candidates: dict[str, list[Entry]] = {}
    for e in entries:
        if not e.boundary:
            candidates.setdefault(norm(e.term), []).append(e)
    inside = find_collisions(candidates, words)
    straddles = find_straddles(candidates, words, STRADDLE_FREQ)

    def covered_by(e: Entry) -> Callable[[str], bool]:
        phrases = [norm(a) for a in e.allow] + layer_allow
        return lambda word: any(a in word or word in a for a in phrases)

    for key, group in candidates.items():
        for e in group:
            owner, source = _owner(e, replay.targets)
            covered = covered_by(e)
            freq = words.frequency(key)
            if freq >= COMMON_TERM_FREQ and e.category is not Category.USAGE:
                replay.report(owner, LintLevel.WARNING, "common-word", source,
                              f"“{e.term}”本身是常用词（jieba 词频 {freq}），正常文稿中会大量出现",
                              "确认它在任何语境下都是错误；如只在部分语境下有问题，请改为 usage 类 warning，"
                              "或改用更长、更具体的词组", e.id)  # fmt: skip
            hit = inside.get(key)
            if hit is not None:
                loose = [w for w in hit.words if not covered(w)]
                if loose:
                    shown = "、".join(f"“{w}”" for w in loose[:_MAX_WORDS_SHOWN])
                    more = f"等 {len(loose)} 个" if len(loose) > _MAX_WORDS_SHOWN else ""
                    replay.report(owner, LintLevel.WARNING, "inside-word", source,
                                  f"“{e.term}”出现在常用词{shown}{more}中，这些词里的“{e.term}”会被误报",
                                  f"把这些词加入 allow 列作放行短语（如 {'|'.join(loose[:3])}），"
                                  "或把 boundary 设为 yes（用分词确认是完整的词）", e.id)  # fmt: skip
            span = straddles.get(key)
            if span is not None and not covered(span.left + span.right):
                replay.report(owner, LintLevel.WARNING, "across-words", source,
                              f"“{e.term}”可能由两个常用词拼出：“{span.left}”+“{span.right}”"
                              f"（“{span.left}{span.right}”）",
                              f"把 boundary 设为 yes，或加放行短语“{span.left}{span.right}”", e.id)  # fmt: skip
