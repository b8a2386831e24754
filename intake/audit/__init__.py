"""The audit trail's single append path. No Flask import.

Every event holds ids, categories and counts only, never a document's words or a person's name:
``append`` rejects long strings in ``details`` so a careless caller cannot smuggle text in.

Tamper evidence (RFC 6962): every row stores its gap-free sequence number (the leaf index), the exact
canonical entry bytes (sorted-key compact JSON, UTC timestamps) and the leaf hash SHA-256(0x00 || entry).
Appends are serialised on the ``audit_head`` row so concurrent web and worker processes cannot fork the
log. Verification, checkpoints and proofs live in ``intake.audit.verify`` / ``intake.audit.merkle`` /
``intake.audit.checkpoint``; callers only ever need ``append``, ``Actor`` and ``SYSTEM``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.audit.merkle import leaf_hash
from intake.db import update_one
from intake.models import AuditEvent, AuditHead, utcnow

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


class AuditLogUnavailable(RuntimeError):
    """The audit head row is missing (schema not migrated), so nothing can be recorded safely."""


_TIMESTAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
APPEND_ATTEMPTS = 5


def format_timestamp(value: datetime) -> str:
    """UTC with microseconds and a Z: the only timestamp form inside an entry."""
    return value.astimezone(UTC).strftime(_TIMESTAMP)


def entry_fields(
    *,
    seq: int,
    prev: str | None,
    at: datetime,
    action: str,
    actor_id: str | None,
    actor_role: str | None,
    partnership_id: str | None,
    submission_id: str | None,
    details: Any,
) -> dict[str, Any]:
    """The dict whose canonical JSON is a log entry.

    ``seq`` inside the hashed bytes makes a moved row visible on its own; ``prev`` (the previous leaf hash)
    links each entry to the one before, so a row rewritten consistently (entry, leaf and columns) still
    breaks its successor's link and verify can name it without waiting for a checkpoint.
    """
    return {
        "seq": seq,
        "prev": prev,
        "at": format_timestamp(at),
        "action": action,
        "actor": actor_id,
        "role": actor_role,
        "partnership": partnership_id,
        "submission": submission_id,
        "details": details,
    }


def lock_head(session: Session) -> AuditHead:
    """Take the append lock and return the head.

    The UPDATE takes PostgreSQL's row lock on the head (held to commit; a concurrent appender waits, then
    re-reads the committed head under READ COMMITTED) and SQLite's database write lock (pysqlite opens the
    transaction before the first write). Either way nobody else can read the same head until we commit, so
    two writers cannot fork the log; the unique ``seq`` is the backstop if that ever fails.
    """
    locked = update_one(session, update(AuditHead).where(AuditHead.id == 1).values(tree_size=AuditHead.tree_size))
    if not locked:
        raise AuditLogUnavailable("audit_head row missing: run `safepub migrate`")
    head = session.get(AuditHead, 1, populate_existing=True)
    assert head is not None
    return head


def _append_locked(session: Session, fields: dict[str, Any], row: dict[str, Any]) -> AuditEvent:
    head = lock_head(session)
    fields = {**fields, "seq": head.tree_size, "prev": head.last_leaf}
    entry = canonical(fields).encode("ascii")
    leaf = leaf_hash(entry).hex()
    event = AuditEvent(**row, seq=head.tree_size, entry=entry.decode("ascii"), leaf_hash=leaf)
    session.add(event)
    head.tree_size += 1
    head.last_leaf = leaf
    session.flush()
    return event


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
    """Add one event to the caller's transaction (it commits with the change it records).

    The caller's transaction holds the append lock from here until it commits, so keep work after an
    append short. On PostgreSQL a unique-sequence clash (only possible if the lock were bypassed) is
    retried inside a savepoint; SQLite's single writer makes it impossible there.
    """
    body = details or {}
    _check(body)
    occurred = (at or utcnow()).astimezone(UTC)
    partnership = partnership_id if partnership_id is not None else actor.partnership_id
    row = {
        "occurred_at": occurred,
        "action": action,
        "actor_id": actor.user_id,
        "actor_role": actor.role,
        "partnership_id": partnership,
        "submission_id": submission_id,
        "details": canonical(body),
    }
    fields = entry_fields(
        seq=-1,
        prev=None,
        at=occurred,
        action=action,
        actor_id=actor.user_id,
        actor_role=actor.role,
        partnership_id=partnership,
        submission_id=submission_id,
        details=body,
    )
    if session.get_bind().dialect.name != "postgresql":
        return _append_locked(session, fields, row)
    for attempt in range(APPEND_ATTEMPTS):
        try:
            with session.begin_nested():
                return _append_locked(session, fields, row)
        except IntegrityError:
            if attempt == APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
