"""Imported by the fork server of the scan's worker pool (see pool.py), never by the library
itself: importing this module does work. It loads, once, what every worker needs, so that
the workers fork with it in memory instead of each loading their own: the modules of the
checker and the rules, and jieba's dictionary. That was about a second of CPU per worker
(0.4 s of imports, 0.6 s of jieba), paid again by every worker of every scan.

Nothing here may fail the fork server: a failure leaves the workers to load what they need
themselves, as they always can.
"""

from __future__ import annotations


def _preload() -> None:
    try:
        from ..cachedir import default_cache_dir
        from ..filters.boundary import preload_tokenizer
        from ..rules.registry import discover_rules
        from . import worker  # noqa: F401 - the modules every task imports

        discover_rules()  # imports every installed rule's module
        preload_tokenizer(default_cache_dir())
    except Exception:  # noqa: BLE001,S110 - an optimisation only; workers load it themselves
        pass


_preload()
