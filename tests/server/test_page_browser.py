"""The editors' page in a real browser: Playwright for Python driving Debian's chromium.

Paste a draft with known errors, see them highlighted by severity, jump to one, apply one
suggestion and then all, upload a file; screenshots are saved under the pytest tmp dir.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from .conftest import LiveServer  # noqa: E402

CHROMIUM = os.environ.get("CUOMIN_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# 𠮷 lies outside the BMP: one character for the server, two UTF-16 units for JavaScript.
DRAFT = "𠮷日讯　习近瓶总书记强调，工作要按步就班推进。\n国土资源部印发通知，希望大家再接再励。\n截止到6月底，共受理申请120件。"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium, see .ci/apt-packages.txt)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, start_server: Any, mini_config: Any) -> Iterator[Any]:
    live: LiveServer = start_server(mini_config)
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(live.url + "/")
    yield pg
    assert not errors, errors
    assert all(u.startswith(live.url) for u in requests), "the page must not load anything from elsewhere"
    context.close()


def test_paste_highlight_apply_one_and_all(page: Any, tmp_path: Path) -> None:
    page.fill("#date", "2024-05-01")
    page.fill("#title", "关于台湾总统讲话的评论")
    page.fill("#draft", DRAFT)
    page.click("#check-btn")
    page.wait_for_selector("#view mark")

    # every finding is highlighted at the right place, coloured by its severity
    marks = page.eval_on_selector_all("#view-body mark", "ms => ms.map(m => [m.textContent, m.className])")
    assert ["习近瓶", "sev-critical"] in marks
    assert ["按步就班", "sev-error"] in marks
    assert ["国土资源部", "sev-error"] in marks
    assert ["截止到", "sev-warning"] in marks
    title_marks = page.eval_on_selector_all("#view-title mark", "ms => ms.map(m => m.textContent)")
    assert title_marks == ["台湾总统"]
    assert page.text_content(".decision") == "阻止发布"
    items = page.locator("#findings li.finding")
    assert items.count() == len(marks) + len(title_marks)
    page.screenshot(path=str(tmp_path / "1-checked.png"), full_page=True)

    # click a finding in the list: its mark is flagged in the text
    page.locator("#findings li.finding", has_text="国土资源部").click()
    page.wait_for_selector("#view-body mark.active")
    assert page.text_content("#view-body mark.active") == "国土资源部"
    # click a mark in the text: its finding is selected in the list
    page.click("#view-body mark.sev-critical")
    assert "习近瓶" in page.text_content("#findings li.active")

    # apply one suggestion: the draft is changed at that place only, and re-checked
    page.locator("#findings li.finding", has_text="习近瓶").locator("button.apply").click()
    page.wait_for_function("() => !Array.from(document.querySelectorAll('#view-body mark')).some(m => m.textContent === '习近瓶')")
    draft = page.input_value("#draft")
    assert draft == DRAFT.replace("习近瓶", "习近平")
    assert "习近平" in page.text_content("#view-body")
    assert "已重新检查" in page.text_content("#message")
    page.screenshot(path=str(tmp_path / "2-applied-one.png"), full_page=True)

    # apply all: errors and critical ones are fixed, the context-dependent warning stays
    page.click("#apply-all-btn")
    page.wait_for_function("() => document.querySelectorAll('#view-body mark').length === 1")
    draft = page.input_value("#draft")
    assert "按部就班" in draft and "再接再厉" in draft and "自然资源部" in draft
    assert "截止到" in draft, "warnings are left to the editor"
    assert page.input_value("#title") == "关于台湾地区领导人讲话的评论"
    assert page.text_content("#view-body mark") == "截止到"
    assert page.text_content(".decision").startswith("可以发布")
    page.screenshot(path=str(tmp_path / "3-applied-all.png"), full_page=True)


def test_upload_shows_attachment_locations(page: Any, tmp_path: Path) -> None:
    notice = tmp_path / "通知.txt"
    notice.write_bytes("第一段。\n工作要按步就班推进。".encode("gb18030"))
    page.click("#tab-file")
    page.set_input_files("#file-input", str(notice))
    page.click("#upload-btn")
    page.wait_for_selector("#findings li.finding")
    where = page.text_content("#findings li.finding .where")
    assert "通知.txt" in where and "第2行" in where
    assert page.text_content("#findings li.finding .ctx b") == "按步就班"
    assert "1 处问题" in page.text_content("#file-list")
    page.screenshot(path=str(tmp_path / "4-upload.png"), full_page=True)


def test_token_is_asked_for_and_used(browser: Any, start_server: Any, mini_config: Any) -> None:
    import dataclasses

    live = start_server(dataclasses.replace(mini_config, token="s3cret"))
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(live.url + "/")
    pg.wait_for_selector("#token-dialog[open]")
    pg.fill("#token-input", "s3cret")
    pg.click("#token-dialog button[value=ok]")
    pg.fill("#draft", "希望大家再接再励。")
    pg.click("#check-btn")
    pg.wait_for_selector("#view-body mark")
    assert pg.text_content("#view-body mark") == "再接再励"
    context.close()
