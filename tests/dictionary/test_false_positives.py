"""False-positive regression: the bundled national layer over the government work reports.

Any finding that is not in tests/data/fp_expectations.csv fails the test; run
``scripts/fp_review.py`` to draft the new rows, review them (verdict true or acceptable,
with a reason) and fix the dictionary where a finding is a false alarm. Expectations that
no longer occur are reported as warnings.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from .fp_harness import (
    EXPECTATIONS,
    GOV_REPORTS,
    describe,
    national_checker,
    read_expectations,
    report_files,
    scan,
)


@pytest.fixture(scope="module")
def scanned(cache_dir: Path):  # type: ignore[no-untyped-def]
    if not GOV_REPORTS.is_dir():
        pytest.skip("../shared/corpus/gov-reports is not beside the project")
    return scan(national_checker(cache_dir), report_files())


def test_expectation_file_is_reviewed() -> None:
    _rows, problems = read_expectations(EXPECTATIONS)
    assert not problems, "期望文件有未审核或格式错误的行：\n" + "\n".join(problems)


def test_every_finding_on_gov_reports_is_reviewed(scanned) -> None:  # type: ignore[no-untyped-def]
    seen, _every, _chars = scanned
    expected, _problems = read_expectations(EXPECTATIONS)
    current = {s.key for s in seen}
    stale = [key for key in expected if key not in current]
    if stale:
        warnings.warn(
            "期望文件中有 {} 条不再出现（词库已修改？运行 scripts/fp_review.py 更新）：\n{}".format(
                len(stale), "\n".join(" | ".join(k) for k in stale[:20])
            ),
            stacklevel=1,
        )
    new = [s for s in seen if s.key not in expected]
    assert not new, (
        f"国家层词库在政府工作报告上有 {len(new)} 条未经审核的检查结果（可能是误报）：\n"
        + "\n".join(describe(s) for s in new[:50])
        + "\n请运行 scripts/fp_review.py 生成草稿，逐条审核（true/acceptable 并写理由）；误报请修改词库。"
    )

