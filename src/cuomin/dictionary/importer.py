"""``cuomin dict import``: turn the word lists that units receive into a layer table.

Lists arrive as plain text (one word a line), CSV or Excel sheets, with or without a header
row (Chinese or English headers, as in :mod:`.records`). Rows become ``add`` entries of
``DIR/imported.csv`` (created, or appended to); the layer's ``layer.toml`` is written when
missing. Bad rows are reported by line (or sheet and row) and skipped; words that the layer
or its upper layers already have are skipped with a message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ..errors import DictionaryError, InputError
from ..model import Category, Severity
from ..normalize import default_normalizer
from .layers import MANIFEST_NAME, Level, read_manifest, resolve_stack
from .merge import merge_layers
from .records import (
    COLUMNS,
    Action,
    decode_table_bytes,
    header_columns,
    read_records_lenient,
    record_from_cells,
)

__all__ = ["ImportIssue", "ImportReport", "import_words", "IMPORT_TABLE", "DEFAULT_SEVERITY"]

IMPORT_TABLE: Final = "imported.csv"
SUFFIXES: Final = (".txt", ".csv", ".xlsx")

#: The usual severity of each category (docs/dictionaries.md), used when none is given.
DEFAULT_SEVERITY: Final = {
    Category.LEADER: Severity.CRITICAL,
    Category.NAME: Severity.CRITICAL,
    Category.FORMULATION: Severity.CRITICAL,
    Category.SOVEREIGNTY: Severity.CRITICAL,
    Category.OUTDATED: Severity.ERROR,
    Category.TYPO: Severity.ERROR,
    Category.USAGE: Severity.WARNING,
    Category.SENSITIVE: Severity.CRITICAL,
    Category.SECRECY: Severity.CRITICAL,
}
_PAIR_SEPARATORS: Final = re.compile(r"\t|→|->|=>")
_NAME_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True)
class ImportIssue:
    where: str  # "第 3 行" or "工作表“Sheet1”第 5 行"
    term: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    output: Path  # the table written
    layer: str
    added: tuple[tuple[str, str], ...]  # (id, term)
    skipped: tuple[ImportIssue, ...]  # duplicates
    bad: tuple[ImportIssue, ...]  # rows that could not be imported
    notes: tuple[str, ...] = field(default=())  # created files, checks that could not run

    @property
    def ok(self) -> bool:
        return not self.bad


# -- reading the source ---------------------------------------------------------------------

Row = tuple[str, dict[str, str]]  # (where, canonical column → cell)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Headers seen in the lists that cities and counties hand out, beyond those of records.py.
_EXTRA_ALIASES: Final = {
    "敏感词": "term", "错敏词": "term", "关键词": "term", "词语": "term", "错误表述": "term",
    "错误词语": "term", "错误": "term", "正确": "suggestions", "正确表述": "suggestions",
    "修改建议": "suggestions", "建议修改为": "suggestions", "应为": "suggestions", "类型": "category",
    "等级": "severity", "序号": "seq",
}  # fmt: skip


def _import_columns(header: list[str]) -> list[str]:
    canonical = header_columns(header)
    return [_EXTRA_ALIASES.get(raw.strip(), col) for raw, col in zip(header, canonical)]


def _table_rows(rows: Iterator[tuple[int, list[str]]], where: str) -> Iterator[Row]:
    """Rows of a table; the first non-empty row is a header if it names a term column."""
    columns: list[str] | None = None
    headerless = False
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if columns is None:
            columns = _import_columns(cells)
            if "term" in columns:
                continue
            headerless = True  # a bare list: the word, then its corrections
        if headerless:
            values = [c.strip() for c in cells if c.strip()]
            data = {"term": values[0], "suggestions": "|".join(values[1:])}
        else:
            data = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(columns)}
            extra = [c for c in cells[len(columns) :] if c.strip()]
            if extra:
                data["__extra__"] = "、".join(extra)
        yield where.format(number), data


def _read_txt(path: Path) -> Iterator[Row]:
    text = decode_table_bytes(path.read_bytes(), path)
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in _PAIR_SEPARATORS.split(line, maxsplit=1)]
        data = {"term": parts[0]}
        if len(parts) > 1 and parts[1]:
            data["suggestions"] = parts[1]
        yield f"第 {number} 行", data


def _read_csv(path: Path) -> Iterator[Row]:
    text = decode_table_bytes(path.read_bytes(), path)
    reader = csv.reader(io.StringIO(text, newline=""))

    def numbered() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            yield reader.line_num, cells

    yield from _table_rows(numbered(), "第 {} 行")


def _read_xlsx(path: Path) -> Iterator[Row]:
    import openpyxl  # heavy: only here
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"{path}: 无法读取 Excel 文件（{exc}）；请确认是 .xlsx 格式（.xls 请先另存为 .xlsx）") from None
    try:
        for sheet in book.worksheets:

            def numbered(ws: object = sheet) -> Iterator[tuple[int, list[str]]]:
                for number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):  # type: ignore[attr-defined]
                    yield number, [_cell(v) for v in values]

            title = sheet.title.replace("{", "{{").replace("}", "}}")
            yield from _table_rows(numbered(), f"工作表“{title}”第 {{}} 行")
    finally:
        book.close()


def _read_source(path: Path) -> Iterator[Row]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"文件不存在：{path}")
    if suffix == ".txt":
        return _read_txt(path)
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".xls":
        raise InputError(f"{path}: 不支持旧版 .xls 文件，请在 Excel/WPS 中另存为 .xlsx 后再导入")
    raise InputError(f"{path}: 只能导入 .txt（一行一个词）、.csv 或 .xlsx 文件")


# -- the layer ---------------------------------------------------------------------------------


def _ensure_layer(out: Path, name: str | None, level: str | None, parent: str | None) -> tuple[str, list[str]]:
    """The layer's name; writes ``layer.toml`` when missing. Returns (name, notes)."""
    manifest = out / MANIFEST_NAME
    if manifest.is_file():
        layer = read_manifest(out)
        notes = []
        if (name and name != layer.name) or (level and level != layer.level.value) or (
            parent and parent != layer.parent
        ):
            notes.append(f"{manifest} 已存在，--layer-name/--level/--parent 未使用")
        return layer.name, notes
    layer_name = name or out.resolve().name
    if not _NAME_RE.match(layer_name):
        raise DictionaryError(
            f"层名“{layer_name}”只能用字母、数字、-、_：请用 --layer-name 指定（如 --layer-name my-unit）"
        )
    try:
        layer_level = Level((level or "unit").strip())
    except ValueError:
        raise DictionaryError(f"--level 应为 province、city、county 或 unit，而不是“{level}”") from None
    if layer_level is Level.NATIONAL:
        raise DictionaryError("导入的词只能建在下级层（province、city、county 或 unit），不能新建国家层")
    created_dir = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    parent_ref = parent or "national"
    manifest.write_text(
        f'name = "{layer_name}"\nlevel = "{layer_level.value}"\nparent = "{parent_ref}"\n'
        f'version = "{dt.date.today():%Y.%m.%d}"\nauthority = ""\n'
        f'description = "由 cuomin dict import 创建"\n',
        encoding="utf-8",
    )
    try:
        resolve_stack([out])
    except DictionaryError:
        manifest.unlink()
        if created_dir:
            out.rmdir()
        raise
    return layer_name, [f"已创建 {manifest}（层名 {layer_name}，层级 {layer_level.value}，上级层 {parent_ref}）"]


