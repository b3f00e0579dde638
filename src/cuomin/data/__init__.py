"""Data tables the built-in rules read at first use (never at import).

Each table is a small human-editable file in this package: TOML for structured tables
(leader tenures, formulation sets, protected terms), plain text for word lists (one entry a
line, ``#`` starts a comment). Edit them like any other source file; a test checks that
every table parses.
"""

from __future__ import annotations

import functools
import sys
from importlib import resources
from typing import Any

from ..errors import RuleError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["read_toml", "read_lines"]


def _read(name: str) -> str:
    try:
        return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise RuleError(f"规则数据文件缺失：cuomin/data/{name}（{exc}），请重新安装 cuomin") from None


@functools.cache
def read_toml(name: str) -> dict[str, Any]:
    """A TOML table shipped in ``cuomin/data`` (parsed once per process)."""
    try:
        data: dict[str, Any] = tomllib.loads(_read(name))
        return data
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"规则数据文件 cuomin/data/{name} 格式错误：{exc}") from None


@functools.cache
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a word list, comments (``#`` …) and surrounding blanks removed."""
    out: list[str] = []
    for raw in _read(name).splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return tuple(out)
