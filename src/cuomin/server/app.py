"""The ASGI application of ``cuomin serve`` (Starlette), built from a :class:`ServerConfig`.

``create_app(config)`` loads the dictionary stacks (before serving the first request) and
returns the app. uvicorn's worker processes build theirs with :func:`app_from_environment`,
which reads the configuration from :data:`~cuomin.server.config.CONFIG_ENV`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Final

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..dictionary.compile_process import CompileProcess
from .accesslog import AccessLogMiddleware
from .config import ServerConfig
from .limits import BodyLimitMiddleware, RequestError
from .routes import STATIC_DIR, Api
from .stacks import StackRegistry

__all__ = ["create_app", "app_from_environment"]

log = logging.getLogger(__name__)

#: How often a worker looks whether another worker has reloaded the dictionaries.
FOLLOW_INTERVAL: Final = 0.5

_HTTP_MESSAGES: Final = {
    404: ("not_found", "没有这个地址：接口见 /v1/openapi.json，编辑检查页面在 /"),
    405: ("method_not_allowed", "这个地址不接受该请求方法：接口见 /v1/openapi.json"),
}


async def _request_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestError)
    return JSONResponse(exc.body(), status_code=exc.status, headers={"Cache-Control": "no-store", **exc.headers})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
    error = RequestError(exc.status_code, code, message)
    return JSONResponse(error.body(), status_code=exc.status_code, headers=dict(exc.headers or {}))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("未处理的服务器错误", exc_info=exc)
    error = RequestError(500, "internal_error", "服务器内部错误，本次未能完成检查")
    return JSONResponse(error.body(), status_code=500)


def create_app(config: ServerConfig, registry: StackRegistry | None = None) -> Starlette:
    """The app; loads the stacks now unless a registry is given."""
    registry = registry or StackRegistry(config, compiler=CompileProcess())
    api = Api(config, registry)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tg:
            if config.sync_dir:
                tg.start_soon(_follow_reloads, registry)
            tg.start_soon(anyio.to_thread.run_sync, registry.start_compiler)
            try:
                yield
            finally:
                tg.cancel_scope.cancel()
                if registry.compiler is not None:
                    registry.compiler.close()

    routes = [
        Route("/", api.page, methods=["GET"]),
        Route("/v1/check", api.check, methods=["POST"]),
        Route("/v1/check/file", api.check_file, methods=["POST"]),
        Route("/v1/health", api.health, methods=["GET"]),
        Route("/v1/dictionaries", api.dictionaries, methods=["GET"]),
        Route("/v1/reload", api.reload, methods=["POST"]),
        Route("/v1/openapi.json", api.openapi, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [
        Middleware(AccessLogMiddleware, enabled=config.access_log),
        Middleware(BodyLimitMiddleware, limit=config.limits.max_body_bytes),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            RequestError: _request_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.registry = registry
    app.state.config = config
    return app


async def _follow_reloads(registry: StackRegistry) -> None:
    """Poll the shared generation counter; reload when another worker has."""
    while True:
        await anyio.sleep(FOLLOW_INTERVAL)
        try:
            await anyio.to_thread.run_sync(registry.follow)
        except Exception:  # never let the watcher die
            log.exception("跟进词库重载时出错")


def app_from_environment() -> Starlette:
    """uvicorn factory for worker processes (``cuomin.server.app:app_from_environment``)."""
    return create_app(ServerConfig.from_environment())
