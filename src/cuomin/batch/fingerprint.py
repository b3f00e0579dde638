"""Finding fingerprints that survive edits elsewhere in the article.

A fingerprint hashes what identifies a problem to an editor, not where it sits: the entry
(or rule code), the match and a few characters of context on each side, all normalised,
and the part of the document (title, body, which attachment and sheet). Page, paragraph and
offsets are left out: they move when a sentence is added above. Identical problems in the
same place of the same context are numbered in order, so two of them stay two.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, Final

from ..checker import CONTEXT_WIDTH
from ..model import Finding
from ..normalize import default_normalizer
from .assemble import PART_VALUE

__all__ = ["fingerprints", "finding_row", "FINGERPRINT_CONTEXT"]

#: Characters of context on each side that a fingerprint includes.
FINGERPRINT_CONTEXT: Final = 6


def _lead(f: Finding) -> int:
    """Where the match starts in the finding's context."""
    ctx = f.context
    lead = min(f.start, CONTEXT_WIDTH)
    if ctx[lead : lead + len(f.match)] != f.match:
        found = ctx.find(f.match) if f.match else -1
        lead = found if found >= 0 else 0
    return lead


def _base(f: Finding) -> str:
    # One normalisation of the whole context; the match is located in it by offsets.
    normalized = default_normalizer().normalize(f.context)
    lead = _lead(f)
    start = normalized.to_normalized(lead)
    end = normalized.to_normalized(lead + len(f.match))
    text = normalized.text
    before_n = text[max(0, start - FINGERPRINT_CONTEXT) : start]
    after_n = text[end : end + FINGERPRINT_CONTEXT]
    match_n = text[start:end]
    loc = f.location
    where = "" if loc is None else f"{PART_VALUE[loc.part]}|{loc.file or ''}|{loc.sheet or ''}"
    what = f.entry if f.code.startswith("WD") else f"{f.code}|{f.entry}"
    return "\x1f".join((what, match_n, before_n, after_n, where))


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """One fingerprint per finding, in the same order (40 hex digits)."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for f in findings:
        base = _base(f)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(hashlib.blake2b(f"{base}\x1f{n}".encode("utf-8", "surrogatepass"), digest_size=20).hexdigest())
    return out


def finding_row(f: Finding, fingerprint: str) -> dict[str, Any]:
    """The ledger's columns for one finding."""
    loc = f.location
    return {
        "fingerprint": fingerprint,
        "code": f.code,
        "entry": f.entry,
        "layer": f.layer,
        "category": f.category.value,
        "severity": f.severity.value,
        "match": f.match,
        "context": f.context,
        "suggestions": json.dumps(list(f.suggestions), ensure_ascii=False),
        "explanation": f.explanation,
        "location": json.dumps(loc.to_dict(), ensure_ascii=False) if loc is not None else None,
        "where": loc.describe() if loc is not None else "正文",
        "start": f.start,
        "end": f.end,
        "line": f.line,
        "col": f.column,
    }
