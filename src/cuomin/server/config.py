"""What a ``cuomin serve`` process is configured with: dictionary stacks, limits, tokens.

The configuration travels to uvicorn's worker processes as JSON in an environment variable
(:data:`CONFIG_ENV`), so it holds only plain values. Dictionary stacks can come from the
command line (``--dict``) and from a TOML file; the file is read again on every reload.

A TOML file looks like this (paths are relative to the file)::

    default_stack = "guangzhou"

    [limits]
    max_body_mb = 20
    max_attachments = 10
    timeout_seconds = 10

    [stacks.national]
    layers = []                        # empty: the bundled national layer
    block_on = ["critical"]

    [stacks.guangzhou]
    layers = ["dicts/guangzhou"]
    block_on = ["critical", "error"]
    ignore = ["WD7"]
    description = "广州市词库"
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from ..errors import ConfigError
from ..model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_STACK",
    "Limits",
    "ServerConfig",
    "StackConfig",
    "parse_block_on",
    "read_config_file",
]

#: Environment variable that carries the JSON configuration to worker processes.
CONFIG_ENV: Final = "CUOMIN_SERVER_CONFIG"
#: Name of the stack built from ``--dict`` options (or the bundled national layer).
DEFAULT_STACK: Final = "default"

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MB: Final = 1024 * 1024


def parse_block_on(values: Iterable[str]) -> tuple[str, ...]:
    """Severities that block publishing, as their English names, most severe first."""
    found: set[Severity] = set()
    for value in values:
        for part in str(value).replace("，", ",").split(","):
            if not part.strip():
                continue
            try:
                found.add(Severity.parse(part))
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
    return tuple(s.value for s in sorted(found, key=lambda s: -s.rank))


@dataclass(frozen=True, slots=True)
class StackConfig:
    """One named dictionary stack and its blocking policy."""

    name: str
    layers: tuple[str, ...] = ()  # layer folders (absolute); empty: bundled national
    block_on: tuple[str, ...] = ("critical",)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    description: str = ""

    def blocks(self, severity: Severity) -> bool:
        return severity.value in self.block_on


@dataclass(frozen=True, slots=True)
class Limits:
    """Request limits: a request over them gets 413 or 422 with a Chinese message."""

    max_body_bytes: int = 20 * _MB
    max_attachments: int = 10
    timeout_seconds: float = 10.0
    #: Checks running at once in one worker process; further requests wait for a slot.
    max_concurrent_checks: int = 4
    #: Findings listed in one response (all are counted in ``stats``).
    max_findings: int = 5000
    #: Plain texts up to this many characters are checked on the event loop itself instead
    #: of a worker thread: no thread hand-off, and no check threads taking the GIL from the
    #: loop (4–15 % more requests/s for 10 KB articles with every rule, measured in paired
    #: runs). Such a check takes a few milliseconds; it holds up the worker's other requests
    #: meanwhile, as the GIL would anyway, and cannot be cut off by the time limit. 0: every
    #: check in a thread.
    inline_chars: int = 20_000

    def validate(self) -> Limits:
        if self.max_body_bytes < 1024:
            raise ConfigError("请求体上限不能小于 1 KB")
        if self.max_attachments < 0:
            raise ConfigError("附件数量上限不能为负数")
        if not 0 < self.timeout_seconds <= 3600:
            raise ConfigError("检查时限应在 0 到 3600 秒之间")
        if self.max_concurrent_checks < 1:
            raise ConfigError("并发检查数至少为 1")
        if self.max_findings < 1:
            raise ConfigError("每次返回的问题数上限至少为 1")
        if self.inline_chars < 0:
            raise ConfigError("inline_chars 不能为负数")
        return self


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Everything one server process needs. Plain values only (it is sent as JSON)."""

    cli_stack: StackConfig | None = field(default_factory=lambda: StackConfig(DEFAULT_STACK))
    config_file: str | None = None
    default_stack: str | None = None
    limits: Limits = field(default_factory=Limits)
    token: str | None = None
    admin_token: str | None = None
    cache_dir: str | None = None
    #: A folder shared by the worker processes of one server, to spread reloads.
    sync_dir: str | None = None
    access_log: bool = True

    # -- stacks ---------------------------------------------------------------------------
    def stacks(self) -> tuple[tuple[StackConfig, ...], str]:
        """The stacks to load now (the config file is read again) and the default name."""
        stacks: list[StackConfig] = [self.cli_stack] if self.cli_stack is not None else []
        default = self.default_stack
        if self.config_file:
            data = read_config_file(self.config_file)
            from_file, file_default = _stacks_from_toml(data, Path(self.config_file))
            for stack in from_file:
                if any(s.name == stack.name for s in stacks):
                    raise ConfigError(
                        f"{self.config_file}: 词库组“{stack.name}”与命令行 --dict 定义的重名，请改名"
                    )
                stacks.append(stack)
            default = default or file_default
        if not stacks:
            raise ConfigError("没有配置任何词库组：请用 --dict 指定词库，或在配置文件中写 [stacks.名称]")
        names = [s.name for s in stacks]
        default = default or names[0]
        if default not in names:
            raise ConfigError(f"默认词库组“{default}”没有定义；已定义：{'、'.join(names)}")
        return tuple(stacks), default

    # -- transport ------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ServerConfig:
        try:
            raw = json.loads(text)
            cli = raw.pop("cli_stack")
            limits = Limits(**raw.pop("limits"))
            fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in (cli or {}).items()}
            stack = None if cli is None else StackConfig(**fields)
            return cls(cli_stack=stack, limits=limits, **raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ConfigError(f"服务配置（环境变量 {CONFIG_ENV}）无法解析：{exc}") from None

    @classmethod
    def from_environment(cls) -> ServerConfig:
        text = os.environ.get(CONFIG_ENV)
        if not text:
            raise ConfigError(f"没有找到服务配置：环境变量 {CONFIG_ENV} 为空（请用 cuomin serve 启动）")
        return cls.from_json(text)

    def with_limits(self, **changes: Any) -> ServerConfig:
        return replace(self, limits=replace(self.limits, **changes).validate())


def read_config_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"配置文件不存在：{path}") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 不是合法的 TOML：{exc}") from None
    unknown = set(data) - {"default_stack", "limits", "stacks"}
    if unknown:
        raise ConfigError(f"{path}: 不认识的配置项：{'、'.join(sorted(unknown))}（可用 default_stack、limits、stacks）")
    return data


