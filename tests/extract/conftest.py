"""Fixtures of the extraction tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import cuomin

MINI = Path(__file__).resolve().parents[1] / "data" / "layers" / "mini"


@pytest.fixture(scope="session")
def wd_checker(cache_dir: Path) -> cuomin.Checker:
    """The mini layer with only the dictionary rule and extraction problems: these tests are
    about where text comes from, not about other rules."""
    return cuomin.Checker(dictionaries=[MINI], cache_dir=cache_dir, select=["WD", "FL"])
