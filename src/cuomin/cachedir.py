"""Where cuomin keeps what it builds once and reuses: compiled dictionaries, tables."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_cache_dir"]


def default_cache_dir() -> Path:
    """``$CUOMIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/cuomin``, else ``~/.cache/cuomin``."""
    env = os.environ.get("CUOMIN_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "cuomin"
