"""Filters that cancel candidate hits: word boundaries, validity dates, history."""

from .boundary import BoundaryChecker
from .validity import flagged_on, historical_mention

__all__ = ["BoundaryChecker", "flagged_on", "historical_mention"]
