"""Rules: the rule API, the registry, and the built-in rules (one module each)."""

from .base import CODE_PATTERN, DocumentContext, Hit, Rule, RuleContext
from .registry import ENTRY_POINT_GROUP, discover_rules

__all__ = ["CODE_PATTERN", "DocumentContext", "ENTRY_POINT_GROUP", "Hit", "Rule", "RuleContext", "discover_rules"]
