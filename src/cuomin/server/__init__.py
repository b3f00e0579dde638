"""``cuomin serve``: the pre-publish HTTP service and the editors' web page.

Needs the ``server`` extra (``pip install 'cuomin[server]'``): Starlette and uvicorn are
imported only when an app is created, so importing this package costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import CONFIG_ENV, DEFAULT_STACK, Limits, ServerConfig, StackConfig

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["CONFIG_ENV", "DEFAULT_STACK", "Limits", "ServerConfig", "StackConfig", "create_app"]


def create_app(config: ServerConfig, registry: Any = None) -> Starlette:
    """The ASGI app for ``config`` (loads the dictionary stacks now)."""
    from .app import create_app as _create_app

    return _create_app(config, registry)
