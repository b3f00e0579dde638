"""``--format sarif``: SARIF 2.1.0 for code-scanning tools, written as findings arrive.

One run; results are written one by one (the ``tool`` object, which lists the rules seen,
comes after them: key order does not matter in JSON). Columns and offsets count Unicode
code points (``columnKind: unicodeCodePoints``), as cuomin's do. A finding in a plain-text
file gets an exact region and one fix per suggestion; a finding inside a structured file
(HTML, DOCX, PDF, ...) has no line in the file itself, so it gets a logical location
(``附件 通知.pdf 第3页``) instead of a region. Inputs that could not be read are reported as
tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any, Final, TextIO
from urllib.parse import quote

from .. import __version__
from ..model import DocumentMeta, Finding, Severity

__all__ = ["SarifReporter", "SARIF_SCHEMA"]

SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL: Final = {Severity.CRITICAL: "error", Severity.ERROR: "error", Severity.WARNING: "warning"}


def artifact_uri(path: str) -> str:
    """A relative URI reference for a path as given on the command line."""
    return quote(PurePath(path).as_posix(), safe="/._-~")


def _end_position(finding: Finding) -> tuple[int, int]:
    """Line and column just after the match (1-based, end column exclusive)."""
    newlines = finding.match.count("\n")
    if newlines == 0:
        return finding.line, finding.column + len(finding.match)
    return finding.line + newlines, len(finding.match) - finding.match.rfind("\n")


def _message(finding: Finding) -> str:
    head = f"“{finding.match}”"
    if finding.suggestions:
        head += f"应为“{'”或“'.join(finding.suggestions)}”"
    if finding.location is not None:
        head = f"[{finding.location.describe()}] {head}"
    return f"{head}：{finding.explanation}"


def _result(path: str, finding: Finding) -> dict[str, Any]:
    uri = artifact_uri(path)
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [location],
    }
    if finding.location is None and finding.end >= finding.start:
        end_line, end_column = _end_position(finding)
        location["physicalLocation"]["region"] = {
            "startLine": finding.line,
            "startColumn": finding.column,
            "endLine": end_line,
            "endColumn": end_column,
            "charOffset": finding.start,
            "charLength": finding.end - finding.start,
            "snippet": {"text": finding.match},
        }
        if finding.suggestions:
            result["fixes"] = [
                {
                    "description": {"text": f"改为“{s}”"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {
                                    "deletedRegion": {"charOffset": finding.start, "charLength": finding.end - finding.start},
                                    "insertedContent": {"text": s},
                                }
                            ],
                        }
                    ],
                }
                for s in finding.suggestions
            ]
    else:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.location.describe() if finding.location else path}]
    key = "\x1f".join((finding.code, finding.entry, finding.match, finding.context))
    result["partialFingerprints"] = {"cuomin/v1": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]}
    result["properties"] = {
        "severity": finding.severity.value,
        "category": finding.category.value,
        "match": finding.match,
        "suggestions": list(finding.suggestions),
        "context": finding.context,
        "layer": finding.layer,
        "entry": finding.entry,
        "location": None if finding.location is None else finding.location.to_dict(),
    }
    return result


class SarifReporter:
    def __init__(self, out: TextIO, *, color: bool = False) -> None:
        self._out = out
        self._first = True
        self._rules: dict[str, Finding] = {}
        self._notifications: list[dict[str, Any]] = []

    def begin(self) -> None:
        head = {"$schema": SARIF_SCHEMA, "version": "2.1.0"}
        self._out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "runs": [{"columnKind": "unicodeCodePoints", "results": [')

    def file(
        self, path: str, findings: Iterable[Finding], error: str | None = None, meta: DocumentMeta | None = None
    ) -> list[Finding]:
        if error is not None:
            self._notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"无法检查：{error}"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(path)}}}],
                }
            )
        kept: list[Finding] = []
        for finding in findings:
            kept.append(finding)
            self._rules.setdefault(finding.code, finding)
            self._out.write(("\n" if self._first else ",\n") + json.dumps(_result(path, finding), ensure_ascii=False))
            self._first = False
        return kept

    def end(self) -> None:
        rules = [
            {
                "id": code,
                "shortDescription": {"text": f.category.label},
                "defaultConfiguration": {"level": _LEVEL[f.severity]},
                "properties": {"category": f.category.value},
            }
            for code, f in sorted(self._rules.items())
        ]
        tail = {
            "tool": {"driver": {"name": "cuomin", "version": __version__, "semanticVersion": __version__, "rules": rules}},
            "invocations": [
                {"executionSuccessful": not self._notifications, "toolExecutionNotifications": self._notifications}
            ],
        }
        self._out.write("\n], " + json.dumps(tail, ensure_ascii=False)[1:] + "]}\n")
