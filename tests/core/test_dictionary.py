"""Dictionary layers: format, inheritance, retraction, dates, compile cache."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import cuomin
from cuomin.dictionary import compiled as compiled_mod
from cuomin.dictionary import load_dictionary, resolve_stack
from cuomin.errors import DictionaryError, DictionaryFormatError

from .layers import entry, write_layer


def _national(tmp: Path) -> Path:
    return write_layer(
        tmp / "national",
        "national",
        "national",
        [
            entry("按步就班", suggestions="按部就班"),
            entry("再接再励", suggestions="再接再厉"),
            entry("台湾总统", category="sovereignty", severity="critical", locked="yes"),
            entry("大麻", category="sensitive", severity="error", allow="大麻烦", boundary="yes"),
        ],
    )


def _check(path: Path, text: str, cache: Path, date: str | None = None) -> list[cuomin.Finding]:
    return cuomin.Checker(dictionaries=[path], cache_dir=cache).check_text(text, date=date)


def test_chain_is_resolved_through_parents(tmp_path: Path) -> None:
    _national(tmp_path)
    write_layer(tmp_path / "gd", "gd", "province", [], parent="national")
    write_layer(tmp_path / "sz", "sz", "city", [], parent="gd")
    unit = write_layer(tmp_path / "unit", "unit", "unit", [], parent="../sz")
    assert [m.name for m in resolve_stack([unit])] == ["national", "gd", "sz", "unit"]


def test_lower_layer_adds_overrides_and_retracts(tmp_path: Path) -> None:
    _national(tmp_path)
    city = write_layer(
        tmp_path / "city",
        "city",
        "city",
        [
            entry("齐齐哈市", category="name", suggestions="齐齐哈尔市"),
            {"id": "按步就班", "action": "override", "severity": "critical", "reason": "本市通报多次出现"},
            {"id": "再接再励", "action": "retract", "reason": "本单位内部刊物名称，经审核保留"},
            {"id": "大麻", "action": "override", "allow": "工业大麻", "reason": "本市有工业大麻种植项目"},
        ],
        parent="national",
    )
    found = _check(city, "齐齐哈市要按步就班，再接再励。工业大麻种植。", tmp_path / "c")
    by_entry = {f.entry: f for f in found}
    assert set(by_entry) == {"齐齐哈市", "按步就班"}
    assert by_entry["齐齐哈市"].layer == "city"
    assert by_entry["按步就班"].severity is cuomin.Severity.CRITICAL
    assert by_entry["按步就班"].layer == "national"
    d = load_dictionary([city], cache_dir=tmp_path / "c")
    assert [(r.entry_id, r.layer) for r in d.retractions] == [("再接再励", "city")]
    assert d.entry("按步就班").changes[0].reason == "本市通报多次出现"  # type: ignore[union-attr]


def test_locked_entry_cannot_be_retracted(tmp_path: Path) -> None:
    _national(tmp_path)
    unit = write_layer(
        tmp_path / "unit", "unit", "unit", [{"id": "台湾总统", "action": "retract", "reason": "不需要"}], parent="national"
    )
    with pytest.raises(DictionaryError, match="锁定"):
        load_dictionary([unit], use_cache=False)


def test_locked_entry_severity_cannot_be_lowered(tmp_path: Path) -> None:
    _national(tmp_path)
    unit = write_layer(
        tmp_path / "unit", "unit", "unit",
        [{"id": "台湾总统", "action": "override", "severity": "warning", "reason": "x"}], parent="national",
    )  # fmt: skip
    with pytest.raises(DictionaryError, match="降低"):
        load_dictionary([unit], use_cache=False)


def test_retraction_needs_a_reason(tmp_path: Path) -> None:
    _national(tmp_path)
    unit = write_layer(tmp_path / "unit", "unit", "unit", [{"id": "按步就班", "action": "retract"}], parent="national")
    with pytest.raises(DictionaryFormatError) as info:
        load_dictionary([unit], use_cache=False)
    assert info.value.line == 2 and "理由" in str(info.value)


def test_malformed_line_reports_file_and_line(tmp_path: Path) -> None:
    layer = _national(tmp_path)
    with (layer / "entries.csv").open("a", encoding="utf-8") as fh:
        fh.write("x,某词,typo,fatal,,说明,,,,,,,,,,,\n")
    with pytest.raises(DictionaryFormatError) as info:
        load_dictionary([layer], use_cache=False)
    assert info.value.path.endswith("entries.csv") and info.value.line == 6
    assert "严重程度" in str(info.value)


def test_bad_date_and_missing_columns(tmp_path: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [entry("某某", valid_until="2018/03/16")])
    with pytest.raises(DictionaryFormatError, match="YYYY-MM-DD"):
        load_dictionary([layer], use_cache=False)
    layer = write_layer(tmp_path / "m", "m", "national", [{"id": "x", "term": "某某", "category": "typo"}])
    with pytest.raises(DictionaryFormatError, match="必填"):
        load_dictionary([layer], use_cache=False)


def test_duplicate_id_across_layers_needs_override(tmp_path: Path) -> None:
    _national(tmp_path)
    city = write_layer(tmp_path / "city", "city", "city", [entry("按步就班")], parent="national")
    with pytest.raises(DictionaryError, match="override"):
        load_dictionary([city], use_cache=False)


def test_inheritance_cycle_is_an_error(tmp_path: Path) -> None:
    write_layer(tmp_path / "a", "a", "city", [], parent="b")
    write_layer(tmp_path / "b", "b", "province", [], parent="a")
    with pytest.raises(DictionaryError, match="成环|层级"):
        resolve_stack([tmp_path / "a"])
    write_layer(tmp_path / "c", "c", "unit", [], parent="c")
    with pytest.raises(DictionaryError, match="成环"):
        resolve_stack([tmp_path / "c"])


def test_parent_must_be_higher_level(tmp_path: Path) -> None:
    _national(tmp_path)
    write_layer(tmp_path / "u", "u", "unit", [], parent="national")
    c = write_layer(tmp_path / "c", "c", "city", [], parent="u")
    with pytest.raises(DictionaryError, match="层级"):
        resolve_stack([c])


def test_missing_layer_folder(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match="不存在"):
        resolve_stack([tmp_path / "nope"])


def test_allow_list_file_cancels_any_covering_hit(tmp_path: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [entry("按步就班")], allow=["《按步就班》 # 书名"])
    assert _check(layer, "观看话剧《按步就班》。", tmp_path / "c") == []
    assert len(_check(layer, "工作按步就班。", tmp_path / "c")) == 1


def test_allow_phrase_must_contain_the_term(tmp_path: Path) -> None:
    layer = write_layer(tmp_path / "n", "n", "national", [entry("台独", allow="平台")])
    with pytest.raises(DictionaryError, match="放行短语"):
        load_dictionary([layer], use_cache=False)


@pytest.mark.parametrize(
    ("date", "flagged"),
    [("2017-06-01", False), ("2018-03-16", False), ("2018-03-17", True), ("2024-01-01", True)],
)
def test_valid_until_works_both_ways(tmp_path: Path, date: str, flagged: bool) -> None:
    layer = write_layer(
        tmp_path / "n", "n", "national",
        [entry("国土资源部", category="outdated", suggestions="自然资源部", valid_until="2018-03-16")],
    )  # fmt: skip
    found = _check(layer, "国土资源部印发通知。", tmp_path / "c", date)
    assert bool(found) is flagged
    if flagged:
        assert "2018-03-16" in found[0].explanation and date in found[0].explanation


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("国土资源部印发通知。", True),
        ("原国土资源部印发通知。", False),
        ("2017年，国土资源部印发通知。", False),
        ("2019年，国土资源部印发通知。", True),
        ("国土资源部更名为自然资源部。", False),
        ("根据《国土资源部关于加强管理的通知》执行。", False),
        ("根据国土资源部通知执行。《其他文件》另行通知。", True),
    ],
)
def test_history_exemptions(tmp_path: Path, text: str, flagged: bool) -> None:
    layer = write_layer(
        tmp_path / "n", "n", "national",
        [entry("国土资源部", category="outdated", suggestions="自然资源部", valid_until="2018-03-16")],
    )  # fmt: skip
    assert bool(_check(layer, text, tmp_path / "c", "2024-05-01")) is flagged


def test_valid_from_flags_earlier_documents(tmp_path: Path) -> None:
    layer = write_layer(
        tmp_path / "n", "n", "national",
        [entry("国务院总理李克强", category="leader", valid_from="2013-03-15", valid_until="2023-03-10")],
    )  # fmt: skip
    text = "国务院总理李克强主持会议。"
    assert _check(layer, text, tmp_path / "c", "2010-01-01")
    assert not _check(layer, text, tmp_path / "c", "2015-01-01")
    assert _check(layer, text, tmp_path / "c", "2024-01-01")


def test_csv_in_gb18030_and_chinese_headers(tmp_path: Path) -> None:
    folder = tmp_path / "gbk"
    folder.mkdir()
    (folder / "layer.toml").write_text('name = "gbk"\nlevel = "national"\n', encoding="utf-8")
    (folder / "词表.csv").write_bytes("错误词,类别,严重程度,建议,说明\n按步就班,错别字,错误,按部就班,应为按部就班\n".encode("gb18030"))
    found = _check(folder, "按步就班", tmp_path / "c")
    assert [(f.match, f.suggestions) for f in found] == [("按步就班", ("按部就班",))]


# -- compile cache ------------------------------------------------------------------------


def test_warm_load_uses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layer = _national(tmp_path)
    first = load_dictionary([layer], cache_dir=tmp_path / "c")

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("compiled again despite a warm cache")

    monkeypatch.setattr(compiled_mod, "compile_stack", boom)
    second = load_dictionary([layer], cache_dir=tmp_path / "c")
    assert second.fingerprint == first.fingerprint
    assert [e.id for e in second.entries] == [e.id for e in first.entries]
    assert cuomin.Checker(second).check_text("按步就班")[0].entry == "按步就班"


def test_changed_layer_gets_a_new_fingerprint(tmp_path: Path) -> None:
    layer = _national(tmp_path)
    first = load_dictionary([layer], cache_dir=tmp_path / "c")
    with (layer / "entries.csv").open("a", encoding="utf-8") as fh:
        fh.write("新词,迫不急待,typo,error,迫不及待,应为迫不及待,,,,,,,,,,,\n")
    second = load_dictionary([layer], cache_dir=tmp_path / "c")
    assert second.fingerprint != first.fingerprint
    assert cuomin.Checker(second).check_text("迫不急待")[0].suggestions == ("迫不及待",)


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    layer = _national(tmp_path)
    first = load_dictionary([layer], cache_dir=tmp_path / "c")
    folder = next((tmp_path / "c" / "compiled").iterdir())
    (folder / "automaton.bin").write_bytes(b"garbage")
    again = load_dictionary([layer], cache_dir=tmp_path / "c")
    assert again.fingerprint == first.fingerprint
    assert cuomin.Checker(again).check_text("按步就班")


def test_version_names_layers() -> None:
    d = load_dictionary([Path(__file__).parents[1] / "data" / "layers" / "mini"], use_cache=False)
    assert d.version.startswith("mini@test-1 #")
    assert dt.date.today()  # keeps the import honest for date-based tests above
