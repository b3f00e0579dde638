"""Example third-party rules for cuomin, registered through the ``cuomin.rules`` entry point."""

from .rules import UnitAbbreviationRule

__all__ = ["UnitAbbreviationRule"]
