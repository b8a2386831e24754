"""Framing between the parent and the sandboxed child: length-prefixed frames, each a JSON header and a
raw bytes payload.

    frame = header length (4 bytes, big-endian) | payload length (8 bytes, big-endian) | header | payload

The header is UTF-8 JSON (an object); the payload is the document, a rendered PDF or a PNG. JSON only,
never pickle: a compromised child must not be able to make the key-holding parent run code, and JSON
can only ever decode to plain data. The reader refuses frames over its size limits before allocating.
"""

from __future__ import annotations

import json
import struct
from typing import IO, Any

_PREFIX = struct.Struct(">IQ")
MAX_HEADER_BYTES = 256 * 1024 * 1024
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024 * 1024


class ProtocolError(Exception):
    """A frame was cut short, too large or not a JSON object."""


def write_frame(stream: IO[bytes], header: dict[str, Any], payload: bytes = b"") -> None:
    body = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    stream.write(_PREFIX.pack(len(body), len(payload)))
    stream.write(body)
    if payload:
        stream.write(payload)
    stream.flush()


def read_frame(
    stream: IO[bytes], *, max_header: int = MAX_HEADER_BYTES, max_payload: int = MAX_PAYLOAD_BYTES
) -> tuple[dict[str, Any], bytes] | None:
    """The next frame, or None at a clean end of the stream (nothing more was written)."""
    prefix = _read_exactly(stream, _PREFIX.size, allow_eof=True)
    if prefix is None:
        return None
    header_size, payload_size = _PREFIX.unpack(prefix)
    if header_size > max_header or payload_size > max_payload:
        raise ProtocolError("frame too large")
    body = _read_exactly(stream, header_size) or b""
    payload = _read_exactly(stream, payload_size) if payload_size else b""
    try:
        header = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("frame header is not JSON") from None
    if not isinstance(header, dict):
        raise ProtocolError("frame header is not a JSON object")
    return header, payload or b""


def _read_exactly(stream: IO[bytes], size: int, *, allow_eof: bool = False) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            if allow_eof and remaining == size:
                return None
            raise ProtocolError("frame cut short")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
