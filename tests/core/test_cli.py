"""`cuomin check`: exit codes, text and JSON output, encodings, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cuomin.cli import main

MINI = str(Path(__file__).parents[1] / "data" / "layers" / "mini")


@pytest.fixture()
def run(cache_dir: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["check", "--dict", MINI, "--cache-dir", str(cache_dir), "--select", "WD", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_exit_codes(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clean = tmp_path / "clean.txt"
    clean.write_text("各单位要认真贯彻落实。\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("截止到6月底，共受理120件。\n要按步就班推进。\n", encoding="utf-8")
    assert run(str(clean))[0] == 0
    assert run(str(bad))[0] == 1
    assert run("--fail-on", "critical", str(bad))[0] == 0
    assert run("--fail-on", "warning", "--ignore", "WD6", str(bad))[0] == 1
    assert run("--fail-on", "none", str(bad))[0] == 0


def test_text_output_is_chinese_with_location_and_explanation(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.txt"
    bad.write_text("第一行\n要按步就班推进。\n", encoding="utf-8")
    code, out, _ = run(str(bad))
    assert code == 1
    assert f"{bad}:2:2: 错误 WD600 按步就班 → 按部就班" in out
    assert "上下文" in out and "共检查 1 个文件，发现 1 处问题" in out
    assert "\033[" not in out  # not a terminal: no colour


def test_json_contract(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "国务院总理李克强强调，要按步就班。"
    f = tmp_path / "a.txt"
    f.write_text(text, encoding="utf-8")
    code, out, _ = run("--format", "json", "--date", "2024-03-01", str(f))
    data = json.loads(out)
    assert code == 1
    [file] = data["files"]
    assert file["path"] == str(f) and file["error"] is None
    keys = {"code", "category", "severity", "match", "start", "end", "line", "column", "context",
            "suggestions", "explanation", "layer", "entry", "location"}  # fmt: skip
    for finding in file["findings"]:
        assert set(finding) == keys
        assert text[finding["start"] : finding["end"]] == finding["match"]
    assert {x["entry"] for x in file["findings"]} == {"lead-国务院总理李克强", "typo-按步就班"}


def test_encodings_and_offsets_into_the_decoded_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "通知\r\n工作要按步就班。"
    files = {
        "gb.txt": text.encode("gb18030"),
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "u16.txt": text.encode("utf-16"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code, out, _ = run("--format", "json", *(str(tmp_path / n) for n in files))
    for file in json.loads(out)["files"]:
        assert file["error"] is None, file
        [finding] = file["findings"]
        assert text[finding["start"] : finding["end"]] == "按步就班"


def test_bad_input_is_reported_per_file_and_others_still_checked(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(128, 256)) * 4 + b"\xff\xfe\xfd")
    good = tmp_path / "good.txt"
    good.write_text("要按步就班。", encoding="utf-8")
    code, out, err = run("--format", "json", str(garbage), str(tmp_path / "missing.txt"), str(good))
    files = {Path(f["path"]).name: f for f in json.loads(out)["files"]}
    assert code == 2
    assert "编码" in files["garbage.txt"]["error"]
    assert "不存在" in files["missing.txt"]["error"]
    assert files["good.txt"]["error"] is None and len(files["good.txt"]["findings"]) == 1
    assert "Traceback" not in err


def test_configuration_errors_exit_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "layer.toml").write_text('name = "x"\nlevel = "national"\n', encoding="utf-8")
    (layer / "a.csv").write_text("term,category,severity,explanation\n某词,typo,huge,说明\n", encoding="utf-8")
    assert main(["check", "--dict", str(layer), "-"]) == 2
    err = capsys.readouterr().err
    assert "a.csv:2" in err and "严重程度" in err and "Traceback" not in err
    assert main(["check", "--date", "2024-13-01", "--dict", MINI]) == 2
    assert main(["check", "--no-such-option"]) == 2
    assert main([]) == 2


def test_stdin_and_console_script(cache_dir: Path) -> None:
    exe = Path(sys.executable).with_name("cuomin")
    proc = subprocess.run(
        [str(exe), "check", "--dict", MINI, "--cache-dir", str(cache_dir), "--select", "WD", "--format", "json", "-"],
        input="深入开展扫黑险恶专项斗争。".encode(),
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr.decode()
    [file] = json.loads(proc.stdout)["files"]
    assert file["path"] == "<stdin>" and file["findings"][0]["suggestions"] == ["扫黑除恶"]


def test_directory_is_walked(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("要按步就班。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("正常。", encoding="utf-8")
    code, out, _ = run("--format", "json", str(tmp_path))
    paths = [Path(f["path"]).name for f in json.loads(out)["files"]]
    assert code == 1 and "a.txt" in paths and "b.txt" in paths
