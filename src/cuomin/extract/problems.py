"""Findings that extraction itself produces: the FL code family.

A file that cannot be checked (encrypted, corrupt, too big, a zip bomb, a legacy format with
no converter) is never passed as clean: it becomes a finding of category
:attr:`~cuomin.model.Category.FILE`, so that it is counted like inspectors count
附件打开错误. Such findings have no span (start = end = 0, empty match, line and column 1),
layer ``extract`` and the code as entry; their location names the file and, where it
applies, the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..model import Category, Finding, Location, Part, Severity

__all__ = ["ProblemCode", "PROBLEM_CODES", "make_problem", "ExtractionFailed"]


@dataclass(frozen=True, slots=True)
class ProblemCode:
    """One FL code: default severity, a Chinese headline and what the editor can do."""

    code: str
    severity: Severity
    headline: str
    advice: str


_CODES: Final = (
    ProblemCode("FL001", Severity.CRITICAL, "附件无法打开：文件已加密", "请提供未加密的文件，或去掉打开密码后重新检查。"),
    ProblemCode("FL002", Severity.CRITICAL, "附件无法打开：文件已损坏或不完整", "请重新导出或重新上传该文件。"),
    ProblemCode("FL003", Severity.ERROR, "部分页面没有文字层（可能是扫描件），无法检查", "请提供可复制文字的版本，或对扫描页人工审读。"),
    ProblemCode("FL004", Severity.CRITICAL, "文件过大，未检查", "请拆分文件，或调大 max_bytes 等限制后重新检查。"),
    ProblemCode("FL005", Severity.CRITICAL, "压缩包异常（疑似压缩炸弹），未解压检查", "请核实压缩包来源，解压后分别检查其中的文件。"),
    ProblemCode("FL006", Severity.CRITICAL, "旧版格式需要转换后才能检查", "请安装 LibreOffice（soffice），或另存为 .docx/.xlsx 后重新检查。"),
    ProblemCode("FL007", Severity.CRITICAL, "格式转换失败，无法检查", "请用办公软件另存为 .docx/.xlsx 后重新检查。"),
    ProblemCode("FL008", Severity.CRITICAL, "不支持或无法识别的文件格式，未检查", "请另存为 PDF、DOCX、XLSX、HTML 或文本文件后重新检查。"),
    ProblemCode("FL009", Severity.CRITICAL, "文件含不安全的 XML 声明（实体或文档类型定义），已拒绝解析", "正常的办公文档不含此类声明，请核实文件来源。"),
    ProblemCode("FL010", Severity.ERROR, "超出检查限制，只检查了部分内容", "请拆分文件，或调大相应限制后重新检查。"),
    ProblemCode("FL011", Severity.ERROR, "检查超时，只检查了部分内容", "请调大 max_seconds 后重新检查。"),
    ProblemCode("FL012", Severity.CRITICAL, "无法识别文本编码，未检查", "请转换为 UTF-8 后重新检查。"),
    ProblemCode("FL013", Severity.WARNING, "图片文件，其中的文字未检查", "请人工审读图片内容。"),
)

#: Every code extraction can emit, by code.
PROBLEM_CODES: Final[dict[str, ProblemCode]] = {c.code: c for c in _CODES}


def make_problem(
    code: str,
    detail: str = "",
    *,
    file: str | None = None,
    page: int | None = None,
    part: Part = Part.ATTACHMENT,
    sheet: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding for a file (or page) that could not be checked, fully or in part."""
    spec = PROBLEM_CODES[code]
    explanation = spec.headline + (f"（{detail}）" if detail else "") + "。" + spec.advice
    return Finding(
        code=code,
        category=Category.FILE,
        severity=severity or spec.severity,
        match="",
        start=0,
        end=0,
        line=1,
        column=1,
        context="",
        suggestions=(),
        explanation=explanation,
        layer="extract",
        entry=code,
        location=Location(part=part, file=file, page=page, sheet=sheet),
    )


class ExtractionFailed(Exception):
    """Raised inside an extractor when the whole file cannot be checked; the dispatcher turns
    it into a Document that holds only the problem. Never leaves :func:`load_document`."""

    def __init__(self, code: str, detail: str = "", *, page: int | None = None, severity: Severity | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.page = page
        self.severity = severity
