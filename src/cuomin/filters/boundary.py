"""Word-boundary confirmation with jieba, on a small window around a candidate.

Segmenting whole texts is far too slow (about 1.4 MB/s), so only a window of a few
characters around a candidate is cut. jieba is imported, and its ``Tokenizer`` built, only
when the first candidate needs a check; the global ``jieba.dt`` is never used.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from pathlib import Path
from typing import Any

__all__ = ["BoundaryChecker", "shared_boundary_checker"]

_SENTENCE_ENDS = "。！？；!?;\n\r"


@functools.lru_cache(maxsize=8)
def shared_boundary_checker(cache_dir: str | None = None) -> BoundaryChecker:
    """One checker (one jieba dictionary in memory, loaded once) per cache folder for the
    whole process: the dictionary rule and the near-miss rule ask the same questions."""
    return BoundaryChecker(cache_dir)


class BoundaryChecker:
    """Answers: does ``text[start:end]`` begin and end on word boundaries?"""

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None, window: int = 8) -> None:
        self._cache_dir = Path(cache_dir) if cache_dir else None
        self._window = window
        self._lock = threading.Lock()
        self._tokenizer: Any = None

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def _get_tokenizer(self) -> Any:
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    import jieba  # heavy: only here

                    logging.getLogger("jieba").setLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    if self._cache_dir is not None:
                        try:
                            self._cache_dir.mkdir(parents=True, exist_ok=True)
                            tokenizer.tmp_dir = str(self._cache_dir)
                        except OSError:
                            pass
                    tokenizer.initialize()
                    self._tokenizer = tokenizer
        return self._tokenizer

    def on_boundaries(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - self._window)
        hi = min(len(text), end + self._window)
        # Do not let the window reach over a sentence end: it would only add noise.
        for i in range(start - 1, lo - 1, -1):
            if text[i] in _SENTENCE_ENDS:
                lo = i + 1
                break
        for i in range(end, hi):
            if text[i] in _SENTENCE_ENDS:
                hi = i
                break
        tokenizer = self._get_tokenizer()
        pos = lo
        bounds = {lo}
        for word in tokenizer.cut(text[lo:hi], HMM=True):
            pos += len(word)
            bounds.add(pos)
        return start in bounds and end in bounds
