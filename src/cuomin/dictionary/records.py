"""Dictionary entries and the CSV format they are written in (see docs/dictionaries.md)."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import DictionaryFormatError
from ..model import Category, Severity

__all__ = [
    "Action", "Change", "Entry", "EntryRow", "Record", "COLUMNS", "read_records", "read_allow_list",
    "decode_table_bytes", "entry_to_row", "entry_from_row", "header_columns", "record_from_cells",
    "read_records_lenient",
]  # fmt: skip

#: The columns of an entry table, in the order the bundled files use.
COLUMNS = (
    "id", "term", "category", "severity", "suggestions", "explanation", "basis", "allow",
    "boundary", "valid_from", "valid_until", "locked", "tags", "example_wrong",
    "example_right", "action", "reason",
)  # fmt: skip

# Chinese headers accepted for units that keep their own sheets.
_HEADER_ALIASES = {
    "编号": "id", "错误词": "term", "词条": "term", "错误写法": "term", "类别": "category",
    "严重程度": "severity", "级别": "severity", "建议": "suggestions", "建议写法": "suggestions",
    "正确写法": "suggestions", "说明": "explanation", "依据": "basis", "放行短语": "allow",
    "整词": "boundary", "起始日期": "valid_from", "截止日期": "valid_until", "锁定": "locked",
    "标签": "tags", "错误例句": "example_wrong", "正确例句": "example_right", "操作": "action",
    "理由": "reason", "备注": "note",
}  # fmt: skip
_TRUE = {"yes", "y", "true", "1", "是", "对", "√"}
_FALSE = {"no", "n", "false", "0", "否", "", "×"}
_LIST_SEP = "|"


class Action(str, enum.Enum):
    ADD = "add"
    OVERRIDE = "override"
    RETRACT = "retract"

    @classmethod
    def parse(cls, value: str) -> Action:
        key = value.strip().lower()
        aliases = {"": cls.ADD, "新增": cls.ADD, "修改": cls.OVERRIDE, "撤销": cls.RETRACT}
        if key in aliases:
            return aliases[key]
        for action in cls:
            if key == action.value:
                return action
        raise ValueError(f"未知的操作“{value}”，应为 add（新增）、override（修改）或 retract（撤销）")


@dataclass(frozen=True, slots=True)
class Change:
    """A lower layer's override of an inherited entry."""

    layer: str
    action: Action
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One effective dictionary entry, after inheritance."""

    id: str
    term: str
    category: Category
    severity: Severity
    suggestions: tuple[str, ...]
    explanation: str
    basis: str = ""
    allow: tuple[str, ...] = ()
    boundary: bool = False
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    locked: bool = False
    tags: tuple[str, ...] = ()
    example_wrong: str = ""
    example_right: str = ""
    layer: str = ""
    source: str = ""
    changes: tuple[Change, ...] = ()

    def full_explanation(self) -> str:
        """The explanation with its basis, as editors see it."""
        if self.basis:
            return f"{self.explanation}（依据：{self.basis}）"
        return self.explanation


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a layer's table, before inheritance is applied. Empty cells are None."""

    action: Action
    id: str
    source: str  # "path:line"
    term: str | None = None
    category: Category | None = None
    severity: Severity | None = None
    suggestions: tuple[str, ...] | None = None
    explanation: str | None = None
    basis: str | None = None
    allow: tuple[str, ...] | None = None
    boundary: bool | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    locked: bool | None = None
    tags: tuple[str, ...] | None = None
    example_wrong: str | None = None
    example_right: str | None = None
    reason: str | None = None


def decode_table_bytes(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030, as Excel and WPS save CSV files."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DictionaryFormatError(path, 1, "无法识别文件编码，请另存为“CSV UTF-8”格式")


def _parse_bool(value: str, column: str) -> bool:
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"“{column}”列应填 yes 或 no，而不是“{value}”")


def _parse_date(value: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"“{column}”列的日期“{value}”格式不对，应为 YYYY-MM-DD") from None


def _parse_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(_LIST_SEP) if item.strip())


def header_columns(header: list[str]) -> list[str]:
    """Canonical column names of a header row (Chinese aliases and case folded)."""
    return [_HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in header]


def read_records(path: Path, data: bytes | None = None) -> list[Record]:
    """Parse one CSV table of a layer. Raises DictionaryFormatError with path:line."""
    records, problems = read_records_lenient(path, data)
    if problems:
        raise problems[0]
    return records


