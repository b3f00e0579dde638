"""Parse untrusted XML (DOCX, XLSX, OFD parts) safely.

Office and OFD parts never carry a document type declaration, so one is refused outright
(FL009); the parser itself never resolves entities, never loads a DTD, never touches the
network and keeps libxml2's limits on depth and text size (``huge_tree`` off).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from .problems import ExtractionFailed

__all__ = ["parse_xml", "iterparse_xml", "refuse_dtd", "local_name"]

_local = threading.local()

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _parser() -> etree.XMLParser:
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(**_PARSER_OPTIONS)
        _local.parser = parser
    return parser


def refuse_dtd(data: bytes, part: str) -> None:
    """Raise FL009 when an XML part declares a DTD or entities (billion laughs and XXE)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data or b"<!doctype" in data:
        raise ExtractionFailed("FL009", f"部件 {part}")


def parse_xml(data: bytes, part: str) -> Any:
    """Parse one whole XML part; a malformed part is FL002."""
    refuse_dtd(data, part)
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ExtractionFailed("FL002", f"部件 {part} 的 XML 有误：{exc}") from None


class _PrologGuard:
    """A file wrapper that refuses a DTD in the first block before the parser sees it."""

    def __init__(self, stream: IO[bytes] | io.RawIOBase, part: str) -> None:
        self._stream = stream
        self._part = part
        self._first = True

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if self._first:
            self._first = False
            refuse_dtd(data[:65536], self._part)
        return data


def iterparse_xml(stream: IO[bytes] | io.RawIOBase, part: str, tag: Any) -> Iterator[Any]:
    """Stream ``end`` events for ``tag`` from an XML part, safely; malformed XML is FL002.

    The caller clears elements it has handled so that memory stays flat.
    """
    events = etree.iterparse(
        _PrologGuard(stream, part),
        events=("end",),
        tag=tag,
        **_PARSER_OPTIONS,
    )
    try:
        for _event, element in events:
            yield element
    except etree.XMLSyntaxError as exc:
        raise ExtractionFailed("FL002", f"部件 {part} 的 XML 有误：{exc}") from None


def local_name(tag: Any) -> str:
    """``{ns}Name`` → ``Name`` (comments and PIs → "")."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]
