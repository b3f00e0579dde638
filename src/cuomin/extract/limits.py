"""Limits that keep hostile or huge inputs from hanging a run, and the per-file job state.

Every limit has a default that suits a government site's attachments; pass a
:class:`Limits` to :func:`cuomin.extract.load_document` (or ``--limit NAME=VALUE`` to
``cuomin check``) to change them.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..model import Finding, Part, Severity
from .problems import make_problem

__all__ = ["Limits", "Job", "DEFAULT_LIMITS"]

_KIB = 1024
_MIB = 1024 * _KIB
_GIB = 1024 * _MIB


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable limits, per input file (an archive counts as one file)."""

    #: Largest file read at all (bytes); also the largest archive member.
    max_bytes: int = 200 * _MIB
    #: PDF and OFD pages checked per file.
    max_pages: int = 5000
    #: Spreadsheet cells (non-empty) checked per workbook.
    max_cells: int = 2_000_000
    #: Members of one archive that are checked.
    max_members: int = 2000
    #: Total uncompressed bytes read from one archive (all levels together).
    max_total_bytes: int = 1 * _GIB
    #: Largest compression ratio of one member (uncompressed / compressed) above 1 MiB.
    max_ratio: float = 200.0
    #: Archives inside archives: how deep to open (1 = members of the top archive only).
    max_depth: int = 3
    #: Largest single XML part of a DOCX/XLSX/OFD file, uncompressed (bytes).
    max_xml_bytes: int = 256 * _MIB
    #: Wall-clock time per file (seconds), checked between pages, rows and members.
    max_seconds: float = 120.0
    #: Convert legacy .doc/.wps/.et through LibreOffice when it is installed.
    convert: bool = True
    #: Path of the soffice program (default: looked up on PATH).
    soffice: str | None = None
    #: Time allowed for one LibreOffice conversion (seconds).
    convert_seconds: float = 120.0

    def replace(self, **changes: Any) -> Limits:
        return dataclasses.replace(self, **changes)

    @classmethod
    def parse(cls, items: Iterable[str] | Mapping[str, Any], base: Limits | None = None) -> Limits:
        """Build limits from ``NAME=VALUE`` strings (CLI) or a mapping (configuration).

        Sizes accept K, M and G suffixes (``max_bytes=50M``); booleans accept
        true/false/yes/no/1/0. Raises :class:`~cuomin.errors.ConfigError` for unknown names
        or bad values.
        """
        pairs: list[tuple[str, Any]] = []
        if isinstance(items, Mapping):
            pairs = list(items.items())
        else:
            for item in items:
                name, sep, value = item.partition("=")
                if not sep:
                    raise ConfigError(f"限制“{item}”格式不对，应为 名称=值，例如 max_bytes=50M")
                pairs.append((name.strip(), value.strip()))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for name, value in pairs:
            key = name.replace("-", "_")
            if key not in fields:
                raise ConfigError(f"未知的限制“{name}”，可用：{'、'.join(fields)}")
            default = getattr(cls(), key)
            changes[key] = _coerce(key, value, default)
        return dataclasses.replace(base or cls(), **changes)


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": _KIB, "m": _MIB, "g": _GIB}


def _coerce(key: str, value: Any, default: Any) -> Any:
    if not isinstance(value, str):
        if isinstance(default, bool) or default is None or isinstance(value, type(default)):
            return value
        if isinstance(default, float) and isinstance(value, int):
            return float(value)
        raise ConfigError(f"限制 {key} 的值“{value}”类型不对")
    if isinstance(default, bool):
        low = value.lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"限制 {key} 应为 true 或 false，而不是“{value}”")
    if default is None:
        return value or None
    if isinstance(default, int):
        m = _SIZE_RE.match(value)
        if not m:
            raise ConfigError(f"限制 {key} 应为整数（可带 K/M/G），而不是“{value}”")
        unit = (m.group(2) or "").lower()[:1]
        return int(float(m.group(1)) * _UNITS[unit])
    try:
        result = float(value)
    except ValueError:
        raise ConfigError(f"限制 {key} 应为数字，而不是“{value}”") from None
    if result <= 0:
        raise ConfigError(f"限制 {key} 应大于 0")
    return result


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class Job:
    """State of one input being extracted: limits, deadline, where we are, problems so far."""

    limits: Limits
    name: str | None
    depth: int = 0  # archive nesting: 0 for the input itself
    deadline: float = 0.0
    budget: list[int] = field(default_factory=lambda: [0])  # uncompressed bytes read, shared
    problems: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = time.monotonic() + self.limits.max_seconds

    @property
    def in_archive(self) -> bool:
        return self.depth > 0

    def expired(self) -> bool:
        return time.monotonic() > self.deadline

    def child(self, name: str) -> Job:
        """The job of an archive member: same limits, deadline and byte budget."""
        return Job(self.limits, name, self.depth + 1, self.deadline, self.budget)

    def problem(
        self,
        code: str,
        detail: str = "",
        *,
        page: int | None = None,
        sheet: str | None = None,
        part: Part = Part.ATTACHMENT,
        severity: Severity | None = None,
    ) -> Finding:
        finding = make_problem(code, detail, file=self.name, page=page, sheet=sheet, part=part, severity=severity)
        self.problems.append(finding)
        return finding
