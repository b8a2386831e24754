"""Server-side sessions: every signed-in browser is a row that can be listed and revoked.

The cookie carries a random 256-bit token; the database keeps only its SHA-256 (a stolen database
cannot be replayed as cookies). A session ends when the user logs out, after ``idle`` without a request,
at its absolute limit whatever the activity, and at once for every session of a user who is deactivated,
has their password reset or their role changed. No Flask import: the web layer puts the token in the
cookie and calls :func:`resume` on each request.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake.accounts.auth import token_digest
from intake.models import User, UserSession, utcnow

#: how often ``last_seen_at`` is written: often enough for the idle limit, not on every request
TOUCH_EVERY = timedelta(seconds=60)


def digest(token: str) -> str:
    """The stored id of a session: the SHA-256 of its token, as for API tokens."""
    return token_digest(token)


def start(db: Session, user: User, *, absolute: timedelta, now: datetime | None = None) -> str:
    """A new session for ``user``; returns the token for the cookie (shown to nobody else, never stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.add(UserSession(id=digest(token), user_id=user.id, created_at=now, last_seen_at=now, expires_at=now + absolute))
    db.flush()
    return token


def resume(db: Session, token: str, *, idle: timedelta, now: datetime | None = None) -> User | None:
    """The active user behind a cookie's token, or None (unknown, revoked, idle too long, past its
    absolute limit, or the user deactivated). An expired session is marked revoked with the reason."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    record = db.get(UserSession, digest(token))
    if record is None or record.revoked_at is not None:
        return None
    reason = "expired" if now >= record.expires_at else "idle" if now - record.last_seen_at >= idle else None
    user = db.get(User, record.user_id)
    if reason is None and (user is None or not user.active):
        reason = "deactivated"
    if reason is not None:
        record.revoked_at, record.revoked_reason = now, reason
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
    return user


def revoke(db: Session, token: str, reason: str = "logout", *, now: datetime | None = None) -> bool:
    return bool(token) and revoke_by_id(db, digest(token), reason, now=now)


def revoke_by_id(db: Session, session_id: str, reason: str, *, now: datetime | None = None) -> bool:
    """Revoke one session by its id (the token's digest), as an administrator does from the list."""
    record = db.get(UserSession, session_id)
    if record is None or record.revoked_at is not None:
        return False
    record.revoked_at, record.revoked_reason = now or utcnow(), reason
    return True


def revoke_all(db: Session, user_id: str, reason: str, *, now: datetime | None = None) -> int:
    """End every open session of a user; returns how many were open."""
    result = db.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow(), revoked_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def open_sessions(db: Session, *, now: datetime | None = None) -> list[tuple[UserSession, User]]:
    """Sessions not revoked and not past their absolute limit, newest first, with their users."""
    now = now or utcnow()
    rows = db.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc())
    )
    return [(record, user) for record, user in rows]
