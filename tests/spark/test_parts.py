"""The Spark engine's parts that need no Spark: the dictionary bundle, the skip set, the
record format, the store and pool that hand executors' results to the scanner."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import zipfile
from concurrent.futures import wait
from pathlib import Path

import pytest
from batch import reference
from core.layers import entry, write_layer
from hypothesis import given, settings
from hypothesis import strategies as st

from cuomin.batch.fingerprint import finding_row
from cuomin.batch.items import Attachment, SourceItem
from cuomin.batch.spark.bundle import build_bundle, ensure_worker, open_bundle
from cuomin.batch.spark.feed import PrecomputedPool, ResultSource, ResultStore
from cuomin.batch.spark.jobs import spark_error
from cuomin.batch.spark.records import FINDING_COLUMNS, from_record, to_record
from cuomin.batch.spark.tasks import SkipSet, process_item
from cuomin.batch.worker import (
    CheckJob,
    Extracted,
    WorkerConfig,
    check_many,
    extract_many,
    init_worker,
)
from cuomin.dictionary import compiled as compiled_module
from cuomin.dictionary.compiled import load_dictionary
from cuomin.model import Category, Finding, Severity

PAGE = "<html><head><title>通知</title></head><body><p>中华人民共合国成立。再接再励。</p></body></html>"


def _item(key: str = "a/t20200102_1.html", body: str = PAGE) -> SourceItem:
    return SourceItem(key=key, data=body.encode("utf-8"), name="t.html", media_type="text/html", path=key,
                      attachments=(Attachment("附件.txt", "files/附件.txt", data="台湾总统".encode()),))  # fmt: skip


# -- the bundle --------------------------------------------------------------------------------
def test_executors_load_the_compiled_dictionary_and_never_compile(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layers = tmp_path / "dicts"
    write_layer(layers / "nat", "nat", "national", [entry("再接再励", category="typo", severity="error")])
    city = write_layer(layers / "city", "city", "city", [entry("共商国事", category="formulation", severity="error")],
                       parent="nat")  # fmt: skip
    fingerprint = load_dictionary([city], cache_dir=cache_dir).fingerprint
    zip_path, bundle = build_bundle((str(city),), str(cache_dir), fingerprint, tmp_path)
    names = zipfile.ZipFile(zip_path).namelist()
    assert "layers/city/layer.toml" in names and "layers/nat/entries.csv" in names
    assert f"cache/compiled/{fingerprint[:40]}/table.marshal" in names and bundle.compiled
    # on the "executor": another place, and compiling is impossible
    node = tmp_path / "node"
    node.mkdir()
    shipped = node / zip_path.name
    shipped.write_bytes(zip_path.read_bytes())

    def no_compiling(*_a: object, **_k: object) -> None:
        raise AssertionError("the executor compiled the dictionary")

    monkeypatch.setattr(compiled_module, "compile_stack", no_compiling)
    ensure_worker(bundle, shipped)
    root = open_bundle(shipped, bundle.digest)
    assert root.parent == node
    record = process_item("s", _item(body=PAGE.replace("</p>", "共商国事。</p>")), None)
    assert sorted(f["match"] for f in record["findings"] if f["code"].startswith("WD")) == ["共商国事", "再接再励"]
    assert open_bundle(shipped, bundle.digest) == root  # a second worker reuses the folder


def test_a_bundle_without_a_compiled_stack_still_works(tmp_path: Path) -> None:
    zip_path, bundle = build_bundle((str(reference.MINI),), str(tmp_path / "empty-cache"), "0" * 64, tmp_path)
    assert not bundle.compiled
    assert all(not n.startswith("cache/") for n in zipfile.ZipFile(zip_path).namelist())


# -- the skip set ------------------------------------------------------------------------------
pairs = st.lists(st.tuples(st.text(max_size=30), st.text(alphabet="0123456789abcdef", min_size=1, max_size=40)),
                 max_size=60, unique=True)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(inside=pairs, outside=pairs)
def test_the_skip_set_holds_exactly_its_pairs(inside: list[tuple[str, str]], outside: list[tuple[str, str]]) -> None:
    skip = pickle.loads(pickle.dumps(SkipSet(inside)))
    for pair in inside:
        assert pair in skip
    for pair in outside:
        if pair not in inside:
            assert pair not in skip
    assert len(skip) == len(set(inside))


# -- records -----------------------------------------------------------------------------------
@pytest.fixture
def mini_worker(cache_dir: Path) -> WorkerConfig:
    config = WorkerConfig(dictionaries=(str(reference.MINI),), cache_dir=str(cache_dir))
    init_worker(config)
    return config


def test_records_carry_what_the_scanner_needs(mini_worker: WorkerConfig) -> None:
    item = _item()
    record = process_item("site", item, None)
    assert record["status"] == "ok" and record["date"] == dt.date(2020, 1, 2)
    result = from_record(record)
    extracted = extract_many([item])[0]
    # The record carries the findings as its check result, not inside the extraction.
    assert result.extracted == dataclasses.replace(extracted, findings=None)
    assert result.checked is not None and result.checked.findings == extracted.findings
    job = CheckJob(5, extracted.blob or b"", extracted.fields["date"], {})
    assert result.checked is not None and result.checked.findings == check_many([job])[0].findings
    assert {f["match"] for f in record["findings"]} == {"中华人民共合国", "再接再励", "台湾总统"}
    skipped = process_item("site", item, SkipSet([(item.key, item.raw_hash)]))
    assert skipped["status"] == "skipped" and from_record(skipped).extracted is None


def test_an_unreadable_article_is_an_error_record() -> None:
    fields = {"title": None, "date": dt.date(2021, 3, 4), "url": None, "path": "x.html", "unit": "市教育局",
              "column_name": None, "media_type": "text/html", "future_field": 7}  # fmt: skip
    failed = Extracted(key="x.html", raw_hash="h", fields=fields, parts=("x.html",), error="无法解析（ValueError: x）")
    record = to_record("site", "x.html", "h", ("x.html",), failed)
    assert record["status"] == "error" and record["findings"] is None and record["unit"] == "市教育局"
    result = from_record(record)
    assert result.extracted == failed and result.checked is None


def test_the_finding_columns_are_the_ledgers() -> None:
    f = Finding(code="WD100", category=Category.NAME, severity=Severity.ERROR, match="x", start=0, end=1, line=1,
                column=1, context="x", suggestions=(), explanation="", layer="l", entry="e")  # fmt: skip
    assert [name for name, _int in FINDING_COLUMNS] == list(finding_row(f, "fp"))


# -- the store and the pool --------------------------------------------------------------------
def test_the_pool_answers_from_the_store_and_computes_the_rest(mini_worker: WorkerConfig) -> None:
    store = ResultStore(limit=4)
    records = [process_item("s", _item(f"a/t2020010{i}_{i}.html"), None) for i in range(1, 4)]
    feed = ResultSource("s", "test", True, store, lambda: (from_record(r) for r in records))
    stand_ins = list(feed.items())
    assert [s.raw_hash for s in stand_ins] == [r["raw_hash"] for r in records]
    pool = PrecomputedPool(store, mini_worker, 1)
    try:
        extracted = pool.submit(extract_many, stand_ins).result()
        assert [e.key for e in extracted] == [s.key for s in stand_ins] and all(e.error is None for e in extracted)
        jobs = [CheckJob(i, e.blob or b"", e.fields["date"], {}) for i, e in enumerate(extracted)]
        delta = CheckJob(99, jobs[0].blob, jobs[0].date, {}, ("dictionary",))
        future = pool.submit(check_many, [*jobs, delta])
        wait([future])
        checked = future.result()
        assert [c.token for c in checked] == [0, 1, 2, 99]
        assert pool.local_tasks == 1  # only the dictionary-mode recheck ran here
        assert checked[3].findings is not None
        assert {f["code"] for f in checked[3].findings} <= {f["code"] for f in checked[0].findings or []}
        # asked twice: the second time the executor's result is gone, the stand-in has no bytes
        again = pool.submit(extract_many, stand_ins[:1]).result()
        assert again[0].error and "请重新运行" in again[0].error
    finally:
        pool.close()


def test_the_store_stays_bounded() -> None:
    store = ResultStore(limit=3)
    for i in range(10):
        record = to_record("s", f"k{i}", "h", (f"k{i}",), None)
        record.update(status="error", error="x")
        store.put(from_record(record))
    assert len(store) == 3 and store.take_extracted("k0") is None and store.take_extracted("k9") is not None


def test_spark_errors_are_reduced_to_the_executors_message() -> None:
    text = ("An error occurred while calling z:org.apache.spark.api.python.PythonRDD.runJob.\n"
            "Traceback (most recent call last):\n  File \"x.py\", line 1\n"
            "cuomin.errors.InputError: 不是目录：/mnt/site\n\tat org.apache.spark...")  # fmt: skip
    assert spark_error(RuntimeError(text)) == "不是目录：/mnt/site"
    assert spark_error(RuntimeError("boom\nValueError: bad value\nmore")) == "ValueError: bad value"
    assert spark_error(RuntimeError("")) == "RuntimeError"
