"""The scan configuration file (TOML): site, unit/column mapping, dates, crawl and SQL.

::

    site = "示例市人民政府网站"
    base_url = "https://www.example.gov.cn/"
    default_unit = "示例市人民政府办公室"

    [[units]]
    prefix = "jyj/"            # a path prefix in the tree, or a URL prefix
    unit = "示例市教育局"
    column = "通知公告"         # optional

    [crawl]
    allow_hosts = ["www.example.gov.cn"]
    max_depth = 5
    max_pages = 10000
    rate = 2.0                  # requests per second
    check_links = true

    [sql]
    url = "postgresql://reader@cms.example/cms"
    query = "SELECT id, title, content, pub_date, dept, channel, link FROM articles"
    [sql.columns]
    id = "id"
    title = "title"
    body = "content"
    date = "pub_date"
    unit = "dept"
    column = "channel"
    url = "link"
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .metadata import MetaRules, UnitRule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["ScanConfig", "load_config"]


@dataclass(frozen=True, slots=True)
class ScanConfig:
    site: str | None = None
    base_url: str | None = None
    rules: MetaRules = field(default_factory=MetaRules)
    crawl: dict[str, Any] = field(default_factory=dict)
    sql: dict[str, Any] = field(default_factory=dict)


_TOP = {"site", "base_url", "default_unit", "date_patterns", "units", "crawl", "sql"}


def load_config(path: str | Path | None) -> ScanConfig:
    if path is None:
        return ScanConfig()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"配置文件不存在：{file}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: 配置文件格式错误：{exc}") from None
    unknown = set(data) - _TOP
    if unknown:
        raise ConfigError(f"{file}: 不认识的配置项：{'、'.join(sorted(unknown))}（可用：{'、'.join(sorted(_TOP))}）")
    units = []
    for i, raw in enumerate(data.get("units", []), 1):
        if not isinstance(raw, dict) or "prefix" not in raw:
            raise ConfigError(f"{file}: 第 {i} 个 [[units]] 缺少 prefix")
        units.append(UnitRule(str(raw["prefix"]), raw.get("unit"), raw.get("column")))
    patterns = data.get("date_patterns")
    try:
        rules = MetaRules.build(units, data.get("default_unit"), patterns)
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from None
    for section in ("crawl", "sql"):
        if section in data and not isinstance(data[section], dict):
            raise ConfigError(f"{file}: [{section}] 应为一个表")
    return ScanConfig(
        site=data.get("site"),
        base_url=data.get("base_url"),
        rules=rules,
        crawl=dict(data.get("crawl", {})),
        sql=dict(data.get("sql", {})),
    )
