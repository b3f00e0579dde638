"""Where cuomin keeps what it builds once and reuses: compiled dictionaries, tables."""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["default_cache_dir", "cached_marshal"]


def default_cache_dir() -> Path:
    """``$CUOMIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/cuomin``, else ``~/.cache/cuomin``."""
    env = os.environ.get("CUOMIN_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "cuomin"


def cached_marshal(path: Path, build: Callable[[], dict[Any, Any]]) -> dict[Any, Any]:
    """A table (a dict of marshal-able values) kept in the file ``path``: read when it is
    there and sound, else built and written (atomically; a read-only cache folder only costs
    the build time)."""
    try:
        loaded = marshal.loads(path.read_bytes())
        if isinstance(loaded, dict):
            return loaded
    except (OSError, ValueError, EOFError, TypeError):
        pass
    table = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(table))
        os.replace(tmp, path)
    except OSError:
        pass
    return table
