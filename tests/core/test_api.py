"""The public surface: pinned so that a change to it is a decision, not an accident."""

from __future__ import annotations

import subprocess
import sys

import cuomin

EXPECTED = {
    "Category", "Checker", "CompiledDictionary", "ConfigError", "CuominError", "DictionaryError",
    "DictionaryFormatError", "Document", "DocumentContext", "DocumentMeta", "Entry", "Finding", "Hit", "InputError",
    "Location", "Normalized", "Normalizer", "Part", "Rule", "RuleContext", "RuleError", "Segment",
    "Severity", "check_text", "default_normalizer", "load_dictionary", "load_document", "__version__",
}  # fmt: skip


def test_exported_names_are_pinned() -> None:
    assert set(cuomin.__all__) == EXPECTED
    for name in cuomin.__all__:
        assert hasattr(cuomin, name)


def test_errors_share_one_base() -> None:
    for name in ("ConfigError", "DictionaryError", "DictionaryFormatError", "InputError", "RuleError"):
        assert issubclass(getattr(cuomin, name), cuomin.CuominError)


def test_import_does_no_work() -> None:
    code = (
        "import sys, cuomin, cuomin.cli;"
        "assert 'jieba' not in sys.modules, 'jieba imported';"
        "import cuomin.checker as c; assert c._default_checker is None;"
        "import cuomin.normalize as n; assert n._build_default.cache_info().currsize == 0;"
        "import logging; assert not logging.getLogger('cuomin').handlers"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_findings_are_frozen(mini_checker: cuomin.Checker) -> None:  # any finding will do
    import dataclasses

    import pytest

    f = mini_checker.check_text("按步就班")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.match = "x"  # type: ignore[misc]
