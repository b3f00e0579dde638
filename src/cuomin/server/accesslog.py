"""Structured access logs: one JSON object per request, never the submitted text.

A record holds the request id, client address, method, path, status, body sizes, duration
and, for checks, the stack, dictionary version, finding count and decision. Routes add
their part through :func:`note`; titles, texts, file names and tokens are never logged.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any, Final

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["AccessLogMiddleware", "note", "ACCESS_LOGGER"]

ACCESS_LOGGER: Final = "cuomin.server.access"
log = logging.getLogger(ACCESS_LOGGER)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_STATE_KEY: Final = "cuomin_access"


def note(request: Request, **fields: Any) -> None:
    """Add fields to this request's access record."""
    record = request.scope.setdefault("state", {}).setdefault(_STATE_KEY, {})
    record.update(fields)


def request_id(request: Request) -> str:
    return str(request.scope.get("state", {}).get(_STATE_KEY, {}).get("request_id", ""))


class AccessLogMiddleware:
    """Gives every request an id (``X-Request-ID`` if the client sent a sane one), echoes it
    in the response, and logs one record when the response is done."""

    def __init__(self, app: ASGIApp, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                candidate = value.decode("latin-1")
                if _REQUEST_ID.match(candidate):
                    rid = candidate
                break
        rid = rid or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        record: dict[str, Any] = state.setdefault(_STATE_KEY, {})
        record["request_id"] = rid
        status = 500
        sent = 0
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
            return message

        async def logging_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode("latin-1")))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, logging_send)
        finally:
            if self.enabled and log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                entry = {
                    "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "client": client[0] if client else None,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "request_bytes": received,
                    "response_bytes": sent,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    **record,
                }
                log.info(json.dumps(entry, ensure_ascii=False))
