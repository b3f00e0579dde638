"""The FL code family: well-formed, documented, shaped like the JSON contract expects."""

from __future__ import annotations

from pathlib import Path

from cuomin import Category
from cuomin.extract import PROBLEM_CODES
from cuomin.extract.problems import make_problem
from cuomin.rules.base import CODE_PATTERN

DOCS = Path(__file__).parents[2] / "docs" / "formats.md"


def test_codes_are_well_formed_and_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    assert list(PROBLEM_CODES) == sorted(PROBLEM_CODES)
    for code, spec in PROBLEM_CODES.items():
        assert CODE_PATTERN.match(code) and code.startswith("FL")
        assert f"| {code} | {spec.severity.value}" in docs, code
        assert spec.headline and spec.advice.endswith("。")


def test_problem_finding_shape() -> None:
    f = make_problem("FL001", "PDF 设置了打开密码", file="a/b.pdf", page=3)
    d = f.to_dict()
    assert d["category"] == Category.FILE.value and d["layer"] == "extract" and d["entry"] == "FL001"
    assert (d["start"], d["end"], d["match"], d["line"], d["column"]) == (0, 0, "", 1, 1)
    assert d["location"]["file"] == "a/b.pdf" and d["location"]["page"] == 3
    assert d["explanation"].startswith("附件无法打开：文件已加密（PDF 设置了打开密码）。")