def _known_terms(out: Path, notes: list[str]) -> tuple[dict[str, str], set[str]]:
    """Normalised terms the layer and its upper layers have (→ where), and the ids in use."""
    normalizer = default_normalizer()
    known: dict[str, str] = {}
    ids: set[str] = set()
    chain = resolve_stack([out])
    try:
        merged = merge_layers(chain[:-1])
    except DictionaryError as exc:
        notes.append(f"上级层无法读取，未检查与上级层重复的词：{exc}")
    else:
        for e in merged.entries:
            known.setdefault(normalizer.normalize_term(e.term), f"上级层“{e.layer}”的词条“{e.id}”")
            ids.add(e.id)
    for table in chain[-1].table_files():
        try:
            records, _bad = read_records_lenient(table)
        except DictionaryError as exc:
            notes.append(f"{table} 无法读取，未检查与它重复的词：{exc}")
            continue
        for rec in records:
            ids.add(rec.id)
            if rec.action is Action.ADD and rec.term:
                known.setdefault(normalizer.normalize_term(rec.term), f"本层 {rec.source}")
    return known, ids


def _explanation(term: str, category: Category, suggestions: str, source: str) -> str:
    first = suggestions.split("|")[0].strip() if suggestions else ""
    if first:
        return f"“{term}”是错误写法，应为“{first}”。（导入自 {source}，请补充依据）"
    if category is Category.SENSITIVE:
        return f"“{term}”属敏感内容，政府网站不得出现，请删除或改写。（导入自 {source}）"
    if category is Category.SECRECY:
        return f"“{term}”是涉密或内部标识，不得公开发布。（导入自 {source}）"
    return f"“{term}”列入导入的错敏词清单（{source}），请核实后修改。"


