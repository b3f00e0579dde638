"""Imported by the fork server of the scan's worker pool (see pool.py), never by the library
itself: importing this module does work. It imports, once, the modules every worker needs
(the checker, the extractors, every installed rule), so that the workers fork with them
instead of each importing them: about 0.4 s of CPU per worker, paid again by every worker
of every scan.

jieba's dictionary (0.6-0.9 s to load) is left to the workers, which load it when a first
candidate needs a word-boundary check: preloading it here would make every scan wait for
it before its first task, and a rescan after a dictionary change often never needs it
(measured: a rescan of ten new entries took 2.6 s, 0.8 s of it waiting for the preload).

Nothing here may fail the fork server: a failure leaves the workers to import what they
need themselves, as they always can.
"""

from __future__ import annotations


def _preload() -> None:
    try:
        from ..rules.registry import discover_rules
        from . import worker  # noqa: F401 - the modules every task imports

        discover_rules()  # imports every installed rule's module
    except Exception:  # noqa: BLE001,S110 - an optimisation only; workers import it themselves
        pass


_preload()
