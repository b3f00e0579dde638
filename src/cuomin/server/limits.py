"""Request limits: body size (413), attachment count and time (422), busy workers (503).

Every refusal is a :class:`RequestError` carrying the HTTP status, a stable machine code and
a Chinese message for the editor or the CMS developer. Status 5xx is kept for failures of
the checker itself, so that a CMS can decide to fail open or closed on those alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestError", "BodyLimitMiddleware", "CheckSlots", "Deadline", "CheckTimeout"]

T = TypeVar("T")

_MB: Final = 1024 * 1024


def human_size(n: int) -> str:
    if n >= _MB:
        return f"{n / _MB:.3g} MB"
    return f"{n / 1024:.3g} KB"


class RequestError(Exception):
    """A request that cannot be answered with a check result."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"status": self.status, "code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


def body_too_large(limit: int) -> RequestError:
    return RequestError(
        413,
        "body_too_large",
        f"请求体超过上限 {human_size(limit)}：请拆分附件分别检查，或请管理员调整 --max-body-mb",
    )


class BodyLimitMiddleware:
    """Refuse bodies over ``limit`` bytes: by Content-Length before reading, else while
    reading (the route's ``receive`` raises :class:`RequestError`, answered as 413)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit:
                    await _send_error(send, body_too_large(self.limit))
                    return
        seen = 0
        limit = self.limit

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise body_too_large(limit)
            return message

        await self.app(scope, limited_receive, send)


async def _send_error(send: Send, error: RequestError) -> None:
    import json

    payload = json.dumps(error.body(), ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(payload)).encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class CheckTimeout(Exception):
    """Raised inside a check when its deadline has passed."""


class Deadline:
    """A point in time that a check in a worker thread looks at between steps."""

    __slots__ = ("at", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise CheckTimeout

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


def too_slow(seconds: float) -> RequestError:
    return RequestError(
        422,
        "time_limit",
        f"检查超过时限 {seconds:g} 秒（内容过多）：请拆分正文或附件分别检查，或请管理员调整 --timeout",
    )


class CheckSlots:
    """Runs checks in worker threads, at most ``size`` at once in this process.

    A request waits for a slot for at most the time limit (then 503, the server is busy);
    the check itself gets what is left of the limit (then 422). A check that overruns is
    abandoned: its thread stops at the next step that looks at the deadline.
    """

    def __init__(self, size: int, seconds: float) -> None:
        self._size = size
        self._limiter: anyio.CapacityLimiter | None = None
        self.seconds = seconds

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # created on the event loop, at first use
            self._limiter = anyio.CapacityLimiter(self._size)
        return self._limiter

    async def run(self, fn: Callable[[Deadline], T], *, inline: bool = False) -> T:
        """Run ``fn(deadline)``; ``inline`` runs a small check on the event loop itself,
        which saves the thread hand-off (and the GIL ping-pong that comes with it)."""
        deadline = Deadline(self.seconds)
        if inline:
            try:
                return fn(deadline)
            except CheckTimeout:
                raise too_slow(self.seconds) from None
        limiter = self.limiter
        with anyio.move_on_after(deadline.remaining()) as waiting:
            await limiter.acquire()
        if waiting.cancelled_caught:
            error = RequestError(503, "busy", "服务繁忙，等待检查的请求过多，请稍后重试")
            error.headers["Retry-After"] = "1"
            raise error
        try:
            with anyio.move_on_after(deadline.remaining()) as running:
                result = await anyio.to_thread.run_sync(fn, deadline, abandon_on_cancel=True)
            if running.cancelled_caught:
                raise too_slow(self.seconds)
            return result
        except CheckTimeout:
            raise too_slow(self.seconds) from None
        finally:
            limiter.release()
