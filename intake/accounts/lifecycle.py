"""Joiners, movers and leavers: what an administrator does to an existing account, and its effect on
access now, not at the next login.

* deactivate: the account can no longer sign in; every open session and every API token is revoked.
* reactivate: it can sign in again (with a new login; old sessions and tokens stay revoked).
* reset password: a new password (generated or given), every open session revoked.
* set role: the new role applies at once: every open session is revoked, so no page keeps the old
  role's powers; API tokens keep working (they act as the user, whose role is read on every request).
Each returns what changed for the audit trail (ids and roles, never a password).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from intake.accounts import sessions
from intake.accounts.auth import UserError, find_partnership, find_user, generate_password, hash_password
from intake.models import ApiToken, User, utcnow
from intake.states import Role


def _user(db: Session, email: str) -> User:
    user = find_user(db, email)
    if user is None:
        raise UserError(f"no user {email}")
    return user


def deactivate(db: Session, email: str, *, now: datetime | None = None) -> tuple[User, int, int]:
    """Returns the user, the sessions and the tokens revoked."""
    now = now or utcnow()
    user = _user(db, email)
    if not user.active:
        raise UserError(f"user {user.email} is already deactivated")
    user.active = False
    user.session_version += 1
    ended = sessions.revoke_all(db, user.id, "deactivated", now=now)
    result = db.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    return user, ended, int(getattr(result, "rowcount", 0) or 0)


def reactivate(db: Session, email: str) -> User:
    user = _user(db, email)
    if user.active:
        raise UserError(f"user {user.email} is already active")
    user.active = True
    return user


def reset_password(db: Session, email: str, password: str | None = None) -> tuple[User, str, int]:
    """Returns the user, the new password (to be shown once) and the sessions revoked."""
    user = _user(db, email)
    password = password or generate_password()
    if len(password) < 10:
        raise UserError("passwords must be at least 10 characters")
    user.password_hash = hash_password(password)
    user.session_version += 1
    return user, password, sessions.revoke_all(db, user.id, "password_reset")


def set_role(db: Session, email: str, role: str, partnership_ref: str | None = None) -> tuple[User, str, int]:
    """Returns the user, the previous role and the sessions revoked."""
    user = _user(db, email)
    if role not in list(Role):
        raise UserError(f"role must be one of {', '.join(Role)}")
    partnership = None
    if role == Role.PARTNERSHIP_UPLOADER:
        if not partnership_ref:
            raise UserError("a partnership_uploader needs --partnership")
        partnership = find_partnership(db, partnership_ref)
        if partnership is None:
            raise UserError(f"no partnership {partnership_ref!r}")
    elif partnership_ref:
        raise UserError("only partnership_uploader accounts belong to a partnership")
    previous = user.role
    user.role = role
    user.partnership_id = partnership.id if partnership else None
    user.session_version += 1
    return user, previous, sessions.revoke_all(db, user.id, "role_changed")
