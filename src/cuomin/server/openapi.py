"""The OpenAPI 3.1 description of the HTTP API, served at ``/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..model import Category, Part, Severity
from .config import ServerConfig

__all__ = ["openapi_schema"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


_STR_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}
_INT_OR_NULL: dict[str, Any] = {"type": ["integer", "null"]}

_SCHEMAS: dict[str, Any] = {
    "Attachment": {
        "type": "object",
        "required": ["name", "content"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 255, "description": "文件名（用后缀判断格式）"},
            "content": {"type": "string", "contentEncoding": "base64", "description": "文件内容，Base64 编码"},
            "media_type": {"type": ["string", "null"], "description": "如 application/pdf；可省略"},
        },
    },
    "CheckRequest": {
        "type": "object",
        "additionalProperties": False,
        "description": "text 与 html 二选一；至少给出 text、html、title、attachments 之一",
        "properties": {
            "text": {"type": ["string", "null"], "description": "纯文本正文；问题位置按此文本的字符偏移给出"},
            "html": {"type": ["string", "null"], "description": "网页源码（含隐藏内容、链接检查）"},
            "title": {"type": ["string", "null"], "description": "标题，单独检查（位置 part=title）"},
            "date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "发布日期 YYYY-MM-DD；过时名称、领导职务按此判断，默认今天",
            },
            "url": _STR_OR_NULL,
            "unit": {"type": ["string", "null"], "description": "单位或网站名称"},
            "column": {"type": ["string", "null"], "description": "栏目"},
            "stack": {"type": ["string", "null"], "description": "词库组名称，默认为服务的默认词库组"},
            "attachments": {"type": ["array", "null"], "items": _ref("Attachment")},
        },
    },
    "CheckFileRequest": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"}},
            "title": {"type": "string"},
            "date": {"type": "string", "format": "date"},
            "url": {"type": "string"},
            "unit": {"type": "string"},
            "column": {"type": "string"},
            "stack": {"type": "string"},
        },
    },
    "Location": {
        "type": ["object", "null"],
        "properties": {
            "part": {"type": "string", "enum": [p.value for p in Part]},
            "file": _STR_OR_NULL,
            "page": _INT_OR_NULL,
            "paragraph": _INT_OR_NULL,
            "sheet": _STR_OR_NULL,
            "cell": _STR_OR_NULL,
            "element": _STR_OR_NULL,
        },
    },
    "Finding": {
        "type": "object",
        "required": ["code", "category", "severity", "match", "start", "end", "suggestions", "explanation", "source"],
        "properties": {
            "code": {"type": "string", "description": "规则代码，如 WD600"},
            "category": {"type": "string", "enum": [c.value for c in Category]},
            "severity": {"type": "string", "enum": [s.value for s in Severity]},
            "match": {"type": "string", "description": "原文中的写法"},
            "start": {"type": "integer", "description": "在所属文本段中的起始字符偏移（text 模式即正文偏移）"},
            "end": {"type": "integer"},
            "line": {"type": "integer"},
            "column": {"type": "integer"},
            "context": {"type": "string", "description": "前后各约 20 字的上下文"},
            "suggestions": {"type": "array", "items": {"type": "string"}},
            "explanation": {"type": "string"},
            "layer": {"type": "string", "description": "产生该问题的词库层"},
            "entry": {"type": "string", "description": "词条编号"},
            "location": _ref("Location"),
            "source": {"type": "string", "enum": ["text", "html", "attachment"]},
            "attachment": {"type": ["string", "null"], "description": "附件或上传文件的文件名"},
        },
    },
    "FileResult": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "bytes": {"type": "integer"},
            "media_type": _STR_OR_NULL,
            "findings": {"type": "integer"},
            "error": {"type": ["string", "null"], "description": "文件无法读取时的原因"},
        },
    },
    "CheckResponse": {
        "type": "object",
        "required": ["blocking", "findings", "stats", "dictionary_version"],
        "properties": {
            "blocking": {"type": "boolean", "description": "是否阻止发布（按词库组的 block_on 策略）"},
            "findings": {"type": "array", "items": _ref("Finding")},
            "stats": {
                "type": "object",
                "properties": {
                    "findings": {"type": "integer"},
                    "listed": {"type": "integer"},
                    "truncated": {"type": "boolean"},
                    "blocking": {"type": "integer"},
                    "by_severity": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "by_category": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "characters": {"type": "integer"},
                    "attachments": {"type": "integer"},
                    "elapsed_ms": {"type": "number"},
                },
            },
            "files": {"type": "array", "items": _ref("FileResult")},
            "stack": {"type": "string"},
            "block_on": {"type": "array", "items": {"type": "string", "enum": [s.value for s in Severity]}},
            "dictionary_version": {"type": "string"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "code", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": {"type": "string", "description": "稳定的机器可读代码，如 body_too_large"},
                    "message": {"type": "string", "description": "中文说明"},
                    "field": {"type": "string", "description": "出错的字段"},
                },
            }
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "stacks"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "version": {"type": "string"},
            "pid": {"type": "integer", "description": "应答的工作进程号"},
            "uptime_seconds": {"type": "number"},
            "generation": {"type": "integer"},
            "loaded_at": {"type": "string"},
            "default_stack": {"type": "string"},
            "stacks": {"type": "object", "additionalProperties": {"type": "string"}},
            "auth": {"type": "boolean"},
            "last_reload_error": _STR_OR_NULL,
        },
    },
    "Dictionaries": {
        "type": "object",
        "properties": {
            "default_stack": {"type": "string"},
            "generation": {"type": "integer"},
            "stacks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                        "dictionary_version": {"type": "string"},
                        "block_on": {"type": "array", "items": {"type": "string"}},
                        "entries": {"type": "integer"},
                        "layers": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
    },
    "Reload": {
        "type": "object",
        "properties": {
            "reloaded": {"type": "boolean"},
            "generation": {"type": "integer"},
            "elapsed_ms": {"type": "number"},
            "default_stack": {"type": "string"},
            "stacks": {"type": "object", "additionalProperties": {"type": "string"}},
            "note": {"type": "string"},
        },
    },
}


def openapi_schema(config: ServerConfig) -> dict[str, Any]:
    limits = config.limits
    secured: list[dict[str, list[str]]] = [{"bearer": []}] if config.token else []
    check_errors = {
        "400": _error_response("请求体不是合法的 JSON 或 multipart"),
        "401": _error_response("缺少或错误的访问令牌"),
        "413": _error_response(f"请求体超过 {limits.max_body_bytes} 字节"),
        "415": _error_response("Content-Type 不对"),
        "422": _error_response(
            f"字段有误、词库组不存在、附件超过 {limits.max_attachments} 个，或检查超过 {limits.timeout_seconds:g} 秒"
        ),
        "500": _error_response("检查器本身出错（CMS 可据此选择放行或拦截）"),
        "503": _error_response("服务繁忙，稍后重试"),
    }
    ok = {"description": "检查结果", "content": {"application/json": {"schema": _ref("CheckResponse")}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cuomin 错敏词检查服务",
            "version": __version__,
            "description": "发布前检查：提交正文（纯文本或网页源码）、标题和附件，返回是否阻止发布及问题列表。",
        },
        "paths": {
            "/v1/check": {
                "post": {
                    "operationId": "check",
                    "summary": "检查正文、标题和附件",
                    "security": secured,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("CheckRequest")}},
                    },
                    "responses": {"200": ok, **check_errors},
                }
            },
            "/v1/check/file": {
                "post": {
                    "operationId": "checkFile",
                    "summary": "上传一个或多个文件检查（multipart/form-data，字段 file）",
                    "security": secured,
                    "requestBody": {
                        "required": True,
                        "content": {"multipart/form-data": {"schema": _ref("CheckFileRequest")}},
                    },
                    "responses": {"200": ok, **check_errors},
                }
            },
            "/v1/health": {
                "get": {
                    "operationId": "health",
                    "summary": "服务状态和已加载的词库版本（无需令牌）",
                    "security": [],
                    "responses": {
                        "200": {"description": "正常", "content": {"application/json": {"schema": _ref("Health")}}}
                    },
                }
            },
            "/v1/dictionaries": {
                "get": {
                    "operationId": "dictionaries",
                    "summary": "词库组、各层版本和拦截策略",
                    "security": secured,
                    "responses": {
                        "200": {"description": "词库组", "content": {"application/json": {"schema": _ref("Dictionaries")}}},
                        "401": _error_response("缺少或错误的访问令牌"),
                    },
                }
            },
            "/v1/reload": {
                "post": {
                    "operationId": "reload",
                    "summary": "重新加载词库并原子切换（需要管理令牌）",
                    "security": [{"admin": []}],
                    "responses": {
                        "200": {"description": "已切换", "content": {"application/json": {"schema": _ref("Reload")}}},
                        "401": _error_response("缺少或错误的管理令牌"),
                        "403": _error_response("没有配置管理令牌，重载接口关闭"),
                        "500": _error_response("新词库加载失败，继续使用原词库"),
                    },
                }
            },
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "访问令牌（--token）"},
                "admin": {"type": "http", "scheme": "bearer", "description": "管理令牌（--admin-token）"},
            },
        },
    }
