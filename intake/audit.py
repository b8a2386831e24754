"""The audit trail's single append path. No Flask import.

Every event holds ids, categories and counts only, never a document's words or a person's name:
``append`` rejects long strings in ``details`` so a careless caller cannot smuggle text in.

Seam for issue 4 (tamper evidence): ``append`` is the only writer and ``canonical`` produces the exact
bytes of an entry (sorted-key compact JSON, UTC timestamp). The Merkle/RFC 6962 work replaces the body
of ``append`` with a serialised append (row lock or unique sequence + retry) that also stores the leaf
hash, and adds ``verify``; callers do not change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from intake.models import AuditEvent, utcnow

MAX_DETAIL_STRING = 80  # ids, enum values and key ids fit; sentences and paragraphs do not


class AuditDetailError(ValueError):
    """``details`` contained something that could be personal data (long text) or a non-JSON value."""


@dataclass(frozen=True)
class Actor:
    """Who did it. ``None`` user for the system (worker, CLI without a user)."""

    user_id: str | None
    role: str | None
    partnership_id: str | None = None


SYSTEM = Actor(user_id=None, role="system")


def canonical(value: Any) -> str:
    """Sorted-key compact JSON: one byte string per value, whatever the insertion order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _check(value: Any, path: str = "details") -> None:
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if len(value) > MAX_DETAIL_STRING:
            raise AuditDetailError(f"{path}: audit strings are limited to ids and codes")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > MAX_DETAIL_STRING:
                raise AuditDetailError(f"{path}: keys must be short strings")
            _check(item, f"{path}.{key}")
        return
    raise AuditDetailError(f"{path}: {type(value).__name__} is not allowed in audit details")


def append(
    session: Session,
    action: str,
    *,
    actor: Actor = SYSTEM,
    submission_id: str | None = None,
    partnership_id: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one event to the caller's transaction (it commits with the change it records)."""
    body = details or {}
    _check(body)
    event = AuditEvent(
        occurred_at=(at or utcnow()).astimezone(UTC),
        action=action,
        actor_id=actor.user_id,
        actor_role=actor.role,
        partnership_id=partnership_id if partnership_id is not None else actor.partnership_id,
        submission_id=submission_id,
        details=canonical(body),
    )
    session.add(event)
    session.flush()
    return event


def entry_bytes(event: AuditEvent) -> bytes:
    """The canonical bytes of a stored entry (what issue 4 hashes into the Merkle tree)."""
    return canonical(
        {
            "id": event.id,
            "at": event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "action": event.action,
            "actor": event.actor_id,
            "role": event.actor_role,
            "partnership": event.partnership_id,
            "submission": event.submission_id,
            "details": json.loads(event.details),
        }
    ).encode("utf-8")
