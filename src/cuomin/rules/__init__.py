"""Rules: the rule API, the registry, and the built-in rules (one module each)."""

from .base import CODE_PATTERN, Hit, Rule, RuleContext
from .registry import ENTRY_POINT_GROUP, discover_rules

__all__ = ["CODE_PATTERN", "ENTRY_POINT_GROUP", "Hit", "Rule", "RuleContext", "discover_rules"]
