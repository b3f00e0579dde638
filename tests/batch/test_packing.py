"""The ledger's compressed values: new ones are zstd, older ledgers' zlib ones still read."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cuomin
from cuomin.batch.assemble import decode_document, encode_document
from cuomin.batch.packing import pack, unpack
from cuomin.batch.signature import bigram_keys, build_signature, may_contain


@given(st.binary(max_size=4000))
def test_pack_round_trips(data: bytes) -> None:
    packed = pack(data)
    assert packed[:4] == b"\x28\xb5\x2f\xfd"
    assert unpack(packed) == data


@given(st.binary(max_size=4000), st.integers(min_value=1, max_value=9))
def test_values_older_ledgers_wrote_with_zlib_still_read(data: bytes, level: int) -> None:
    assert unpack(zlib.compress(data, level)) == data


@pytest.mark.parametrize("blob", [b"", b"\x28\xb5\x2f\xfd" + b"\0" * 12, b"not compressed at all", b"x\x01garbage"])
def test_damaged_values_are_a_value_error(blob: bytes) -> None:
    with pytest.raises(ValueError, match="cannot be decompressed"):
        unpack(blob)


def _doc() -> cuomin.Document:
    return cuomin.Document(
        segments=(
            cuomin.Segment("中华人民共和国国务院", cuomin.Location(part=cuomin.Part.TITLE)),
            cuomin.Segment("第二段，含有习近平新时代中国特色社会主义思想。", cuomin.Location(paragraph=1, element="p")),
        ),
        links=(("http://example.gov.cn/a.pdf", "附件", False),),
    )


def test_a_document_stored_by_an_older_cuomin_still_decodes() -> None:
    doc = _doc()
    new = encode_document(doc)
    old = zlib.compress(unpack(new), 1)  # the same payload as the zlib of earlier versions
    for blob in (new, old):
        back = decode_document(blob)
        assert back.segments == doc.segments
        assert back.links == doc.links


def test_a_signature_stored_by_an_older_cuomin_still_answers() -> None:
    from cuomin.normalize import default_normalizer

    codes = default_normalizer().normalize("第二段，含有习近平新时代").codes
    new = build_signature([codes])
    old = zlib.compress(unpack(new), 1)
    present, absent = bigram_keys("习近平"), bigram_keys("台湾总统")
    for sig in (new, old):
        assert may_contain(sig, [present])
        assert not may_contain(sig, [absent])
