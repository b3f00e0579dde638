"""A rule package installed from outside (tests/plugins/cuomin_example_rules) is found
through the `cuomin.rules` entry point, runs in the checker, takes options from the
configuration and is listed by `cuomin rules`.

The test environment installs it:  pip install -e '.[test]' -e tests/plugins/cuomin_example_rules
These tests fail (they do not skip) when it is not installed: registration from outside is
what they prove."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

import cuomin
from cuomin.cli import main
from cuomin.config import load_config
from cuomin.rules import discover_rules

from .helpers import MINI

PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "cuomin_example_rules"
HINT = f"install the example plugin: .venv/bin/pip install -e {PLUGIN}"


def test_plugin_is_discovered_from_its_own_distribution() -> None:
    rules = discover_rules()
    assert "EX001" in rules, HINT
    [ep] = [ep for ep in importlib.metadata.entry_points(group="cuomin.rules") if ep.name == "EX001"]
    assert ep.dist is not None and ep.dist.name == "cuomin-example-rules"
    assert rules["EX001"].__module__ == "cuomin_example_rules.rules"


def test_plugin_rule_runs_in_the_checker(cache_dir: Path) -> None:
    checker = cuomin.Checker(dictionaries=[MINI], cache_dir=cache_dir)
    assert "EX001" in {r.code for r in checker.rules}, HINT
    text = "市 府 办印发通知，市政府办公室负责解释。"
    [f] = [f for f in checker.check_text(text) if f.code == "EX001"]
    assert f.match == "市 府 办" and f.suggestions == ("市政府办公室",) and f.severity.value == "warning"


def test_plugin_options_and_severity_from_configuration(tmp_path: Path, cache_dir: Path) -> None:
    cfg = tmp_path / "cuomin.toml"
    cfg.write_text('[rules.EX001]\nseverity = "error"\nabbreviations = { "区府办" = "区人民政府办公室" }\n', encoding="utf-8")
    config = load_config(cfg)
    checker = cuomin.Checker(**{**config.checker_kwargs(), "dictionaries": [MINI], "cache_dir": cache_dir})
    found = [f for f in checker.check_text("区府办和市府办联合发文。") if f.code == "EX001"]
    assert [(f.match, f.suggestions, f.severity.value) for f in found] == [("区府办", ("区人民政府办公室",), "error")]
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.EX001]\nabbreviations = 3\n", encoding="utf-8")
    with pytest.raises(cuomin.ConfigError, match="EX001"):
        cuomin.Checker(**{**load_config(bad).checker_kwargs(), "dictionaries": [MINI], "cache_dir": cache_dir})


def test_plugin_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json", "--select", "EX"]) == 0
    [row] = json.loads(capsys.readouterr().out)["rules"]
    assert row["code"] == "EX001" and row["package"] == "cuomin-example-rules"
