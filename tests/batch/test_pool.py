"""The scan's worker pool: workers fork from a server that has loaded what they all need."""

from __future__ import annotations

import subprocess
import sys

# A fresh interpreter: the fork server is one per process, started by the first pool.
_SCRIPT = """
from cuomin.batch.pool import WorkerPool
from cuomin.batch.worker import WorkerConfig

pool = WorkerPool(WorkerConfig(dictionaries=None, cache_dir={cache!r}), 2)
try:
    probe = "(__import__('sys').modules.get('cuomin.filters.boundary') is not None, "
    probe += "getattr(__import__('sys').modules.get('cuomin.filters.boundary'), '_preloaded', None) is not None, "
    probe += "'cuomin.rules.near_miss' in __import__('sys').modules)"
    print(pool.submit(eval, probe).result(timeout=120))
finally:
    pool.close()
"""


def test_workers_fork_with_jieba_and_the_rules_loaded(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(cache=str(tmp_path))],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "(True, True, True)", out.stderr
