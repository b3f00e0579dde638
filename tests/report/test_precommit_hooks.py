"""``.pre-commit-hooks.yaml``: well formed, and its entries work the way pre-commit runs them
(entry + args + the changed file names)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "layers" / "mini"


@pytest.fixture(scope="module")
def hooks() -> list[dict[str, Any]]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_hooks_have_what_pre_commit_needs(hooks: list[dict[str, Any]]) -> None:
    assert [h["id"] for h in hooks] == ["cuomin", "cuomin-critical"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["entry"].startswith("cuomin check")


def test_hooks_only_pick_files_cuomin_can_read(hooks: list[dict[str, Any]]) -> None:
    from cuomin.extract import SUPPORTED_SUFFIXES

    for hook in hooks:
        pattern = re.compile(hook["files"])
        suffixes = re.search(r"\\\.\((.*)\)\$", hook["files"]).group(1).replace("html?", "html|htm").split("|")  # type: ignore[union-attr]
        assert {f".{s}" for s in suffixes} <= SUPPORTED_SUFFIXES
        for name in ("index.html", "news/2024/0501.SHTML", "附件/通知.docx", "名单.xlsx", "README.md", "a.pdf"):
            assert pattern.search(name), name
        for name in ("style.css", "app.js", "logo.png", "Makefile"):
            assert not pattern.search(name), name


def run_hook(hook: dict[str, Any], files: list[Path], cache_dir: Path) -> subprocess.CompletedProcess[str]:
    """As pre-commit does: the entry, the user's args, then the file names."""
    entry = shlex.split(hook["entry"])
    assert entry[0] == "cuomin"
    args = ["--dict", str(MINI), "--select", "WD,FL", "--cache-dir", str(cache_dir), "--date", "2024-01-01"]
    launcher = [sys.executable, "-c", "import sys; from cuomin.cli import run; sys.argv[0] = 'cuomin'; run()"]
    return subprocess.run([*launcher, *entry[1:], *args, *map(str, files)], capture_output=True, text=True, timeout=120)


def test_hooks_pass_clean_files_and_fail_on_findings(hooks: list[dict[str, Any]], tmp_path: Path, cache_dir: Path) -> None:
    clean = tmp_path / "clean.html"
    clean.write_text("<html><body><p>今天天气很好。</p></body></html>", encoding="utf-8")
    typo = tmp_path / "typo.html"
    typo.write_text("<html><body><p>希望大家再接再励。</p></body></html>", encoding="utf-8")
    leader = tmp_path / "leader.txt"
    leader.write_text("习近瓶总书记强调。", encoding="utf-8")
    by_id = {h["id"]: h for h in hooks}

    ok = run_hook(by_id["cuomin"], [clean], cache_dir)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = run_hook(by_id["cuomin"], [clean, typo], cache_dir)
    assert failed.returncode == 1 and "再接再励" in failed.stdout and "typo.html" in failed.stdout
    # the critical-only hook lets the ordinary typo through, not the leader's name
    assert run_hook(by_id["cuomin-critical"], [typo], cache_dir).returncode == 0
    critical = run_hook(by_id["cuomin-critical"], [typo, leader], cache_dir)
    assert critical.returncode == 1 and "习近瓶" in critical.stdout
