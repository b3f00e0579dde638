"""Articles straight from a CMS database: a SQL query, columns mapped to what cuomin needs.

The query is the user's (read-only access is enough); rows are streamed. ``columns`` maps
``id`` and ``body`` (required) and ``title``, ``date``, ``unit``, ``column``, ``url``
(optional) to column names of the result. A body that looks like HTML is extracted as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from ...errors import ConfigError, InputError
from ..items import SourceItem
from ..metadata import parse_any_date
from .base import LinkedLookup

__all__ = ["SqlSource", "SQL_FIELDS"]

SQL_FIELDS: Final = ("id", "body", "title", "date", "unit", "column", "url")
_HTML: Final = re.compile(r"<(?:p|div|span|br|table|html|body|a|h[1-6]|img|font|strong)\b", re.I)


def _engine_url(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class SqlSource:
    exhaustive = True

    def __init__(self, url: str, query: str, columns: Mapping[str, str] | None = None, *, site: str | None = None) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if not query or not query.strip():
            raise ConfigError("SQL 来源需要查询语句（--query 或配置文件 [sql] query）")
        mapping = {k: v for k, v in (columns or {}).items() if v}
        unknown = set(mapping) - set(SQL_FIELDS)
        if unknown:
            raise ConfigError(f"不认识的字段映射：{'、'.join(sorted(unknown))}（可用：{'、'.join(SQL_FIELDS)}）")
        self.columns = {"id": "id", "body": "body", **mapping}
        try:
            parsed = make_url(_engine_url(url))
            self._engine = create_engine(parsed)
        except ArgumentError:
            raise ConfigError(f"数据库地址无法识别：{url}") from None
        except ModuleNotFoundError as exc:
            raise ConfigError(f"连接该数据库需要驱动 {exc.name}，请先安装") from None
        self.query = query
        self.site = site or parsed.database or "cms"
        self._display = parsed.render_as_string(hide_password=True)

    def describe(self) -> str:
        return f"sql:{self._display}"

    def close(self) -> None:
        self._engine.dispose()

    def orphans(self, linked: LinkedLookup) -> Iterator[SourceItem]:
        return iter(())

    def count(self) -> int | None:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self._engine.connect() as conn:
                return int(conn.execute(text(f"SELECT COUNT(*) FROM ({self.query}) AS cuomin_q")).scalar_one())
        except SQLAlchemyError:
            return None

    def items(self) -> Iterator[SourceItem]:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self._engine.connect() as conn:
                result = conn.execution_options(stream_results=True, yield_per=500).execute(text(self.query))
                keys = set(result.keys())
                missing = {f: c for f, c in self.columns.items() if c not in keys}
                if missing:
                    wanted = "、".join(f"{f}→{c}" for f, c in missing.items())
                    raise ConfigError(f"查询结果中没有这些列：{wanted}（结果的列：{'、'.join(sorted(keys))}）")
                for row in result.mappings():
                    item = self._item(dict(row))
                    if item is not None:
                        yield item
        except SQLAlchemyError as exc:
            raise InputError(f"数据库查询失败：{getattr(exc, 'orig', exc)}") from None

    def _get(self, row: Mapping[str, Any], field: str) -> Any:
        column = self.columns.get(field)
        return row[column] if column else None

    def _item(self, row: Mapping[str, Any]) -> SourceItem | None:
        ident = self._get(row, "id")
        if ident is None:
            return None
        body = self._get(row, "body")
        if body is None:
            body = ""
        data = body if isinstance(body, bytes) else str(body).encode("utf-8")
        html = _HTML.search(data[:4000].decode("utf-8", "ignore")) is not None
        url = self._get(row, "url")
        url = str(url) if url else None
        title = self._get(row, "title")
        unit, column = self._get(row, "unit"), self._get(row, "column")
        return SourceItem(
            key=str(ident),
            data=data,
            name=f"{ident}.html" if html else f"{ident}.txt",
            media_type="text/html" if html else "text/plain",
            url=url,
            path=unquote(urlsplit(url).path).lstrip("/") if url else None,
            title=str(title) if title else None,
            date=parse_any_date(self._get(row, "date")),
            unit=str(unit) if unit else None,
            column=str(column) if column else None,
        )