def limits_from_toml(data: Mapping[str, Any], path: str, base: Limits) -> Limits:
    """``[limits]`` of a config file on top of ``base``."""
    raw = data.get("limits", {})
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{path}: [limits] 应为表")
    keys: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "max_body_mb": ("max_body_bytes", lambda v: int(float(v) * _MB)),
        "max_attachments": ("max_attachments", int),
        "timeout_seconds": ("timeout_seconds", float),
        "max_concurrent_checks": ("max_concurrent_checks", int),
        "max_findings": ("max_findings", int),
        "inline_chars": ("inline_chars", int),
    }
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in keys:
            raise ConfigError(f"{path}: [limits] 中不认识的项“{key}”，可用：{'、'.join(keys)}")
        target, convert = keys[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: [limits] {key} 应为数字")
        changes[target] = convert(value)
    return replace(base, **changes).validate()


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} 应为字符串列表")
    return tuple(value)


def _stacks_from_toml(data: Mapping[str, Any], path: Path) -> tuple[list[StackConfig], str | None]:
    where = str(path)
    default = data.get("default_stack")
    if default is not None and not isinstance(default, str):
        raise ConfigError(f"{where}: default_stack 应为字符串")
    raw = data.get("stacks", {})
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: stacks 应写成 [stacks.名称] 表")
    stacks = []
    allowed = {"layers", "block_on", "select", "ignore", "description"}
    for name, spec in raw.items():
        if not _NAME.match(name):
            raise ConfigError(f"{where}: 词库组名“{name}”只能用字母、数字、-、_（最长 64 个字符）")
        if not isinstance(spec, Mapping):
            raise ConfigError(f"{where}: [stacks.{name}] 应为表")
        unknown = set(spec) - allowed
        if unknown:
            raise ConfigError(f"{where}: [stacks.{name}] 中不认识的项：{'、'.join(sorted(unknown))}")
        layers = tuple(
            str((path.parent / p).resolve()) for p in _str_list(spec.get("layers", []), f"{where}: stacks.{name}.layers")
        )
        block_on = parse_block_on(_str_list(spec.get("block_on", ["critical"]), f"{where}: stacks.{name}.block_on"))
        description = spec.get("description", "")
        if not isinstance(description, str):
            raise ConfigError(f"{where}: stacks.{name}.description 应为字符串")
        stacks.append(
            StackConfig(
                name=name,
                layers=layers,
                block_on=block_on,
                select=_str_list(spec.get("select", []), f"{where}: stacks.{name}.select"),
                ignore=_str_list(spec.get("ignore", []), f"{where}: stacks.{name}.ignore"),
                description=description,
            )
        )
    return stacks, default
