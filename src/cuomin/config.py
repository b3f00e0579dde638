"""Configuration files: ``cuomin.toml`` or ``[tool.cuomin]`` in ``pyproject.toml``.

::

    # cuomin.toml (top level), or the same keys under [tool.cuomin] in pyproject.toml
    select = ["WD", "PI", "SM"]          # report only these code prefixes (default: all)
    ignore = ["WD7", "FT004"]            # never report these code prefixes
    dictionaries = ["dict/city"]         # layer folders, relative to this file
    cache_dir = ".cuomin-cache"          # compiled-dictionary cache, relative to this file

    [severity]                           # severity by code prefix (longest prefix wins)
    FT = "error"
    WD7 = "warning"

    [rules.HL003]                        # one rule: its severity and its options
    severity = "error"
    allow_domains = ["gov.cn", "example.org"]

``cuomin check`` reads ``--config PATH``, or else ``cuomin.toml`` or a ``pyproject.toml``
with a ``[tool.cuomin]`` table in the current directory. Command-line ``--select`` replaces
the file's ``select``, ``--ignore`` adds to its ``ignore``, ``--dict`` replaces its
``dictionaries``.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from .errors import ConfigError
from .model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Config", "load_config", "find_config", "CONFIG_NAMES"]

log = logging.getLogger(__name__)

#: Files looked for in the current directory, in this order.
CONFIG_NAMES: Final = ("cuomin.toml", "pyproject.toml")
_KEYS: Final = ("select", "ignore", "severity", "rules", "dictionaries", "cache_dir")
_PREFIX_RE: Final = re.compile(r"^[A-Z]{1,2}[0-9]{0,3}$")


@dataclass(frozen=True)
class Config:
    """What a configuration file says (everything optional)."""

    path: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    dictionaries: tuple[Path, ...] = ()
    cache_dir: Path | None = None

    def merged(
        self,
        *,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        dictionaries: Sequence[str | os.PathLike[str]] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> Config:
        """This configuration overridden by command-line values: ``select`` replaces,
        ``ignore`` adds, ``dictionaries`` and ``cache_dir`` replace."""
        for prefix in (*select, *ignore):
            _check_prefix(prefix, "命令行")
        return replace(
            self,
            select=tuple(select) or self.select,
            ignore=self.ignore + tuple(p for p in ignore if p not in self.ignore),
            dictionaries=tuple(Path(d) for d in dictionaries) if dictionaries else self.dictionaries,
            cache_dir=Path(cache_dir) if cache_dir else self.cache_dir,
        )

    def checker_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :class:`cuomin.Checker`."""
        return {
            "dictionaries": list(self.dictionaries) or None,
            "select": list(self.select),
            "ignore": list(self.ignore),
            "severity": dict(self.severity),
            "options": {k: dict(v) for k, v in self.options.items()},
            "cache_dir": self.cache_dir,
        }


def find_config(directory: str | os.PathLike[str] = ".") -> Path | None:
    """``cuomin.toml``, else a ``pyproject.toml`` that has ``[tool.cuomin]``, in ``directory``."""
    folder = Path(directory)
    candidate = folder / "cuomin.toml"
    if candidate.is_file():
        return candidate
    candidate = folder / "pyproject.toml"
    if candidate.is_file():
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            log.debug("ignoring %s: %s", candidate, exc)
            return None
        if isinstance(data.get("tool"), dict) and "cuomin" in data["tool"]:
            return candidate
    return None


def load_config(path: str | os.PathLike[str], *, known_codes: Sequence[str] | None = None) -> Config:
    """Read and check a configuration file. ``known_codes`` (the codes installed rules can
    emit; default: discovered) lets unknown rule codes be reported by name."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"配置文件不存在：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML 格式错误：{exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "cuomin" not in tool:
            raise ConfigError(f"{path} 中没有 [tool.cuomin] 配置节")
        data = tool["cuomin"]
        where = f"{path} [tool.cuomin]"
    else:
        where = str(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: 配置应为一个表")
    return _parse(data, where, path, known_codes)


def _check_prefix(prefix: object, where: str) -> str:
    if not isinstance(prefix, str) or not _PREFIX_RE.match(prefix):
        raise ConfigError(
            f"{where}: 代码前缀“{prefix}”不合规范：应为一到两个大写字母加至多三位数字，如 WD、PI0、FT001"
        )
    return prefix


def _strings(data: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} 应为字符串列表，如 {key} = [\"WD\", \"PI\"]")
    return value


def _severity(value: object, where: str) -> Severity:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: 严重程度应为字符串 critical、error 或 warning")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _installed_codes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(rule codes, every code rules can emit)."""
    from .rules.registry import discover_rules

    rules = discover_rules()
    return tuple(rules), tuple(c for cls in rules.values() for c in cls.codes())


def _parse(data: Mapping[str, Any], where: str, path: Path, known_codes: Sequence[str] | None) -> Config:
    base = path.parent
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where}: 不认识的配置项 {'、'.join(unknown)}；可用配置项：{'、'.join(_KEYS)}")
    select = [_check_prefix(p, f"{where} select") for p in _strings(data, "select", where)]
    ignore = [_check_prefix(p, f"{where} ignore") for p in _strings(data, "ignore", where)]
    if known_codes is None:
        rule_codes, emitted = _installed_codes()
    else:
        rule_codes = emitted = tuple(known_codes)

    def known(prefix: str) -> bool:
        return any(c.startswith(prefix) for c in emitted)

    for prefix in (*select, *ignore):
        if not known(prefix):
            log.warning("%s: 代码前缀 %s 不对应任何已安装的规则", where, prefix)

    severity: dict[str, Severity] = {}
    table = data.get("severity", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [severity] 应为一个表，如 WD7 = \"error\"")
    for prefix, value in table.items():
        _check_prefix(prefix, f"{where} [severity]")
        severity[prefix] = _severity(value, f"{where} [severity] {prefix}")

    options: dict[str, dict[str, Any]] = {}
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise ConfigError(f"{where}: [rules] 应为以规则代码为名的表，如 [rules.HL003]")
    for code, spec in rules.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [rules.{code}] 应为一个表")
        if code not in rule_codes:
            if known(code):
                raise ConfigError(
                    f"{where}: [rules.{code}]：{code} 不是规则的主代码，选项请写在该规则的主代码下（见 cuomin rules）"
                )
            raise ConfigError(f"{where}: [rules.{code}]：没有代码为 {code} 的规则（用 cuomin rules 查看已安装的规则）")
        spec = dict(spec)
        if "severity" in spec:
            severity[code] = _severity(spec.pop("severity"), f"{where} [rules.{code}] severity")
        if spec:
            options[code] = spec

    dictionaries = tuple(_relative(base, d) for d in _strings(data, "dictionaries", where))
    cache = data.get("cache_dir")
    if cache is not None and not isinstance(cache, str):
        raise ConfigError(f"{where}: cache_dir 应为字符串（目录路径）")
    return Config(
        path=path,
        select=tuple(select),
        ignore=tuple(ignore),
        severity=severity,
        options=options,
        dictionaries=dictionaries,
        cache_dir=_relative(base, cache) if cache else None,
    )


def _relative(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path
