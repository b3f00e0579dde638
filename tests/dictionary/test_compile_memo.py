"""A compile that reuses a CompileMemo gives exactly what a compile from scratch gives, and
parses only the tables that changed; the key order and the automaton stay correct."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from cuomin.dictionary import (
    CompiledDictionary,
    CompileMemo,
    bundled_layer_dir,
    load_dictionary,
)
from cuomin.errors import DictionaryError
from cuomin.normalize import default_normalizer

SAMPLE = (
    "习近瓶总书记强调，工作要按步就班推进。希望大家再接再励。国家计划委员会下发通知。"
    "搭建平台独立运行，坚决反对台独。中华人民共合国成立76周年。基准错词出现在这里。"
)


def _content(d: CompiledDictionary) -> tuple[object, ...]:
    norm = d.normalizer.normalize(SAMPLE)
    return (
        tuple(d.key_text),
        tuple(d.key_hits),
        tuple(d.key_allows),
        tuple(d.key_allow_any),
        tuple(d.entries.row(i) for i in range(len(d))),
        d._rank_codes.tolist(),
        d.scan(norm),
        d.version,
    )


def _compare(layer: Path, memo: CompileMemo, tmp_path: Path) -> CompiledDictionary:
    """Compile with the memo and from scratch (neither from a cache): the same content."""
    with_memo = load_dictionary([layer], use_cache=False, memo=memo)
    fresh = load_dictionary([layer], use_cache=False)
    assert _content(with_memo) == _content(fresh)
    return with_memo


@pytest.fixture()
def national(tmp_path: Path) -> Path:
    layer = tmp_path / "national"
    shutil.copytree(bundled_layer_dir("national"), layer)
    return layer


def _bump(layer: Path, version: str) -> None:
    manifest = layer / "layer.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('version = "', f'version = "{version}-', 1), encoding="utf-8")


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_edits_reparse_only_the_edited_table(national: Path, tmp_path: Path) -> None:
    memo = CompileMemo()
    tables = len(list(national.glob("*.csv")))
    _compare(national, memo, tmp_path)
    assert memo.tables_parsed == tables

    _bump(national, "a")  # the manifest only
    _compare(national, memo, tmp_path)
    assert memo.tables_parsed == tables

    typo = national / "typo.csv"
    with typo.open("a", encoding="utf-8") as f:  # a new entry
        f.write("bench-1,基准错词,typo,error,基准正词,测试加入的词条。" + "," * 11 + "\n")
    d = _compare(national, memo, tmp_path)
    assert memo.tables_parsed == tables + 1
    assert any(d.entries[i].term == "基准错词" for i in range(len(d)))

    leader = national / "leader.csv"  # an entry changed: a new allow phrase for 习近瓶
    rows = list(csv.reader(io.StringIO(leader.read_text(encoding="utf-8"), newline="")))
    at = next(i for i, r in enumerate(rows) if r[0] == "leader-习近瓶")
    rows[at][7] = "习近瓶总书记强调"
    _write_rows(leader, rows)
    d = _compare(national, memo, tmp_path)
    assert memo.tables_parsed == tables + 2
    assert d.key_allows[d.key_text.index(d.normalizer.normalize_term("习近瓶总书记强调"))]

    del rows[at]  # an entry removed
    _write_rows(leader, rows)
    d = _compare(national, memo, tmp_path)
    assert memo.tables_parsed == tables + 3
    assert all(d.entries[i].term != "习近瓶" for i in range(len(d)))


def test_a_broken_table_fails_every_time_and_is_read_again_once_mended(national: Path, tmp_path: Path) -> None:
    memo = CompileMemo()
    load_dictionary([national], use_cache=False, memo=memo)
    typo = national / "typo.csv"
    good = typo.read_text(encoding="utf-8")
    typo.write_text(good + "bad-1,坏词,typo,error,,,,,,,2025-13-40,,,,,,\n", encoding="utf-8")
    for _ in range(2):  # not remembered as parsed
        with pytest.raises(DictionaryError, match="typo.csv"):
            load_dictionary([national], use_cache=False, memo=memo)
    typo.write_text(good, encoding="utf-8")
    _compare(national, memo, tmp_path)


def test_keys_are_remembered_per_normaliser(national: Path) -> None:
    memo = CompileMemo()
    norm = default_normalizer()
    assert memo.normalize_term(norm, "Ｈｅｌｌｏ　世界") == norm.normalize_term("Ｈｅｌｌｏ　世界")
    memo._keys["Ｈｅｌｌｏ　世界"] = "stale"
    assert memo.normalize_term(norm, "Ｈｅｌｌｏ　世界") == "stale"  # remembered ...
    memo._normalizer_version = "another"
    assert memo.normalize_term(norm, "Ｈｅｌｌｏ　世界") == norm.normalize_term("Ｈｅｌｌｏ　世界")  # ... per normaliser


def test_keys_are_inserted_in_rank_order_and_each_is_found(national: Path) -> None:
    d = load_dictionary([national], use_cache=False)
    rank = {int(c): i for i, c in enumerate(d._rank_codes.tolist())}
    sequences = [[rank[ord(c)] for c in text] for text in d.key_text]
    assert sequences == sorted(sequences)
    for kid, text in enumerate(d.key_text):
        found = d.scan(d.normalizer.normalize(text))
        assert (0, len(text), kid) in found, text
