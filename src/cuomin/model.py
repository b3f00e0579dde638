"""Values that flow through cuomin: severities, categories, locations, findings, documents."""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Severity",
    "Category",
    "Part",
    "Location",
    "Finding",
    "Segment",
    "DocumentMeta",
    "Document",
]


class Severity(str, enum.Enum):
    """How bad a finding is. Ordered: WARNING < ERROR < CRITICAL."""

    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def label(self) -> str:
        """The Chinese word editors see."""
        return _SEVERITY_LABEL[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Accept ``critical``/``error``/``warning`` and the Chinese labels."""
        key = value.strip().lower()
        for sev in cls:
            if key in (sev.value, _SEVERITY_LABEL[sev]):
                return sev
        raise ValueError(
            f"未知的严重程度“{value}”，应为 critical（严重）、error（错误）或 warning（提醒）"
        )

    def __str__(self) -> str:
        return self.value


_SEVERITY_RANK = {Severity.WARNING: 1, Severity.ERROR: 2, Severity.CRITICAL: 3}
_SEVERITY_LABEL = {Severity.WARNING: "提醒", Severity.ERROR: "错误", Severity.CRITICAL: "严重"}


class Category(str, enum.Enum):
    """What kind of problem a finding is (see DOMAIN.md)."""

    LEADER = "leader"
    NAME = "name"
    FORMULATION = "formulation"
    SOVEREIGNTY = "sovereignty"
    OUTDATED = "outdated"
    TYPO = "typo"
    USAGE = "usage"
    SENSITIVE = "sensitive"
    PRIVACY = "privacy"
    SECRECY = "secrecy"
    DATE = "date"
    FORMAT = "format"
    LINK = "link"
    FILE = "file"

    @property
    def label(self) -> str:
        return _CATEGORY_LABEL[self]

    @classmethod
    def parse(cls, value: str) -> Category:
        key = value.strip().lower()
        for cat in cls:
            if key in (cat.value, _CATEGORY_LABEL[cat]):
                return cat
        names = "、".join(c.value for c in cls)
        raise ValueError(f"未知的类别“{value}”，可用类别：{names}")

    def __str__(self) -> str:
        return self.value


_CATEGORY_LABEL = {
    Category.LEADER: "领导人姓名职务",
    Category.NAME: "国家和机构名称",
    Category.FORMULATION: "固定表述",
    Category.SOVEREIGNTY: "涉主权表述",
    Category.OUTDATED: "过时名称",
    Category.TYPO: "错别字",
    Category.USAGE: "用法提醒",
    Category.SENSITIVE: "敏感内容",
    Category.PRIVACY: "个人信息",
    Category.SECRECY: "涉密标识",
    Category.DATE: "日期",
    Category.FORMAT: "格式",
    Category.LINK: "暗链与垃圾信息",
    Category.FILE: "文件无法检查",
}


class Part(str, enum.Enum):
    """Which part of a document a segment comes from."""

    TITLE = "title"
    BODY = "body"
    META = "meta"
    ATTACHMENT = "attachment"
    HIDDEN = "hidden"
    HEADER = "header"
    FOOTER = "footer"
    TABLE = "table"
    COMMENT = "comment"
    FOOTNOTE = "footnote"
    LINK = "link"

    @property
    def label(self) -> str:
        return _PART_LABEL[self]

    def __str__(self) -> str:
        return self.value


_PART_LABEL = {
    Part.TITLE: "标题",
    Part.BODY: "正文",
    Part.META: "页面元数据",
    Part.ATTACHMENT: "附件",
    Part.HIDDEN: "隐藏内容",
    Part.HEADER: "页眉",
    Part.FOOTER: "页脚",
    Part.TABLE: "表格",
    Part.COMMENT: "批注",
    Part.FOOTNOTE: "脚注",
    Part.LINK: "链接",
}


@dataclass(frozen=True, slots=True)
class Location:
    """Where in a document a segment (and so a finding) sits.

    Every field but ``part`` is optional; a plain-text file has no location at all.
    """

    part: Part = Part.BODY
    file: str | None = None  # attachment file name (or member path inside an archive)
    page: int | None = None  # 1-based
    paragraph: int | None = None  # 1-based
    sheet: str | None = None
    cell: str | None = None  # "B7" in a sheet, "r3c2" in a table
    element: str | None = None  # HTML element path, e.g. "body>div.article>p[3]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "part": self.part.value,
            "file": self.file,
            "page": self.page,
            "paragraph": self.paragraph,
            "sheet": self.sheet,
            "cell": self.cell,
            "element": self.element,
        }

    def describe(self) -> str:
        """A short Chinese description: ``附件 通知.pdf 第3页``."""
        bits = [self.part.label]
        if self.file:
            bits.append(self.file)
        if self.sheet:
            bits.append(f"工作表“{self.sheet}”")
        if self.page is not None:
            bits.append(f"第{self.page}页")
        if self.paragraph is not None:
            bits.append(f"第{self.paragraph}段")
        if self.cell:
            bits.append(f"单元格 {self.cell}")
        if self.element:
            bits.append(self.element)
        return " ".join(bits)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a text. Offsets are character offsets into the segment text
    (for a plain-text file: into the decoded file), so ``text[start:end] == match``."""

    code: str
    category: Category
    severity: Severity
    match: str
    start: int
    end: int
    line: int
    column: int
    context: str
    suggestions: tuple[str, ...]
    explanation: str
    layer: str
    entry: str
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (see README, "JSON output")."""
        return {
            "code": self.code,
            "category": self.category.value,
            "severity": self.severity.value,
            "match": self.match,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "context": self.context,
            "suggestions": list(self.suggestions),
            "explanation": self.explanation,
            "layer": self.layer,
            "entry": self.entry,
            "location": None if self.location is None else self.location.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text that matching treats as one unit, and where it came from.

    A term split across tags, runs or lines in the source must sit inside one segment.
    ``source_offsets`` optionally maps each character of ``text`` back to an offset in
    the source file (for HTML, the byte-independent character offset in the markup).
    """

    text: str
    location: Location | None = None
    source_offsets: tuple[int, ...] | None = None
    #: Inline suppressions that apply to this segment: (code prefix, reason) pairs, e.g.
    #: from ``<!-- cuomin: ignore WD600 理由 -->`` in HTML. An empty reason is kept as is;
    #: the suppression filter reports it.
    suppressions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What is known about a document besides its text."""

    title: str | None = None
    date: _dt.date | None = None
    url: str | None = None
    path: str | None = None
    unit: str | None = None
    column: str | None = None
    media_type: str | None = None
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """An input turned into ordered segments, plus metadata.

    ``problems`` holds findings that extraction itself produced (an attachment that could
    not be opened, a page without a text layer): they are reported like any other finding.
    ``links`` holds ``(href, text, hidden)`` triples for the hidden-link rule.
    """

    segments: tuple[Segment, ...]
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    problems: tuple[Finding, ...] = ()
    links: tuple[tuple[str, str, bool], ...] = ()
