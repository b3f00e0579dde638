from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import RuleRunner


@pytest.fixture(scope="session")
def run(cache_dir: Path) -> RuleRunner:
    return RuleRunner(cache_dir)
