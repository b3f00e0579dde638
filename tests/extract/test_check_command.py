"""`cuomin check` on the formats government sites publish: directory walking, locations in the
text and JSON output, unreadable attachments, limits."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from cuomin.cli import main

from .builders import make_docx, make_pdf, make_zip

MINI = str(Path(__file__).parents[1] / "data" / "layers" / "mini")


@pytest.fixture()
def run(cache_dir: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["check", "--dict", MINI, "--cache-dir", str(cache_dir), "--select", "WD,FL", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "index.shtml").write_text(
        "<html><head><title>通知</title></head><body><div id=main><p>正文</p><p>要按步就班。</p></div></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "art" / "附件.pdf").write_bytes(make_pdf([["第一页"], ["深入开展扫黑险恶专项斗争"]]))
    (tmp_path / "art" / "方案.docx").write_bytes(make_docx(lambda d: d.add_paragraph("希望大家再接再励。")))
    wb = openpyxl.Workbook()
    wb.active.title = "名单"
    wb.active["C3"] = "内部资料"
    wb.save(tmp_path / "art" / "名单.xlsx")
    (tmp_path / "art" / "打包.zip").write_bytes(make_zip({"说明/a.txt": "共商国事".encode("gb18030")}))
    (tmp_path / "art" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not walked")
    return tmp_path


def test_directory_of_attachments_with_locations(run, site: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(str(site))
    assert code == 1, err
    assert "[正文 第2段 div#main>p[2]]" in out
    assert "[正文 第2页 第1段]" in out
    assert "[正文 第1段]" in out  # the DOCX paragraph
    assert "[正文 工作表“名单” 单元格 C3]" in out
    assert "[附件 说明/a.txt]" in out
    assert "photo.jpg" not in out
    assert "共检查 5 个文件" in out


def test_json_location(run, site: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("--format", "json", str(site / "art" / "名单.xlsx"))
    [file] = json.loads(out)["files"]
    [finding] = file["findings"]
    assert finding["location"] == {
        "part": "body", "file": None, "page": None, "paragraph": None,
        "sheet": "名单", "cell": "C3", "element": None,
    }  # fmt: skip


def test_unreadable_attachment_is_a_critical_finding_and_exit_2(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "加密.pdf"
    bad.write_bytes(make_pdf([["机密"]], user_password="x"))
    good = tmp_path / "ok.txt"
    good.write_text("正常文字。", encoding="utf-8")
    code, out, err = run(str(bad), str(good))
    assert code == 2 and "Traceback" not in err
    assert "严重 FL001" in out and "附件无法打开：文件已加密" in out
    assert f"[附件 {bad}]" in out
    # Ignoring the code is the user's choice: then nothing blocks.
    assert run("--ignore", "FL", str(bad), str(good))[0] == 0


def test_limits_option(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.txt"
    big.write_text("按步就班" * 1000, encoding="utf-8")
    code, out, _ = run("--limit", "max_bytes=1K", str(big))
    assert code == 2 and "FL004" in out and "文件过大" in out
    code, _, err = run("--limit", "max_pages=abc", str(big))
    assert code == 2 and "max_pages" in err
    code, _, err = run("--limit", "no_such=1", str(big))
    assert code == 2 and "未知的限制" in err