def import_words(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    category: str | None = None,
    severity: str | None = None,
    layer_name: str | None = None,
    level: str | None = None,
    parent: str | None = None,
) -> ImportReport:
    """Import a word list into ``out_dir/imported.csv``; see the module docstring."""
    path = Path(source)
    out = Path(out_dir)
    try:
        default_category = Category.parse(category) if category else None
        default_severity = Severity.parse(severity) if severity else None
    except ValueError as exc:
        raise DictionaryError(str(exc)) from None
    rows = list(_read_source(path))  # read everything before writing anything
    layer, notes = _ensure_layer(out, layer_name, level, parent)
    known, ids = _known_terms(out, notes)
    normalizer = default_normalizer()
    added: list[dict[str, str]] = []
    skipped: list[ImportIssue] = []
    bad: list[ImportIssue] = []
    for where, cells in rows:
        term = cells.get("term", "").strip()
        if "__extra__" in cells:
            bad.append(ImportIssue(where, term, f"本行多出表头以外的内容：{cells['__extra__']}"))
            continue
        if not term:
            bad.append(ImportIssue(where, "", "缺少错误词（term）"))
            continue
        key = normalizer.normalize_term(term)
        if not key:
            bad.append(ImportIssue(where, term, "错误词规范化后为空（只有空白或标点）"))
            continue
        if cells.get("action", "").strip() not in ("", "add", "新增"):
            bad.append(ImportIssue(where, term, "导入只能新增词条；修改、撤销上级词条请直接编辑层的 CSV 表"))
            continue
        row = dict(cells)
        try:
            cat = Category.parse(row["category"]) if row.get("category") else default_category
        except ValueError as exc:
            bad.append(ImportIssue(where, term, str(exc)))
            continue
        if cat is None:
            bad.append(ImportIssue(where, term, "缺少类别：请在表中填写类别（category）列，或用 --category 指定默认类别"))
            continue
        row["category"] = cat.value
        if not row.get("severity"):
            row["severity"] = (default_severity or DEFAULT_SEVERITY.get(cat, Severity.ERROR)).value
        row.setdefault("suggestions", "")
        if not row.get("explanation"):
            row["explanation"] = _explanation(term, cat, row["suggestions"], path.name)
        if not row.get("basis"):
            row["basis"] = f"导入自 {path.name}"
        row["id"] = row.get("id") or f"{layer}-{term}"
        row["action"] = ""
        try:
            record = record_from_cells(row, where)
        except ValueError as exc:
            bad.append(ImportIssue(where, term, str(exc)))
            continue
        wrong_allow = [a for a in record.allow or () if key not in normalizer.normalize_term(a)]
        if wrong_allow:
            bad.append(ImportIssue(where, term, f"放行短语“{wrong_allow[0]}”不包含错误词“{term}”"))
            continue
        if key in known:
            skipped.append(ImportIssue(where, term, f"已有同一个词：{known[key]}，跳过"))
            continue
        if record.id in ids:
            skipped.append(ImportIssue(where, term, f"编号“{record.id}”已被使用，跳过"))
            continue
        known[key] = f"导入文件{where}"
        ids.add(record.id)
        added.append({c: row.get(c, "") for c in COLUMNS})
    table = out / IMPORT_TABLE
    if added:
        notes.extend(_write_rows(table, added))
    return ImportReport(
        output=table,
        layer=layer,
        added=tuple((r["id"], r["term"]) for r in added),
        skipped=tuple(skipped),
        bad=tuple(bad),
        notes=tuple(notes),
    )


def _write_rows(table: Path, rows: list[dict[str, str]]) -> list[str]:
    """Append rows to ``table`` (created with the standard header), atomically."""
    notes: list[str] = []
    if table.is_file():
        data = table.read_bytes()
        text = decode_table_bytes(data, table)
        bom = data.startswith(b"\xef\xbb\xbf")
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            bom = True
            notes.append(f"{table} 原为 GB18030/GBK 编码，已转换为 UTF-8（带 BOM，Excel 可直接打开）")
        header = next(csv.reader(io.StringIO(text, newline="")), [])
        columns = header_columns(header)
        needed = {c for row in rows for c, v in row.items() if v and c not in ("id", "basis")}
        missing = sorted(needed - set(columns))
        if missing:
            raise DictionaryError(f"{table} 的表头缺少 {'、'.join(missing)} 列，无法追加；请补上这些列，或导入到另一个目录")
        if text and not text.endswith(("\n", "\r")):
            text += "\r\n"
    else:
        bom, text, columns = True, "", list(COLUMNS)
        header = list(COLUMNS)
        notes.append(f"已创建 {table}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if not text:
        writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    content = (text + buf.getvalue()).encode("utf-8-sig" if bom else "utf-8")
    fd, tmp = tempfile.mkstemp(prefix=".import-", dir=table.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, table)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return notes
