"""Every built-in rule is registered through the entry point, documented and well formed;
`cuomin rules` lists them; rule data tables parse."""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
from pathlib import Path

import pytest

from cuomin.cli import main
from cuomin.data import read_lines, read_toml
from cuomin.rules import CODE_PATTERN, discover_rules

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_FAMILIES = ("WD", "PI", "SM", "DT", "FM", "LD", "SV", "FT", "HL", "NM", "SP")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _builtin_entry_points() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(data["project"]["entry-points"]["cuomin.rules"])


def test_builtins_are_registered_like_third_party_rules() -> None:
    declared = _builtin_entry_points()
    rules = discover_rules()
    for code, target in declared.items():
        assert code in rules, f"{code} declared in pyproject.toml but not installed (re-run pip install -e .)"
        cls = rules[code]
        assert f"{cls.__module__}:{cls.__qualname__}" == target
        assert cls.__module__.startswith("cuomin.rules.")
    assert {c[:2] for c in declared} == set(BUILTIN_FAMILIES)


def test_rules_are_well_formed() -> None:
    for code, cls in discover_rules().items():
        for c in cls.codes():
            assert CODE_PATTERN.match(c)
        assert re.search(r"[\u4e00-\u9fff]", cls.description), f"{code}: description must be Chinese"
        assert cls.name and cls.name.isascii()


def test_docs_describe_every_builtin_code() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for cls in discover_rules().values():
        if cls.__module__.startswith("cuomin."):
            for c in cls.codes():
                if not c.startswith("WD"):
                    assert c in doc, f"docs/rules.md does not describe {c}"
    assert "cuomin.rules" in doc and "entry-points" in doc


def test_data_tables_parse() -> None:
    for name in ("leaders.toml", "formulations.toml", "protected.toml", "spam.toml"):
        assert read_toml(name)
    assert read_lines("similar_shapes.txt")


def test_cuomin_rules_lists_everything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for code in discover_rules():
        assert re.search(rf"^{code} ", out, re.M), code
    assert "共 " in out and "严重" in out
    assert main(["rules", "--format", "json", "--select", "PI"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in data["rules"]] == ["PI001", "PI002", "PI003", "PI004", "PI005"]
    assert data["rules"][0]["package"] == "cuomin" and data["rules"][0]["severity"] == "critical"


def test_entry_point_distribution_of_builtins() -> None:
    eps = [ep for ep in importlib.metadata.entry_points(group="cuomin.rules") if ep.name == "PI001"]
    assert eps and eps[0].dist is not None and eps[0].dist.name == "cuomin"
