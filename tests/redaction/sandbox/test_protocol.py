"""Frames between parent and child: what is written is read back, and what a hostile child could send
instead (cut short, oversized, not JSON, not an object) is refused before it is trusted."""

from __future__ import annotations

import io
import struct

import pytest

from redaction.sandbox.protocol import ProtocolError, read_frame, write_frame


def test_when_frames_are_written_then_they_read_back_in_order_and_end_cleanly() -> None:
    stream = io.BytesIO()
    write_frame(stream, {"method": "page_image", "args": {"page": 2}}, b"%PDF-1.7 bytes")
    write_frame(stream, {"progress": [1, 3]})
    stream.seek(0)
    assert read_frame(stream) == ({"method": "page_image", "args": {"page": 2}}, b"%PDF-1.7 bytes")
    assert read_frame(stream) == ({"progress": [1, 3]}, b"")
    assert read_frame(stream) is None


def test_when_a_frame_is_cut_short_then_it_is_a_protocol_error() -> None:
    stream = io.BytesIO()
    write_frame(stream, {"result": None}, b"x" * 100)
    with pytest.raises(ProtocolError):
        read_frame(io.BytesIO(stream.getvalue()[:-10]))


def test_when_a_frame_declares_more_than_the_limit_then_nothing_is_allocated() -> None:
    stream = io.BytesIO(struct.pack(">IQ", 10, 1 << 40))
    with pytest.raises(ProtocolError, match="too large"):
        read_frame(stream, max_payload=1 << 20)


@pytest.mark.parametrize("body", [b"\x80\x04\x95 pickle", b"[1, 2]", b"not json"])
def test_when_the_header_is_not_a_json_object_then_it_is_refused(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        read_frame(io.BytesIO(struct.pack(">IQ", len(body), 0) + body))
