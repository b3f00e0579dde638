"""``cuomin serve``: the pre-publish HTTP service and the editors' web page (uvicorn)."""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import logging
import os
import shutil
import sys
import tempfile
from typing import Any

from ..errors import ConfigError

__all__ = ["add_parser", "run"]

log = logging.getLogger(__name__)

_MISSING_EXTRA = "cuomin serve 需要服务端依赖（Starlette、uvicorn、python-multipart）：请运行 pip install 'cuomin[server]'"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="启动发布前检查服务和编辑检查页面",
        description=(
            "启动 HTTP 服务：POST /v1/check 供 CMS 发布前调用，浏览器打开 / 即为编辑检查页面。"
            "默认只监听本机（127.0.0.1）。接口说明见 /v1/openapi.json。"
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--workers", type=int, default=1, help="工作进程数（默认 1）")
    p.add_argument("--dict", dest="dicts", action="append", metavar="DIR", help="默认词库组的词库层目录，可多次指定")
    p.add_argument("--block-on", default="critical", help="默认词库组中阻止发布的严重程度，逗号分隔（默认 critical）")
    p.add_argument("--select", default="", help="默认词库组只报这些代码前缀，逗号分隔，如 WD,FL")
    p.add_argument("--ignore", default="", help="默认词库组不报这些代码前缀，逗号分隔，如 WD7")
    p.add_argument("--config", metavar="FILE", help="TOML 配置文件：多个词库组及其拦截策略、请求限制（重载时重新读取）")
    p.add_argument("--default-stack", metavar="NAME", help="请求未指定词库组时使用的词库组")
    p.add_argument("--token", default=os.environ.get("CUOMIN_TOKEN"), help="访问令牌（默认取环境变量 CUOMIN_TOKEN）；设置后检查接口需要 Bearer 令牌")
    p.add_argument("--admin-token", default=os.environ.get("CUOMIN_ADMIN_TOKEN"), help="管理令牌（默认取环境变量 CUOMIN_ADMIN_TOKEN）；不设置则重载接口关闭")
    p.add_argument("--max-body-mb", type=float, help="请求体上限，MB（默认 20）")
    p.add_argument("--max-attachments", type=int, help="每次请求的附件数上限（默认 10）")
    p.add_argument("--timeout", type=float, help="每次检查的时限，秒（默认 10）")
    p.add_argument("--max-concurrent", type=int, help="每个工作进程同时进行的检查数（默认 4）")
    p.add_argument("--cache-dir", help="编译词库缓存目录（默认 ~/.cache/cuomin）")
    p.add_argument("--no-access-log", action="store_true", help="不输出访问日志")
    p.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"), help="日志级别")
    p.set_defaults(run=run)


def _limits(args: argparse.Namespace) -> Any:
    from ..server.config import Limits, limits_from_toml, read_config_file

    limits = Limits()
    if args.config:
        limits = limits_from_toml(read_config_file(args.config), args.config, limits)
    changes: dict[str, Any] = {}
    if args.max_body_mb is not None:
        changes["max_body_bytes"] = int(args.max_body_mb * 1024 * 1024)
    if args.max_attachments is not None:
        changes["max_attachments"] = args.max_attachments
    if args.timeout is not None:
        changes["timeout_seconds"] = args.timeout
    if args.max_concurrent is not None:
        changes["max_concurrent_checks"] = args.max_concurrent
    return dataclasses.replace(limits, **changes).validate()


def build_config(args: argparse.Namespace) -> Any:
    """The server configuration from command-line options (validated, stacks not loaded)."""
    from ..server.config import DEFAULT_STACK, ServerConfig, StackConfig, parse_block_on

    cli_stack = None
    if args.dicts or not args.config:
        layers = tuple(os.path.abspath(d) for d in args.dicts or ())
        cli_stack = StackConfig(
            DEFAULT_STACK,
            layers=layers,
            block_on=parse_block_on([args.block_on]),
            select=_split(args.select),
            ignore=_split(args.ignore),
        )
    return ServerConfig(
        cli_stack=cli_stack,
        config_file=os.path.abspath(args.config) if args.config else None,
        default_stack=args.default_stack,
        limits=_limits(args),
        token=args.token or None,
        admin_token=args.admin_token or None,
        cache_dir=os.path.abspath(args.cache_dir) if args.cache_dir else None,
        access_log=not args.no_access_log,
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _log_config(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(message)s"},
            "default": {"format": "cuomin serve [%(process)d] %(levelname)s: %(message)s"},
        },
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"},
            "default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "cuomin": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "cuomin.server.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    try:
        import multipart  # noqa: F401  (python-multipart, needed by Starlette for uploads)
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        raise ConfigError(_MISSING_EXTRA) from None
    from ..server.config import CONFIG_ENV
    from ..server.stacks import build_snapshot

    if args.workers < 1:
        raise ConfigError("--workers 至少为 1")
    if not 0 <= args.port <= 65535:
        raise ConfigError(f"端口 {args.port} 不合法")
    config = build_config(args)
    # Load every stack once here: a broken dictionary fails now, with a clear message, and
    # the compiled cache is warm before the workers start.
    snapshot = build_snapshot(config, 0)
    versions = "；".join(f"{n} {s.version}" for n, s in snapshot.stacks.items())
    del snapshot
    if not _is_loopback(args.host) and config.token is None:
        log.warning("服务监听在 %s（非本机地址）且没有设置访问令牌：任何能访问该地址的人都能调用检查接口", args.host)
    sync_dir = tempfile.mkdtemp(prefix="cuomin-serve-") if args.workers > 1 else None
    config = dataclasses.replace(config, sync_dir=sync_dir)
    os.environ[CONFIG_ENV] = config.to_json()
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    sys.stderr.write(
        f"cuomin serve：词库 {versions}\n"
        f"  编辑检查页面 http://{shown_host}:{args.port}/\n"
        f"  接口说明     http://{shown_host}:{args.port}/v1/openapi.json\n"
    )
    sys.stderr.flush()
    try:
        options: dict[str, Any] = dict(
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_config=_log_config(args.log_level),
            log_level=args.log_level,
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=30,
        )
        app = "cuomin.server.app:app_from_environment"
        if args.workers == 1:
            uvicorn.run(app, **options)
        else:  # our own workers: they share new connections evenly (see server/workers.py)
            from ..server.workers import run_workers

            assert sync_dir is not None
            status = run_workers(uvicorn.Config(app, **options), args.workers, sync_dir)
            if status:
                return status
    finally:
        os.environ.pop(CONFIG_ENV, None)
        if sync_dir:
            shutil.rmtree(sync_dir, ignore_errors=True)
    return 0
