"""The HTTP endpoints: check, check/file, health, dictionaries, reload, OpenAPI, web page."""

from __future__ import annotations

import hmac
import logging
import os
import time
from pathlib import Path
from typing import Any, Final

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from .. import __version__
from .accesslog import note, request_id
from .checking import run_check
from .config import ServerConfig
from .limits import CheckSlots, RequestError
from .openapi import openapi_schema
from .requests import CheckRequest, parse_check_form, parse_check_json, read_json
from .stacks import ReloadFailed, StackRegistry

__all__ = ["Api", "STATIC_DIR"]

log = logging.getLogger(__name__)

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
_PAGE_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _unauthorized(message: str) -> RequestError:
    error = RequestError(401, "unauthorized", message)
    error.headers["WWW-Authenticate"] = 'Bearer realm="cuomin"'
    return error


class Api:
    """Handlers bound to one server's configuration, stacks and check slots."""

    def __init__(self, config: ServerConfig, registry: StackRegistry) -> None:
        self.config = config
        self.registry = registry
        self.slots = CheckSlots(config.limits.max_concurrent_checks, config.limits.timeout_seconds)
        self.started = time.time()

    # -- auth -----------------------------------------------------------------------------
    def authorized(self, request: Request) -> bool:
        given = _bearer(request)
        return self.config.token is None or (given is not None and _same(given, self.config.token))

    def authorize(self, request: Request) -> None:
        token = self.config.token
        if token is None:
            return
        given = _bearer(request)
        if given is None:
            raise _unauthorized("需要访问令牌：请在请求头中加入 Authorization: Bearer <令牌>")
        if not _same(given, token):
            raise _unauthorized("访问令牌不正确")

    def authorize_admin(self, request: Request) -> None:
        token = self.config.admin_token
        if token is None:
            raise RequestError(
                403, "forbidden", "没有配置管理令牌（--admin-token 或环境变量 CUOMIN_ADMIN_TOKEN），重载接口已关闭"
            )
        given = _bearer(request)
        if given is None:
            raise _unauthorized("重载词库需要管理令牌：请在请求头中加入 Authorization: Bearer <管理令牌>")
        if not _same(given, token):
            raise _unauthorized("管理令牌不正确")

    # -- checks ---------------------------------------------------------------------------
    async def check(self, request: Request) -> Response:
        self.authorize(request)
        body = await read_json(request)
        return await self._answer(request, parse_check_json(body, self.config.limits))

    async def check_file(self, request: Request) -> Response:
        self.authorize(request)
        return await self._answer(request, await parse_check_form(request, self.config.limits))

    async def _answer(self, request: Request, req: CheckRequest) -> Response:
        snapshot = self.registry.current  # read once: a reload cannot change it under us
        try:
            stack = snapshot.stack(req.stack)
        except KeyError:
            raise RequestError(
                422, "unknown_stack", f"没有名为“{req.stack}”的词库组；可用：{'、'.join(snapshot.stacks)}", field="stack"
            ) from None
        max_findings = self.config.limits.max_findings
        try:
            inline = not req.attachments and req.html is None and req.characters <= self.config.limits.inline_chars
            result = await self.slots.run(lambda deadline: run_check(stack, req, deadline, max_findings), inline=inline)
        except RequestError:
            raise
        except Exception as exc:
            log.exception("检查器出错（请求 %s）", request_id(request))
            raise RequestError(500, "checker_failed", f"检查器出错，本次未能完成检查：{exc}") from exc
        stats = result["stats"]
        note(
            request,
            stack=stack.config.name,
            dictionary_version=stack.version,
            characters=stats["characters"],
            attachments=stats["attachments"],
            findings=stats["findings"],
            blocking=result["blocking"],
        )
        return JSONResponse(result, headers={"Cache-Control": "no-store"})

    # -- information ----------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        snapshot = self.registry.current
        body: dict[str, Any] = {
            "status": "ok",
            "version": __version__,
            "pid": os.getpid(),
            "uptime_seconds": round(time.time() - self.started, 1),
            "generation": snapshot.generation,
            "loaded_at": snapshot.loaded_at.isoformat(timespec="seconds"),
            "default_stack": snapshot.default,
            "stacks": {name: s.version for name, s in snapshot.stacks.items()},
            "auth": self.config.token is not None,
            # the reason may name server paths: only for those who hold the token
            "last_reload_error": (
                self.registry.last_error
                if self.authorized(request) or self.registry.last_error is None
                else "重载失败（详情需携带访问令牌查看）"
            ),
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def dictionaries(self, request: Request) -> Response:
        self.authorize(request)
        snapshot = self.registry.current
        body = {
            "default_stack": snapshot.default,
            "generation": snapshot.generation,
            "stacks": [s.describe() for s in snapshot.stacks.values()],
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def reload(self, request: Request) -> Response:
        self.authorize_admin(request)
        try:
            snapshot, elapsed = await anyio.to_thread.run_sync(self.registry.reload)
        except ReloadFailed as exc:
            raise RequestError(500, "reload_failed", str(exc)) from None
        note(request, generation=snapshot.generation)
        body = {
            "reloaded": True,
            "generation": snapshot.generation,
            "elapsed_ms": round(elapsed * 1000, 1),
            "default_stack": snapshot.default,
            "stacks": {name: s.version for name, s in snapshot.stacks.items()},
            "note": "本进程已切换到新词库；同一服务的其他工作进程将在 1 秒内跟进" if self.config.sync_dir else "已切换到新词库",
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_schema(self.config))

    # -- the editors' page ----------------------------------------------------------------
    async def page(self, request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)
