"""A content's bigram signature: which pairs of adjacent normalised characters occur in it.

A dictionary term can only match a segment whose normalised text contains every pair of
adjacent characters of the term's normalised form (matches never cross segments, and
the signature is built per segment). So a rescan after adding a few entries skips, without
reading their text, the documents whose signature lacks the new terms' pairs: a Bloom-style
filter with one hash, never a false negative. Terms of one character always pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from .packing import pack, unpack

__all__ = ["BITS", "bigram_keys", "build_signature", "joined_signature", "may_contain", "may_contain_many"]

#: Bits in a signature (8 KiB before compression; a 15 KB article fills about a tenth).
BITS: Final = 1 << 16
_MASK: Final = BITS - 1


def _keys(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    a = codes[:-1].astype(np.uint64)
    b = codes[1:].astype(np.uint64)
    keys: npt.NDArray[np.uint64] = ((a * np.uint64(0x9E3779B1)) ^ (b * np.uint64(0x85EBCA77)) ^ (a >> np.uint64(7))) & np.uint64(_MASK)
    return keys


def bigram_keys(normalised_term: str) -> tuple[int, ...]:
    codes = np.frombuffer(normalised_term.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if codes.shape[0] < 2:
        return ()
    return tuple(sorted({int(k) for k in _keys(codes)}))


def build_signature(segments: Iterable[npt.NDArray[np.uint32]]) -> bytes:
    """Compressed bitmap of the bigrams of each normalised segment (code point arrays)."""
    parts = [codes for codes in segments if codes.shape[0] >= 2]
    if not parts:
        return _pack(np.zeros(BITS, dtype=np.bool_))
    return joined_signature(np.concatenate(parts), np.cumsum([p.shape[0] for p in parts])[:-1])


def joined_signature(codes: npt.NDArray[np.uint32], cuts: Sequence[int] | npt.NDArray[np.intp]) -> bytes:
    """:func:`build_signature` of the segments that ``codes`` holds one after the other,
    the next one starting at each of ``cuts``: one pass, no bigram across a cut."""
    flags = np.zeros(BITS, dtype=np.bool_)
    if codes.shape[0] >= 2:
        keys = _keys(codes.astype(np.uint32))
        if len(cuts):
            keep = np.ones(keys.shape[0], dtype=np.bool_)
            keep[np.asarray(cuts, dtype=np.intp) - 1] = False  # the pair (last of one, first of next)
            keys = keys[keep]
        flags[keys.astype(np.intp)] = True
    return _pack(flags)


def _pack(flags: npt.NDArray[np.bool_]) -> bytes:
    return pack(np.packbits(flags, bitorder="little").tobytes())


def may_contain(signature: bytes | None, probes: Sequence[tuple[int, ...]]) -> bool:
    """Could some term (given by its bigram keys) occur in content with this signature?"""
    return bool(may_contain_many([signature], probes)[0])


def may_contain_many(signatures: Sequence[bytes | None], probes: Sequence[tuple[int, ...]]) -> npt.NDArray[np.bool_]:
    """:func:`may_contain` for each of several signatures, tested in a few vectorised steps
    for all of them together (a rescan tests every document against the same terms)."""
    n = len(signatures)
    if not probes or any(not keys for keys in probes):
        return np.ones(n, dtype=np.bool_)  # no term, or a term of one character: nothing to rule out
    known = [i for i, sig in enumerate(signatures) if sig is not None]
    out = np.ones(n, dtype=np.bool_)
    if not known:
        return out
    keys = np.asarray([k for term in probes for k in term], dtype=np.intp)
    starts = np.cumsum([0] + [len(term) for term in probes[:-1]]).astype(np.intp)
    raw = b"".join(unpack(signatures[i]) for i in known)  # type: ignore[arg-type]
    bits = np.frombuffer(raw, dtype=np.uint8).reshape(len(known), BITS // 8)
    present = ((bits[:, keys >> 3] >> (keys & 7).astype(np.uint8)) & 1).astype(np.bool_)
    out[known] = np.logical_and.reduceat(present, starts, axis=1).any(axis=1)
    return out
