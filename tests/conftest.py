"""Shared fixtures. Tests build checkers on small layers under tests/data/layers unless
they test the bundled national dictionary itself."""

from __future__ import annotations

from pathlib import Path

import pytest

import cuomin

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CORPUS = ROOT.parent / "shared" / "corpus"
MINI = TESTS / "data" / "layers" / "mini"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One compiled-dictionary cache for the whole run, never the user's."""
    return tmp_path_factory.mktemp("cuomin-cache")


@pytest.fixture(scope="session")
def mini_checker(cache_dir: Path) -> cuomin.Checker:
    """A checker on the small test layer, with every installed rule."""
    return cuomin.Checker(dictionaries=[MINI], cache_dir=cache_dir)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    return CORPUS
