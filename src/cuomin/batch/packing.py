"""How the ledger stores bytes it compresses (a document's text, its bigram signature).

New values are zstd frames at level 1: on the scan's generated articles this compresses
the stored text in 40 % of zlib level 1's time and the signature bitmaps in 45 %, to about
the same size (the figures are in benchmarks/RESULTS.md), and reads them back three times
faster. Values that ledgers written before hold are zlib streams; both are read, told
apart by the zstd frame's magic number, so no ledger needs converting.
"""

from __future__ import annotations

import threading
import zlib
from typing import Final

import zstandard

__all__ = ["pack", "unpack"]

_ZSTD_MAGIC: Final = b"\x28\xb5\x2f\xfd"
_LEVEL: Final = 1


class _Codecs(threading.local):
    """A compressor and a decompressor per thread (neither may be shared between threads;
    reusing them saves a third of the time of making new ones per value)."""

    def __init__(self) -> None:
        self.compressor = zstandard.ZstdCompressor(level=_LEVEL)
        self.decompressor = zstandard.ZstdDecompressor()


_codecs = _Codecs()


def pack(data: bytes) -> bytes:
    """``data`` compressed for the ledger."""
    return _codecs.compressor.compress(data)


def unpack(blob: bytes) -> bytes:
    """The bytes :func:`pack` (or an older cuomin's zlib) compressed into ``blob``.

    Raises ValueError when ``blob`` is neither."""
    try:
        if blob[:4] == _ZSTD_MAGIC:
            return _codecs.decompressor.decompress(blob)
        return zlib.decompress(blob)
    except (zstandard.ZstdError, zlib.error) as exc:
        raise ValueError(f"stored value cannot be decompressed: {exc}") from None
