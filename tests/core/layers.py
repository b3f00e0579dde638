"""Helpers that write dictionary layers into a temporary folder."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from cuomin.dictionary.records import COLUMNS


def write_layer(
    folder: Path,
    name: str,
    level: str,
    rows: list[dict[str, Any]],
    *,
    parent: str | None = None,
    allow: list[str] | None = None,
    version: str = "1",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = [f'name = "{name}"', f'level = "{level}"', f'version = "{version}"', 'authority = "测试"']
    if parent:
        manifest.append(f'parent = "{parent}"')
    (folder / "layer.toml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    with (folder / "entries.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    if allow is not None:
        (folder / "allow.txt").write_text("\n".join(allow) + "\n", encoding="utf-8")
    return folder


def entry(term: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": term,
        "term": term,
        "category": "typo",
        "severity": "error",
        "explanation": f"“{term}”有误。",
    }
    base.update(fields)
    return base
