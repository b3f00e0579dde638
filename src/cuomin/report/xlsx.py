"""``--format xlsx``: an Excel workbook in the shape of an inspection 通报 (binary).

Sheets: ``问题清单`` (one row per finding: 单位或网站, 栏目, 标题, 网址, 文件, 位置, 类别,
错误内容, 修改建议, 严重程度, 整改状态 with a 未整改/已整改 drop-down, 说明, 上下文 …),
``按单位汇总`` (findings per unit, as 通报 list them) and, when some inputs could not be
read, ``无法检查``. Rows are streamed to disk (openpyxl write-only mode), so a large scan
does not sit in memory; the workbook is written to the output when the run ends.

The output must be binary: ``--output 报告.xlsx`` or standard output redirected to a file.
Cell text is always stored as text (a match starting with ``=`` never becomes a formula).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Final, TextIO

from ..errors import ConfigError
from ..model import DocumentMeta, Finding, Severity

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

__all__ = ["XlsxReporter", "FINDING_COLUMNS", "binary_stream"]

#: (header, width) of the 问题清单 sheet.
FINDING_COLUMNS: Final = (
    ("序号", 7),
    ("单位或网站", 18),
    ("栏目", 12),
    ("标题", 30),
    ("网址", 30),
    ("文件", 28),
    ("位置", 22),
    ("类别", 14),
    ("错误内容", 18),
    ("修改建议", 18),
    ("严重程度", 9),
    ("整改状态", 10),
    ("说明", 48),
    ("上下文", 48),
    ("规则代码", 9),
    ("词库层", 10),
    ("词条编号", 20),
)
_UNIT_COLUMNS: Final = (
    ("单位或网站", 24),
    ("检查文件数", 11),
    ("有问题的文件数", 14),
    ("错敏信息数", 11),
    ("严重", 8),
    ("错误", 8),
    ("提醒", 8),
    ("整改状态", 10),
)
_STATUS_COLUMN: Final = "L"
_NO_UNIT: Final = "（未注明单位）"
_SEVERITY_COLOR: Final = {Severity.CRITICAL: "C62828", Severity.ERROR: "B85C00", Severity.WARNING: "1565C0"}


def binary_stream(out: TextIO, fmt: str) -> IO[bytes]:
    """The byte stream under a text stream, refusing terminals."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        raise ConfigError(f"{fmt} 是二进制格式，需要写入文件：请用 --output 报告.{fmt}")
    try:
        tty = out.isatty()
    except (AttributeError, ValueError):
        tty = False
    if tty:
        raise ConfigError(f"{fmt} 是二进制格式，不能输出到终端：请用 --output 报告.{fmt}，或重定向到文件")
    return buffer  # type: ignore[no-any-return]




@dataclass
class _Unit:
    files: int = 0
    files_with_findings: int = 0
    severities: Counter[Severity] = field(default_factory=Counter)


class XlsxReporter:
    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        # openpyxl is imported here, not with cuomin.report: it takes a while to import.
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font, PatternFill

        self._text = out
        self._out = binary_stream(out, "xlsx")
        self._new_cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._header_font = Font(bold=True, color="FFFFFF")
        self._header_fill = PatternFill("solid", fgColor="A31F1F")
        self._severity_font = {sev: Font(bold=sev is Severity.CRITICAL, color=c) for sev, c in _SEVERITY_COLOR.items()}
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._wb = Workbook(write_only=True)
        self._findings = self._sheet("问题清单", FINDING_COLUMNS)
        self._errors: list[tuple[str, str]] = []
        self._units: dict[str, _Unit] = {}
        self._rows = 0

    def _sheet(self, title: str, columns: tuple[tuple[str, int], ...]) -> Any:
        from openpyxl.utils import get_column_letter

        ws = self._wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for i, (_, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        header = []
        for name, _ in columns:
            cell = self._new_cell(ws, value=name)
            cell.font = self._header_font
            cell.fill = self._header_fill
            header.append(cell)
        ws.append(header)
        return ws

    def _cell(self, ws: Any, value: Any, *, font: Font | None = None, wrap: bool = False) -> WriteOnlyCell:
        if isinstance(value, str):
            value = self._illegal.sub("", value)
        cell = self._new_cell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula
        if font is not None:
            cell.font = font
        if wrap:
            cell.alignment = self._wrap
        return cell

    def begin(self) -> None:
        pass

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        meta = meta or DocumentMeta()
        unit = self._units.setdefault(meta.unit or _NO_UNIT, _Unit())
        unit.files += 1
        if error is not None:
            self._errors.append((path, error))
        ws = self._findings
        kept: list[Finding] = []
        for f in findings:
            kept.append(f)
            unit.severities[f.severity] += 1
            self._rows += 1
            where = f.location.describe() if f.location is not None else "正文"
            where += f" 第{f.line}行第{f.column}列" if f.location is None or f.location.paragraph is None else ""
            ws.append(
                [
                    self._cell(ws, self._rows),
                    self._cell(ws, meta.unit or ""),
                    self._cell(ws, meta.column or ""),
                    self._cell(ws, meta.title or ""),
                    self._cell(ws, meta.url or ""),
                    self._cell(ws, path),
                    self._cell(ws, where),
                    self._cell(ws, f.category.label),
                    self._cell(ws, f.match, font=self._severity_font[f.severity]),
                    self._cell(ws, "、".join(f.suggestions)),
                    self._cell(ws, f.severity.label, font=self._severity_font[f.severity]),
                    self._cell(ws, "未整改"),
                    self._cell(ws, f.explanation, wrap=True),
                    self._cell(ws, f.context, wrap=True),
                    self._cell(ws, f.code),
                    self._cell(ws, f.layer),
                    self._cell(ws, f.entry),
                ]
            )
        if kept:
            unit.files_with_findings += 1
        return kept

    def end(self) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        ws = self._findings
        last = get_column_letter(len(FINDING_COLUMNS))
        ws.auto_filter.ref = f"A1:{last}{self._rows + 1}"
        status = DataValidation(type="list", formula1='"未整改,已整改"', allow_blank=True)
        status.error = "请选择“未整改”或“已整改”"
        ws.data_validations.append(status)
        status.add(f"{_STATUS_COLUMN}2:{_STATUS_COLUMN}{max(self._rows + 1, 2)}")

        units = self._sheet("按单位汇总", _UNIT_COLUMNS)
        for name, u in sorted(self._units.items()):
            total = sum(u.severities.values())
            units.append(
                [
                    self._cell(units, name),
                    u.files,
                    u.files_with_findings,
                    total,
                    u.severities[Severity.CRITICAL],
                    u.severities[Severity.ERROR],
                    u.severities[Severity.WARNING],
                    self._cell(units, "未整改" if total else "无需整改"),
                ]
            )
        if self._errors:
            errors = self._sheet("无法检查", (("文件", 40), ("原因", 80)))
            for path, message in self._errors:
                errors.append([self._cell(errors, path), self._cell(errors, message, wrap=True)])
        self._text.flush()
        self._wb.save(self._out)
        self._out.flush()
