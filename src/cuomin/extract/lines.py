"""Rebuild paragraphs from the lines of a laid-out page (PDF, OFD).

A line that runs to the full width of the text block was wrapped by the layout, so it joins
the next line: without a space between CJK characters (国务院总理李克 / 强 → 李克强), with one
between Latin words. A short line ends its paragraph (titles, last lines), and so does a
blank line. Nothing else is inserted or removed, so a term wrapped across lines always ends
up inside one paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["paragraphs", "join_pair", "is_cjk", "display_width"]

#: A line this close to the page's longest line counts as full (wrapped).
FULL_LINE = 0.8

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_EDGE_SPACE = " \t\u3000\xa0"


def is_cjk(ch: str) -> bool:
    """CJK ideographs, kana, CJK and full-width punctuation: no space between them."""
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3134F
        or o in (0x2014, 0x2026, 0x201C, 0x201D, 0x2018, 0x2019, 0x00B7)
    )


def display_width(text: str) -> int:
    """Width in half-width columns: CJK characters count two (GB18030 gives one byte to
    ASCII and two to CJK: its length is the width, counted in C)."""
    return len(text.encode("gb18030", "ignore"))


def join_pair(left: str, right: str) -> str:
    """Join a wrapped line to the next: no space when either side is CJK."""
    if not left:
        return right
    if not right:
        return left
    if is_cjk(left[-1]) or is_cjk(right[0]):
        return left + right
    return left + " " + right


def paragraphs(lines: Sequence[str]) -> list[str]:
    """Group the lines of one page into paragraphs (see the module docstring)."""
    cleaned = [_CONTROL_RE.sub("", line).strip(_EDGE_SPACE) for line in lines]
    widths = [display_width(line) for line in cleaned]
    full = max(widths, default=0) * FULL_LINE
    out: list[str] = []
    current = ""
    previous_full = False
    for line, width in zip(cleaned, widths):
        if not line:
            if current:
                out.append(current)
            current = ""
            previous_full = False
            continue
        if current and not previous_full:
            out.append(current)
            current = ""
        current = join_pair(current, line)
        previous_full = width >= full
    if current:
        out.append(current)
    return out
