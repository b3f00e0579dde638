"""Turn HTTP request bodies into :class:`CheckRequest` values, or a clear Chinese refusal."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from .config import Limits
from .limits import RequestError

__all__ = ["Attachment", "CheckRequest", "parse_check_json", "parse_check_form", "read_json"]

_FIELDS: Final = ("text", "html", "title", "date", "url", "unit", "column", "stack", "attachments")
_META_FIELDS: Final = ("title", "date", "url", "unit", "column", "stack")
_MAX_NAME: Final = 255


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    data: bytes
    media_type: str | None = None


@dataclass(frozen=True, slots=True)
class CheckRequest:
    text: str | None = None
    html: str | None = None
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    unit: str | None = None
    column: str | None = None
    stack: str | None = None
    attachments: tuple[Attachment, ...] = ()

    @property
    def characters(self) -> int:
        return sum(len(v) for v in (self.text, self.html, self.title) if v)


def invalid(message: str, field: str | None = None) -> RequestError:
    return RequestError(422, "invalid_request", message, field=field)


async def read_json(request: Request) -> Any:
    ctype = request.headers.get("content-type", "")
    if ctype.split(";")[0].strip().lower() not in ("application/json", ""):
        raise RequestError(
            415,
            "unsupported_media_type",
            f"请求体应为 JSON（Content-Type: application/json），收到的是 {ctype}；上传文件请用 /v1/check/file",
        )
    body = await request.body()
    if not body.strip():
        raise RequestError(400, "empty_body", "请求体为空：应为 JSON，如 {\"text\": \"待检查的正文\"}")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise RequestError(400, "invalid_json", "请求体不是 UTF-8 编码的 JSON") from None
    except json.JSONDecodeError as exc:
        raise RequestError(400, "invalid_json", f"请求体不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}") from None


def _opt_str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"字段 {key} 应为字符串", key)
    return value


def _date(value: str | None, field: str = "date") -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise invalid(f"日期“{value}”格式不对，应为 YYYY-MM-DD", field) from None


def _stack(value: str | None) -> str | None:
    if value is not None and not value.strip():
        return None
    return value


def _attachment_name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("附件缺少文件名 name", field)
    name = value.strip().replace("\\", "/").rsplit("/", 1)[-1]
    if not name or len(name) > _MAX_NAME or any(ord(c) < 32 for c in name):
        raise invalid(f"附件文件名不合法：{value[:80]!r}", field)
    return name


def parse_check_json(obj: Any, limits: Limits) -> CheckRequest:
    """Validate the JSON body of ``POST /v1/check``."""
    if not isinstance(obj, dict):
        raise invalid("请求体应为 JSON 对象，如 {\"text\": \"待检查的正文\"}")
    unknown = sorted(set(obj) - set(_FIELDS))
    if unknown:
        raise invalid(f"不认识的字段：{'、'.join(unknown)}（可用：{'、'.join(_FIELDS)}）", unknown[0])
    text = _opt_str(obj, "text")
    html = _opt_str(obj, "html")
    if text is not None and html is not None:
        raise invalid("text 和 html 只能给一个：纯文本用 text，网页源码用 html", "html")
    raw_attachments = obj.get("attachments") or []
    if not isinstance(raw_attachments, list):
        raise invalid("attachments 应为数组", "attachments")
    if len(raw_attachments) > limits.max_attachments:
        raise RequestError(
            422,
            "too_many_attachments",
            f"附件 {len(raw_attachments)} 个，超过上限 {limits.max_attachments} 个：请分批检查",
            field="attachments",
        )
    attachments = []
    for i, item in enumerate(raw_attachments):
        where = f"attachments[{i}]"
        if not isinstance(item, dict):
            raise invalid("附件应为对象 {\"name\": 文件名, \"content\": Base64 内容}", where)
        extra = sorted(set(item) - {"name", "content", "media_type"})
        if extra:
            raise invalid(f"附件中不认识的字段：{'、'.join(extra)}（可用：name、content、media_type）", f"{where}.{extra[0]}")
        name = _attachment_name(item.get("name"), f"{where}.name")
        content = item.get("content")
        if not isinstance(content, str):
            raise invalid(f"附件“{name}”缺少 Base64 编码的 content", f"{where}.content")
        try:
            data = base64.b64decode("".join(content.split()), validate=True)  # MIME line breaks are fine
        except (binascii.Error, ValueError):
            raise invalid(f"附件“{name}”的 content 不是合法的 Base64", f"{where}.content") from None
        media_type = item.get("media_type")
        if media_type is not None and not isinstance(media_type, str):
            raise invalid("media_type 应为字符串", f"{where}.media_type")
        attachments.append(Attachment(name, data, media_type or None))
    if text is None and html is None and not attachments and not obj.get("title"):
        raise invalid("没有要检查的内容：请给出 text、html、title 或 attachments", "text")
    return CheckRequest(
        text=text,
        html=html,
        title=_opt_str(obj, "title"),
        date=_date(_opt_str(obj, "date")),
        url=_opt_str(obj, "url"),
        unit=_opt_str(obj, "unit"),
        column=_opt_str(obj, "column"),
        stack=_stack(_opt_str(obj, "stack")),
        attachments=tuple(attachments),
    )


async def parse_check_form(request: Request, limits: Limits) -> CheckRequest:
    """Validate a ``multipart/form-data`` body of ``POST /v1/check/file``."""
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise RequestError(
            415,
            "unsupported_media_type",
            f"上传文件应使用 multipart/form-data，收到的是 {ctype or '（未声明）'}；检查正文请用 /v1/check",
        )
    try:
        form = await request.form(max_files=limits.max_attachments + 1, max_fields=100)
    except HTTPException as exc:
        detail = str(exc.detail)
        if "files" in detail.lower():
            raise RequestError(
                422, "too_many_attachments", f"上传文件超过上限 {limits.max_attachments} 个：请分批检查", field="file"
            ) from None
        raise RequestError(400, "invalid_multipart", f"上传内容无法解析（multipart 格式有误）：{detail}") from None
    try:
        files: list[UploadFile] = []
        meta: dict[str, str] = {}
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files.append(value)
            elif key in _META_FIELDS:
                meta[key] = value
            else:
                raise invalid(f"不认识的表单字段：{key}（可用：file、{'、'.join(_META_FIELDS)}）", key)
        if not files:
            raise invalid("没有上传文件：请用表单字段 file 上传一个或多个文件", "file")
        if len(files) > limits.max_attachments:
            raise RequestError(
                422, "too_many_attachments", f"上传文件 {len(files)} 个，超过上限 {limits.max_attachments} 个：请分批检查", field="file"
            )
        attachments = []
        for i, upload in enumerate(files):
            name = _attachment_name(upload.filename or f"文件{i + 1}", f"file[{i}]")
            data = await upload.read()
            attachments.append(Attachment(name, data, upload.content_type or None))
        return CheckRequest(
            title=meta.get("title") or None,
            date=_date(meta.get("date")),
            url=meta.get("url") or None,
            unit=meta.get("unit") or None,
            column=meta.get("column") or None,
            stack=_stack(meta.get("stack")),
            attachments=tuple(attachments),
        )
    finally:
        await form.close()