def read_records_lenient(path: Path, data: bytes | None = None) -> tuple[list[Record], list[DictionaryFormatError]]:
    """Like :func:`read_records`, but collect every bad row instead of stopping at the first
    (for ``cuomin dict lint``). A file that cannot be decoded or has no usable header still
    raises."""
    text = decode_table_bytes(path.read_bytes() if data is None else data, path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], []
    columns = header_columns(header)
    if "term" not in columns and "id" not in columns:
        raise DictionaryFormatError(path, 1, "表头缺少 term（错误词）列，请对照 docs/dictionaries.md")
    records: list[Record] = []
    problems: list[DictionaryFormatError] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
            problems.append(DictionaryFormatError(
                path, line, f"本行有 {len(row)} 列，多于表头的 {len(columns)} 列（含逗号的内容要加英文双引号）"
            ))  # fmt: skip
            continue
        cells = {col: (row[i].strip() if i < len(row) else "") for i, col in enumerate(columns)}
        try:
            records.append(_record_from_cells(cells, f"{path}:{line}"))
        except ValueError as exc:
            problems.append(DictionaryFormatError(path, line, str(exc)))
    return records, problems


def record_from_cells(cells: dict[str, str], source: str) -> Record:
    """One row (canonical column → cell text) as a Record. Raises ValueError (in Chinese)."""
    return _record_from_cells(cells, source)


def _record_from_cells(cells: dict[str, str], source: str) -> Record:
    action = Action.parse(cells.get("action", ""))
    term = cells.get("term", "")
    entry_id = cells.get("id", "") or term
    if not entry_id:
        raise ValueError("缺少 id 和 term，至少要填一个")

    def opt(col: str) -> str | None:
        value = cells.get(col, "")
        return value if value else None

    category = opt("category")
    severity = opt("severity")
    boundary = opt("boundary")
    locked = opt("locked")
    valid_from = opt("valid_from")
    valid_until = opt("valid_until")
    suggestions = opt("suggestions")
    allow = opt("allow")
    tags = opt("tags")
    record = Record(
        action=action,
        id=entry_id,
        source=source,
        term=term or None,
        category=Category.parse(category) if category else None,
        severity=Severity.parse(severity) if severity else None,
        suggestions=_parse_list(suggestions) if suggestions else None,
        explanation=opt("explanation"),
        basis=opt("basis"),
        allow=_parse_list(allow) if allow else None,
        boundary=_parse_bool(boundary, "boundary") if boundary else None,
        valid_from=_parse_date(valid_from, "valid_from") if valid_from else None,
        valid_until=_parse_date(valid_until, "valid_until") if valid_until else None,
        locked=_parse_bool(locked, "locked") if locked else None,
        tags=_parse_list(tags) if tags else None,
        example_wrong=opt("example_wrong"),
        example_right=opt("example_right"),
        reason=opt("reason"),
    )
    if action is Action.ADD:
        missing = [c for c in ("term", "category", "severity", "explanation") if not cells.get(c)]
        if missing:
            raise ValueError(f"新增词条缺少必填列：{'、'.join(missing)}")
    if action is Action.RETRACT and not record.reason:
        raise ValueError(f"撤销词条“{entry_id}”必须在 reason 列写明理由")
    if record.valid_from and record.valid_until and record.valid_from > record.valid_until:
        raise ValueError("valid_from 晚于 valid_until")
    return record


def read_allow_list(path: Path) -> list[tuple[str, str]]:
    """``allow.txt``: one phrase a line, ``#`` starts a comment. Returns (phrase, source)."""
    text = decode_table_bytes(path.read_bytes(), path)
    out: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        phrase = line.split("#", 1)[0].strip()
        if phrase:
            out.append((phrase, f"{path}:{number}"))
    return out


# -- compact rows for the compiled cache (marshal-able: str, int, bool, None, tuples) --------

EntryRow = tuple[object, ...]


def entry_to_row(e: Entry) -> EntryRow:
    return (
        e.id, e.term, e.category.value, e.severity.value, e.suggestions, e.explanation, e.basis,
        e.allow, e.boundary,
        e.valid_from.toordinal() if e.valid_from else None,
        e.valid_until.toordinal() if e.valid_until else None,
        e.locked, e.tags, e.example_wrong, e.example_right, e.layer, e.source,
        tuple((c.layer, c.action.value, c.reason, c.source) for c in e.changes),
    )  # fmt: skip


def entry_from_row(row: EntryRow) -> Entry:
    (eid, term, category, severity, suggestions, explanation, basis, allow, boundary, vfrom,
     vuntil, locked, tags, wrong, right, layer, source, changes) = row  # fmt: skip
    return Entry(
        id=str(eid),
        term=str(term),
        category=Category(category),
        severity=Severity(severity),
        suggestions=tuple(suggestions),  # type: ignore[arg-type]
        explanation=str(explanation),
        basis=str(basis),
        allow=tuple(allow),  # type: ignore[arg-type]
        boundary=bool(boundary),
        valid_from=dt.date.fromordinal(vfrom) if vfrom else None,  # type: ignore[arg-type]
        valid_until=dt.date.fromordinal(vuntil) if vuntil else None,  # type: ignore[arg-type]
        locked=bool(locked),
        tags=tuple(tags),  # type: ignore[arg-type]
        example_wrong=str(wrong),
        example_right=str(right),
        layer=str(layer),
        source=str(source),
        changes=tuple(Change(c[0], Action(c[1]), c[2], c[3]) for c in changes),  # type: ignore[attr-defined]
    )
