"""Fixtures for the dictionary tools: small layers written into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from core.layers import entry, write_layer

EXAMPLES = Path(__file__).resolve().parents[2] / "dictionaries" / "examples"


@pytest.fixture()
def national(tmp_path: Path) -> Path:
    """A national-level test layer whose entries all pass their examples."""
    return write_layer(
        tmp_path / "national",
        "national",
        "national",
        [
            entry("按步就班", suggestions="按部就班", example_wrong="要按步就班推进。", example_right="要按部就班推进。"),
            entry("再接再励", suggestions="再接再厉", example_wrong="希望再接再励。", example_right="希望再接再厉。"),
            entry("台湾总统", category="sovereignty", severity="critical", locked="yes", suggestions="台湾地区领导人",
                  example_wrong="台湾总统发表讲话。", example_right="台湾地区领导人发表讲话。"),  # fmt: skip
            entry("台独", category="sovereignty", severity="critical", allow="平台独立", boundary="yes",
                  example_wrong="坚决反对台独。", example_right="搭建平台独立运行。"),  # fmt: skip
            entry("国土资源部", category="outdated", suggestions="自然资源部", valid_until="2018-03-16",
                  example_wrong="国土资源部印发通知。", example_right="原国土资源部印发通知。"),  # fmt: skip
        ],
    )
