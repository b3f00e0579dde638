"""The HTTP API over a real loopback connection: checks, uploads, auth, errors, schema."""

from __future__ import annotations

import base64
import io
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cuomin
from cuomin.server import ServerConfig, StackConfig

from .conftest import MINI, LiveServer

AUTH = {"Authorization": "Bearer editor-token"}
ADMIN = {"Authorization": "Bearer admin-token"}


def check(server: LiveServer, payload: Any, **kwargs: Any) -> httpx.Response:
    with server.client() as c:
        return c.post("/v1/check", json=payload, headers=AUTH, **kwargs)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_check_text_gives_decision_findings_and_version(server: LiveServer, cache_dir: Path) -> None:
    text = "习近瓶总书记强调，工作要按步就班推进。"
    r = check(server, {"text": text, "date": "2024-05-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["blocking"] is True
    assert body["dictionary_version"] == cuomin.load_dictionary([MINI], cache_dir=cache_dir).version
    assert body["stack"] == "default" and body["block_on"] == ["critical"]
    found = {f["match"]: f for f in body["findings"]}
    assert set(found) == {"习近瓶", "按步就班"}
    for f in body["findings"]:
        assert text[f["start"] : f["end"]] == f["match"]
        assert f["source"] == "text" and f["location"]["part"] == "body"
    assert found["习近瓶"]["suggestions"] == ["习近平"]
    assert body["stats"]["findings"] == 2 and body["stats"]["blocking"] == 1
    assert body["stats"]["by_severity"] == {"critical": 1, "error": 1, "warning": 0}
    assert body["stats"]["characters"] == len(text)


def test_errors_alone_do_not_block_by_default(server: LiveServer) -> None:
    body = check(server, {"text": "工作要按步就班推进。"}).json()
    assert [f["severity"] for f in body["findings"]] == ["error"]
    assert body["blocking"] is False


def test_title_is_checked_on_its_own(server: LiveServer) -> None:
    body = check(server, {"title": "关于台湾总统讲话", "text": "正文没有问题。"}).json()
    [f] = body["findings"]
    assert f["location"]["part"] == "title" and "关于台湾总统讲话"[f["start"] : f["end"]] == "台湾总统"


def test_the_date_decides_outdated_names(server: LiveServer) -> None:
    text = "国务院总理李克强主持召开常务会议。"
    assert check(server, {"text": text, "date": "2020-06-01"}).json()["findings"] == []
    later = check(server, {"text": text, "date": "2024-06-01"}).json()["findings"]
    assert [f["match"] for f in later] == ["国务院总理李克强"]


def test_html_body_is_extracted_and_checked(server: LiveServer) -> None:
    html = (
        "<html><head><title>通知</title></head><body>"
        "<div class='article'><p>习近<span>瓶</span>总书记强调。</p><p>工作要按步就班推进。</p></div>"
        "</body></html>"
    )
    body = check(server, {"html": html}).json()
    matches = sorted(f["match"] for f in body["findings"] if f["code"].startswith("WD"))
    assert matches == ["习近瓶", "按步就班"], "a term split across tags is still found"
    assert all(f["source"] == "html" for f in body["findings"])
    assert body["blocking"] is True


def test_attachments_are_checked_with_their_location(server: LiveServer) -> None:
    payload = {
        "text": "正文没有问题。",
        "attachments": [
            {"name": "名单.txt", "content": b64("第一段。\n希望大家再接再励。".encode("gb18030"))},
            {"name": "通知.docx", "content": b64(docx_bytes("第一段。", "深入开展扫黑险恶专项斗争。"))},
        ],
    }
    body = check(server, payload).json()
    by_file = {f["attachment"]: f for f in body["findings"]}
    assert set(by_file) == {"名单.txt", "通知.docx"}
    assert by_file["名单.txt"]["match"] == "再接再励" and by_file["名单.txt"]["location"]["file"] == "名单.txt"
    docx_finding = by_file["通知.docx"]
    assert docx_finding["match"] == "扫黑险恶" and docx_finding["location"]["file"] == "通知.docx"
    assert docx_finding["location"]["paragraph"] == 2
    assert body["blocking"] is True  # 扫黑险恶 is critical in the mini layer
    assert [(f["name"], f["findings"], f["error"]) for f in body["files"]] == [("名单.txt", 1, None), ("通知.docx", 1, None)]


def test_file_upload_checks_each_file(server: LiveServer) -> None:
    files = [
        ("file", ("a.txt", "工作要按步就班推进。".encode(), "text/plain")),
        ("file", ("b.docx", docx_bytes("国土资源部印发通知。"), "application/octet-stream")),
        ("file", ("broken.docx", b"PK\x03\x04 not really a zip", "application/octet-stream")),
    ]
    with server.client() as c:
        r = c.post("/v1/check/file", files=files, data={"date": "2024-01-01"}, headers=AUTH)
    assert r.status_code == 200, r.text
    body = r.json()
    names = [f["name"] for f in body["files"]]
    assert names == ["a.txt", "b.docx", "broken.docx"]
    broken = body["files"][2]
    assert broken["error"], "a file that cannot be opened says so"
    [problem] = [f for f in body["findings"] if f["attachment"] == "broken.docx"]
    assert problem["category"] == "file" and problem["code"].startswith("FL")
    assert {f["match"] for f in body["findings"] if f["attachment"] != "broken.docx"} == {"按步就班", "国土资源部"}


# -- auth -------------------------------------------------------------------------------------
def test_auth_is_required_when_a_token_is_set(server: LiveServer) -> None:
    with server.client() as c:
        missing = c.post("/v1/check", json={"text": "正文"})
        wrong = c.post("/v1/check", json={"text": "正文"}, headers={"Authorization": "Bearer nope"})
        ok = c.post("/v1/check", json={"text": "正文"}, headers=AUTH)
        health = c.get("/v1/health")
        dicts = c.get("/v1/dictionaries")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert "令牌" in missing.json()["error"]["message"]
    assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "访问令牌不正确"
    assert ok.status_code == 200
    assert health.status_code == 200 and health.json()["auth"] is True
    assert dicts.status_code == 401


def test_reload_needs_the_admin_token(server: LiveServer) -> None:
    with server.client() as c:
        assert c.post("/v1/reload").status_code == 401
        assert c.post("/v1/reload", headers=AUTH).status_code == 401
        r = c.post("/v1/reload", headers=ADMIN)
    assert r.status_code == 200 and r.json()["reloaded"] is True


def test_reload_is_off_without_an_admin_token(start_server: Any, mini_config: ServerConfig) -> None:
    live = start_server(mini_config)
    with live.client() as c:
        r = c.post("/v1/reload", headers=ADMIN)
    assert r.status_code == 403 and "管理令牌" in r.json()["error"]["message"]


# -- malformed requests -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "invalid_json"),
        (b"", "application/json", 400, "empty_body"),
        ("\ufeff".encode("utf-16"), "application/json", 400, "invalid_json"),
        (b'["text"]', "application/json", 422, "invalid_request"),
        (b'{"text": 5}', "application/json", 422, "invalid_request"),
        (b'{"txt": "x"}', "application/json", 422, "invalid_request"),
        (b'{"text": "a", "html": "<p>a</p>"}', "application/json", 422, "invalid_request"),
        (b'{"text": "a", "date": "2024-13-01"}', "application/json", 422, "invalid_request"),
        (b'{"text": "a", "stack": "nope"}', "application/json", 422, "unknown_stack"),
        (b'{"attachments": [{"name": "a.txt", "content": "%%%"}]}', "application/json", 422, "invalid_request"),
        (b'{"attachments": [{"content": "YQ=="}]}', "application/json", 422, "invalid_request"),
        (b'{"attachments": "a.txt"}', "application/json", 422, "invalid_request"),
        (b"{}", "application/json", 422, "invalid_request"),
        (b"text=a", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_malformed_requests_get_a_clear_chinese_error(
    server: LiveServer, body: bytes, content_type: str, status: int, code: str
) -> None:
    with server.client() as c:
        r = c.post("/v1/check", content=body, headers={**AUTH, "Content-Type": content_type})
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["status"] == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), "the message is in Chinese"


def test_unknown_paths_and_methods_answer_in_json(server: LiveServer) -> None:
    with server.client() as c:
        missing = c.get("/v1/nothing")
        method = c.get("/v1/check")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert method.status_code == 405 and method.json()["error"]["code"] == "method_not_allowed"


def test_upload_without_files_or_with_wrong_type(server: LiveServer) -> None:
    with server.client() as c:
        no_file = c.post("/v1/check/file", data={"date": "2024-01-01"}, files={"x": ("", b"")}, headers=AUTH)
        as_json = c.post("/v1/check/file", json={"text": "a"}, headers=AUTH)
    assert no_file.status_code == 422
    assert as_json.status_code == 415


# -- limits -----------------------------------------------------------------------------------
def test_body_over_the_limit_is_refused_by_length(server: LiveServer) -> None:
    r = check(server, {"text": "字" * 40_000})  # 120 KB of UTF-8 > 64 KB
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large" and "64 KB" in r.json()["error"]["message"]


def test_body_over_the_limit_is_refused_while_streaming(server: LiveServer) -> None:
    def chunks() -> Any:  # no Content-Length: chunked transfer encoding
        yield b'{"text": "'
        for _ in range(100):
            yield "字".encode() * 1000
        yield b'"}'

    with server.client() as c:
        r = c.post("/v1/check", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"


def test_too_many_attachments(server: LiveServer) -> None:
    attachments = [{"name": f"{i}.txt", "content": b64(b"a")} for i in range(4)]
    r = check(server, {"attachments": attachments})
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_attachments"
    files = [("file", (f"{i}.txt", b"a", "text/plain")) for i in range(4)]
    with server.client() as c:
        r = c.post("/v1/check/file", files=files, headers=AUTH)
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_attachments"


# -- schema, logs, page -----------------------------------------------------------------------
def _validator(doc: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**doc, "$ref": f"#/components/schemas/{name}"})


def test_responses_follow_the_openapi_schema(server: LiveServer) -> None:
    with server.client() as c:
        doc = c.get("/v1/openapi.json").json()
        ok = c.post("/v1/check", json={"text": "习近瓶总书记。", "attachments": [{"name": "a.txt", "content": b64("再接再励".encode())}]}, headers=AUTH)
        bad = c.post("/v1/check", json={"text": 1}, headers=AUTH)
        health = c.get("/v1/health")
        dicts = c.get("/v1/dictionaries", headers=AUTH)
    assert doc["openapi"].startswith("3.1") and set(doc["paths"]) >= {"/v1/check", "/v1/check/file", "/v1/reload"}
    _validator(doc, "CheckResponse").validate(ok.json())
    _validator(doc, "Error").validate(bad.json())
    _validator(doc, "Health").validate(health.json())
    _validator(doc, "Dictionaries").validate(dicts.json())
    request_schema = _validator(doc, "CheckRequest")
    request_schema.validate({"text": "a", "attachments": [{"name": "a.txt", "content": "YQ=="}]})
    with pytest.raises(jsonschema.ValidationError):
        request_schema.validate({"txt": "a"})


def test_access_log_has_no_submitted_text(server: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cuomin.server.access")
    secret = "机密草稿内容习近瓶"
    with server.client() as c:
        r = c.post(
            "/v1/check",
            json={"text": secret, "title": "秘密标题", "attachments": [{"name": "私人名单.txt", "content": b64("再接再励".encode())}]},
            headers={**AUTH, "X-Request-ID": "cms-42"},
        )
    assert r.headers["x-request-id"] == "cms-42"
    records = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "cuomin.server.access"]
    [entry] = [e for e in records if e.get("request_id") == "cms-42"]
    assert entry["status"] == 200 and entry["path"] == "/v1/check" and entry["findings"] == 2
    assert entry["blocking"] is True and entry["request_bytes"] > 0
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    for leak in ("机密草稿", "秘密标题", "私人名单", "editor-token"):
        assert leak not in logged


def test_the_page_and_its_files_are_served_from_the_package(server: LiveServer) -> None:
    with server.client() as c:
        page = c.get("/")
        assets = [c.get(f"/static/{name}") for name in ("app.js", "app.css")]
    assert page.status_code == 200 and "错敏词检查" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for text in [page.text] + [a.text for a in assets]:
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


def test_the_page_labels_match_the_model() -> None:
    from cuomin.model import Category, Part, Severity
    from cuomin.server.routes import STATIC_DIR

    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    for enum in (Severity, Category, Part):
        for member in enum:
            assert f"{member.value}: \"{member.label}\"" in script, f"{member} label missing in app.js"


def test_blocking_policy_is_per_stack(start_server: Any, cache_dir: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "serve.toml"
    config_file.write_text(
        f"""
default_stack = "lenient"
[stacks.lenient]
layers = ["{MINI.as_posix()}"]
select = ["WD", "FL"]
[stacks.strict]
layers = ["{MINI.as_posix()}"]
select = ["WD", "FL"]
block_on = ["critical", "error"]
description = "严格"
""",
        encoding="utf-8",
    )
    live = start_server(ServerConfig(cli_stack=None, config_file=str(config_file), cache_dir=str(cache_dir)))
    text = {"text": "工作要按步就班推进。"}
    with live.client() as c:
        lenient = c.post("/v1/check", json=text).json()
        strict = c.post("/v1/check", json={**text, "stack": "strict"}).json()
        stacks = c.get("/v1/dictionaries").json()
    assert (lenient["stack"], lenient["blocking"]) == ("lenient", False)
    assert (strict["stack"], strict["blocking"]) == ("strict", True)
    assert stacks["default_stack"] == "lenient"
    assert [(s["name"], s["block_on"]) for s in stacks["stacks"]] == [
        ("lenient", ["critical"]),
        ("strict", ["critical", "error"]),
    ]


def test_server_config_survives_the_trip_to_workers(cache_dir: Path) -> None:
    config = ServerConfig(
        cli_stack=StackConfig("default", layers=(str(MINI),), block_on=("critical", "error"), select=("WD", "FL")),
        token="t",
        cache_dir=str(cache_dir),
    )
    assert ServerConfig.from_json(config.to_json()) == config


# -- properties -------------------------------------------------------------------------------
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_FIELDS = ("text", "html", "title", "date", "url", "unit", "column", "stack", "attachments")


@settings(max_examples=120, deadline=None)
@given(
    st.one_of(
        _JSON,
        st.fixed_dictionaries({}, optional={k: _JSON | st.text(max_size=30) for k in _FIELDS}),
        st.fixed_dictionaries(
            {"attachments": st.lists(st.fixed_dictionaries({}, optional={"name": _JSON | st.text(max_size=10), "content": _JSON | st.text(max_size=10), "media_type": _JSON}), max_size=3)}
        ),
    )
)
def test_no_json_body_makes_the_server_fail(server: LiveServer, payload: Any) -> None:
    with server.client() as c:
        r = c.post("/v1/check", json=payload, headers=AUTH)
    assert r.status_code in (200, 400, 413, 415, 422), r.text
    body = r.json()
    if r.status_code != 200:
        assert body["error"]["status"] == r.status_code and body["error"]["message"]


_TERMS = ("习近瓶", "按步就班", "再接再励", "国土资源部", "截止到", "台湾总统")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_TERMS), st.text(alphabet="的一是在不了有和人这中大为上个国我以要他𠮷😀\n　 ，。abc", max_size=8)),
        max_size=12,
    )
)
def test_offsets_index_the_submitted_text(server: LiveServer, pieces: list[str]) -> None:
    text = "".join(pieces)
    body = check(server, {"text": text, "date": "2024-01-01"}).json()
    for f in body["findings"]:
        assert text[f["start"] : f["end"]] == f["match"]
    found = [f["match"] for f in body["findings"]]
    for term in ("习近瓶", "按步就班", "再接再励"):
        assert found.count(term) == text.count(term)


def test_inline_checks_answer_like_threaded_ones(start_server: Any, mini_config: ServerConfig) -> None:
    threaded = start_server(mini_config.with_limits(inline_chars=0))
    inline = start_server(mini_config.with_limits(inline_chars=100_000))
    payload = {"title": "台湾总统", "text": "习近瓶总书记强调，工作要按步就班推进。截止到6月底。", "date": "2024-01-01"}
    answers = []
    for live in (threaded, inline):
        with live.client() as c:
            body = c.post("/v1/check", json=payload).json()
        body["stats"].pop("elapsed_ms")
        answers.append(body)
    assert answers[0] == answers[1] and answers[0]["stats"]["findings"] == 4
