"""The scan's worker pool: workers fork from a server that has imported what they all need."""

from __future__ import annotations

import subprocess
import sys

# A fresh interpreter: the fork server is one per process, started by the first pool.
_SCRIPT = """
from cuomin.batch.pool import WorkerPool
from cuomin.batch.worker import WorkerConfig

pool = WorkerPool(WorkerConfig(dictionaries=None, cache_dir={cache!r}), 2)
try:
    probe = "[m in __import__('sys').modules for m in ('cuomin.checker', 'cuomin.rules.near_miss', 'jieba')]"
    print(pool.submit(eval, probe).result(timeout=120))
finally:
    pool.close()
"""


def test_workers_fork_with_the_rules_imported_and_without_jieba(tmp_path) -> None:
    """jieba's dictionary is left to the workers: a rescan often never needs it."""
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(cache=str(tmp_path))],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "[True, True, False]", out.stderr
