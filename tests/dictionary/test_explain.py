"""`cuomin dict explain TERM`: layers that define, change or retract it, and the verdict."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from core.layers import entry, write_layer

from cuomin.cli import main
from cuomin.dictionary.explain import explain_term
from cuomin.dictionary.records import Action


@pytest.fixture()
def chain(national: Path) -> Path:
    write_layer(national.parent / "city", "city", "city", [
        {"id": "台独", "action": "override", "allow": "平台独家", "reason": "本市电商平台栏目"},
        {"id": "再接再励", "action": "retract", "reason": "本市不查"},
        entry("国土资源", category="outdated", example_wrong="国土资源", valid_until="2018-03-16"),
    ], parent="national")  # fmt: skip
    return write_layer(national.parent / "unit", "unit", "unit", [
        {"id": "按步就班", "action": "override", "severity": "critical", "reason": "本单位从严"},
    ], parent="city", allow=["台独分子们"])  # fmt: skip


def test_definitions_changes_and_retractions_across_layers(chain: Path, cache_dir: Path) -> None:
    x = explain_term("按步就班", [str(chain)], cache_dir=cache_dir, date=dt.date(2026, 1, 1))
    assert [(r.layer, r.action, r.relation) for r in x.rows] == [
        ("national", Action.ADD, "same"), ("unit", Action.OVERRIDE, "same"),
    ]  # fmt: skip
    assert x.rows[1].reason == "本单位从严" and x.rows[1].term == "按步就班"
    [state] = x.entries
    assert state.reported and state.entry.severity.value == "critical"
    assert x.flagged and x.findings[0].severity.value == "critical"
    assert x.stack == ("national", "city", "unit")

    gone = explain_term("再接再励", [str(chain)], cache_dir=cache_dir)
    assert [r.action for r in gone.rows] == [Action.ADD, Action.RETRACT]
    assert [(r.layer, r.reason) for r in gone.retractions] == [("city", "本市不查")]
    assert not gone.flagged and gone.entries == ()


def test_terms_inside_the_query_and_why_they_are_not_reported(chain: Path, cache_dir: Path) -> None:
    x = explain_term("平台独家经营", [str(chain)], cache_dir=cache_dir)
    [state] = x.entries
    assert state.relation == "inside" and not state.reported
    assert "平台独家" in state.occurrences[0].status
    assert {r.layer for r in x.rows} == {"national", "city"}
    assert not x.flagged

    spans = explain_term("台独分子们", [str(chain)], cache_dir=cache_dir)
    assert spans.layer_allow and spans.layer_allow[0][0] == "台独分子们"
    assert "allow.txt" in spans.entries[0].occurrences[0].status


def test_dates(chain: Path, cache_dir: Path) -> None:
    before = explain_term("国土资源部", [str(chain)], cache_dir=cache_dir, date=dt.date(2017, 6, 1))
    after = explain_term("国土资源部", [str(chain)], cache_dir=cache_dir, date=dt.date(2019, 6, 1))
    assert not before.flagged and after.flagged
    # 国土资源 (city) lies inside the query and is swallowed by the longer national entry
    states = {s.entry.id: s for s in after.entries}
    assert states["国土资源部"].reported and not states["国土资源"].reported
    assert "正确期间" in {s.entry.id: s for s in before.entries}["国土资源部"].occurrences[0].status


def test_cli(chain: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--dict", str(chain), "--cache-dir", str(cache_dir)]
    assert main(["dict", "explain", "平台独家", *args]) == 0
    out = capsys.readouterr().out
    assert "city 层 修改 台独“台独”（在查询词之中）" in out and "理由：本市电商平台栏目" in out
    assert "结论：作为一句话检查，不会报出。" in out
    assert main(["dict", "explain", "按步就班", "--date", "2020-01-01", *args]) == 0
    out = capsys.readouterr().out
    assert "会报出 1 处" in out and "按步就班 → 按部就班" in out
    assert main(["dict", "explain", "没有的词", *args]) == 0
    assert "没有任何一层" in capsys.readouterr().out
    assert main(["dict", "explain", "x", "--date", "bad", *args]) == 2
