"""HMAC-SHA256 signatures for the HTTP sink, and the check an archive performs (README, "Archive handover
contract"). The signed message is ``<timestamp>.<idempotency key>.<event>.<body>``: binding the timestamp
stops a captured request being replayed later with a fresh timestamp header; binding the idempotency key
and the event stops it being replayed within the tolerance window under a new key (a duplicate) or as
another kind of event; and signing the exact body bytes means the archive verifies what it received,
not a re-serialisation of it."""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-SafePub-Signature"
TIMESTAMP_HEADER = "X-SafePub-Timestamp"
EVENT_HEADER = "X-SafePub-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
VERSION = "v2"
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The signature or timestamp does not check out (the archive should answer 401)."""


def sign(key: str | bytes, timestamp: int, body: bytes, *, idempotency_key: str, event: str) -> str:
    secret = key.encode("utf-8") if isinstance(key, str) else key
    message = f"{int(timestamp)}.{idempotency_key}.{event}.".encode() + body
    return f"{VERSION}={hmac.new(secret, message, hashlib.sha256).hexdigest()}"


def verify(
    key: str | bytes,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    idempotency_key: str,
    event: str,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise SignatureError unless ``signature`` is ours for this body, key and event, and the timestamp
    is recent."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise SignatureError("malformed timestamp") from None
    if abs((time.time() if now is None else now) - sent) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")
    expected = sign(key, sent, body, idempotency_key=idempotency_key, event=event)
    if not hmac.compare_digest(expected, signature or ""):
        raise SignatureError("signature mismatch")
