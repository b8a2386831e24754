"""HMAC-SHA256 signatures for the HTTP sink, and the check an archive performs (README, "Archive handover
contract"). The signed message is ``<timestamp>.<body>``: binding the timestamp stops a captured request
being replayed later with a fresh timestamp header, and signing the exact body bytes means the archive
verifies what it received, not a re-serialisation of it."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-SafePub-Signature"
TIMESTAMP_HEADER = "X-SafePub-Timestamp"
EVENT_HEADER = "X-SafePub-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
VERSION = "v1"
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The signature or timestamp does not check out (the archive should answer 401)."""


def sign(key: str | bytes, timestamp: int, body: bytes) -> str:
    secret = key.encode("utf-8") if isinstance(key, str) else key
    digest = hmac.new(secret, str(int(timestamp)).encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def verify(
    key: str | bytes,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise SignatureError unless ``signature`` is ours for this body and the timestamp is recent."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise SignatureError("malformed timestamp") from None
    if abs((time.time() if now is None else now) - sent) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")
    if not hmac.compare_digest(sign(key, sent, body), signature or ""):
        raise SignatureError("signature mismatch")
