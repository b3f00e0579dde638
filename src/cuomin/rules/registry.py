"""Find rules through the ``cuomin.rules`` entry-point group (built-ins included)."""

from __future__ import annotations

import importlib.metadata
import logging

from ..errors import RuleError
from .base import CODE_PATTERN, Rule

__all__ = ["discover_rules", "ENTRY_POINT_GROUP"]

ENTRY_POINT_GROUP = "cuomin.rules"
log = logging.getLogger(__name__)


def discover_rules() -> dict[str, type[Rule]]:
    """All installed rule classes by code. The entry point's name must be the rule's code."""
    found: dict[str, type[Rule]] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in found:
            # The same distribution can be seen twice (editable installs); same target is fine.
            if f"{found[ep.name].__module__}:{found[ep.name].__qualname__}" == ep.value:
                continue
            raise RuleError(f"规则代码 {ep.name} 被注册了两次（{ep.value}）")
        if not CODE_PATTERN.match(ep.name):
            raise RuleError(f"规则代码“{ep.name}”不合规范：应为两个大写字母加三位数字，如 AB123（{ep.value}）")
        try:
            cls = ep.load()
        except Exception as exc:
            raise RuleError(f"规则 {ep.name} 无法加载（{ep.value}）：{exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, Rule)):
            raise RuleError(f"规则 {ep.name}（{ep.value}）不是 cuomin.rules.Rule 的子类")
        if getattr(cls, "code", None) != ep.name:
            raise RuleError(f"规则 {ep.value} 的 code 属性（{getattr(cls, 'code', None)}）与注册名 {ep.name} 不一致")
        for attr in ("name", "category", "severity", "description"):
            if not getattr(cls, attr, None):
                raise RuleError(f"规则 {ep.name} 缺少 {attr} 属性")
        for extra in cls.extra_codes:
            if not CODE_PATTERN.match(extra):
                raise RuleError(f"规则 {ep.name} 的附加代码“{extra}”不合规范")
        found[ep.name] = cls
    if not found:
        raise RuleError("没有找到任何规则：cuomin 似乎没有正确安装（请用 pip install 安装）")
    return dict(sorted(found.items()))
