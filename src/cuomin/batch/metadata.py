"""Per-document metadata: unit and column from URL or path prefixes, dates from paths.

Government sites put each unit's and each column's articles under their own folder
(``/jyj/tzgg/t20230512_123.html``), so a table of prefixes is how a scan learns who
published what. The longest matching prefix wins; a prefix may give only a unit, only a
column, or both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError

__all__ = ["UnitRule", "MetaRules", "parse_any_date", "DEFAULT_DATE_PATTERNS"]

#: Dates in the paths and URLs of Chinese government CMSs (TRS ``t20230512_…``, ``/202305/12/``
#: and ISO dates). Each pattern has named groups y, m, d.
DEFAULT_DATE_PATTERNS: Final = (
    r"(?<![0-9])t(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)_",
    r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)/(?P<d>[0-3]\d)/",
    r"(?<![0-9])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![0-9])",
    r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)(?P<d>[0-3]\d)/",
)

_CN_DATE = re.compile(r"((?:19|20)\d\d)\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})")


def parse_any_date(value: object) -> dt.date | None:
    """A date from a database value or a string: ISO, ``2023/5/12``, ``2023年5月12日``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    m = _CN_DATE.search(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class UnitRule:
    prefix: str  # a path prefix (``jyj/``) or a URL prefix (``https://www.x.gov.cn/jyj/``)
    unit: str | None = None
    column: str | None = None


def _clean_prefix(prefix: str) -> str:
    return prefix.strip().lstrip("/") if "://" not in prefix else prefix.strip()


@dataclass(frozen=True, slots=True)
class MetaRules:
    """How a scan maps documents to units, columns and dates."""

    units: tuple[UnitRule, ...] = ()
    default_unit: str | None = None
    date_patterns: tuple[str, ...] = DEFAULT_DATE_PATTERNS

    @classmethod
    def build(
        cls,
        units: Iterable[UnitRule] = (),
        default_unit: str | None = None,
        date_patterns: Sequence[str] | None = None,
    ) -> MetaRules:
        rules = tuple(UnitRule(_clean_prefix(r.prefix), r.unit, r.column) for r in units)
        for r in rules:
            if not r.prefix:
                raise ConfigError("单位映射的前缀（prefix）不能为空")
            if not (r.unit or r.column):
                raise ConfigError(f"单位映射“{r.prefix}”既没有单位（unit）也没有栏目（column）")
        patterns = tuple(date_patterns) if date_patterns is not None else DEFAULT_DATE_PATTERNS
        for p in patterns:
            try:
                compiled = re.compile(p)
            except re.error as exc:
                raise ConfigError(f"日期模式“{p}”不是有效的正则表达式：{exc}") from None
            if not {"y", "m", "d"} <= set(compiled.groupindex):
                raise ConfigError(f"日期模式“{p}”必须有命名分组 y、m、d，如 (?P<y>\\d{{4}})")
        # Longest prefix first.
        rules = tuple(sorted(rules, key=lambda r: -len(r.prefix)))
        return cls(units=rules, default_unit=default_unit, date_patterns=patterns)

    def unit_and_column(self, path: str | None, url: str | None) -> tuple[str | None, str | None]:
        """Unit and column from the longest matching prefixes (each looked up on its own)."""
        unit: str | None = None
        column: str | None = None
        candidates = [c for c in ((path or "").lstrip("/"), url or "") if c]
        for rule in self.units:
            if any(c.startswith(rule.prefix) for c in candidates):
                if unit is None and rule.unit:
                    unit = rule.unit
                if column is None and rule.column:
                    column = rule.column
                if unit is not None and column is not None:
                    break
        return unit or self.default_unit, column

    def date_from(self, *texts: str | None) -> dt.date | None:
        for text in texts:
            if not text:
                continue
            for pattern in self.date_patterns:
                m = re.search(pattern, text)
                if m is None:
                    continue
                try:
                    return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                except ValueError:
                    continue
        return None
