"""Users, roles, passwords, API tokens and login throttling. No Flask import (sessions live in web/).

* Passwords: argon2id (argon2-cffi defaults), re-hashed when the parameters change.
* API tokens: 256-bit random, shown once, stored as SHA-256. A fast hash is enough for secrets of
  that entropy (no dictionary to attack), and it lets a request find its token by an index lookup.
* Login: a generic error whatever went wrong and one argon2 verification on every path (no user
  enumeration, by message or by timing); a growing delay per account and address instead of a lock-out
  (``throttle.py``), and a per-IP rate limit kept in Redis; then, for an enrolled Secretariat or admin
  account, a TOTP code (``totp.py``) under the same delay.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.audit import Actor
from intake.models import ApiToken, Partnership, User, utcnow
from intake.states import SECRETARIAT, Role

TOKEN_PREFIX = "sp_"
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both paths cost one argon2 verification.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AuthenticationError(Exception):
    """Wrong or missing credentials. The message is deliberately the same for every cause."""

    def __init__(self, message: str = "invalid credentials") -> None:
        super().__init__(message)


class UserError(ValueError):
    """Invalid input to a user-management command (bad role, unknown partnership...)."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, as every access decision sees it."""

    user_id: str
    email: str
    role: str
    partnership_id: str | None

    @property
    def is_secretariat(self) -> bool:
        return self.role in SECRETARIAT


def actor_of(principal: Principal) -> Actor:
    """The audit trail's view of a caller: ids and role, never a name."""
    return Actor(principal.user_id, principal.role, principal.partnership_id)


def principal_of(user: User) -> Principal:
    return Principal(user.id, user.email, user.role, user.partnership_id)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def normalise_email(email: str) -> str:
    return email.strip().lower()


# -- management ---------------------------------------------------------------------------------------
def create_partnership(session: Session, name: str) -> Partnership:
    name = name.strip()
    if not name or len(name) > 200:
        raise UserError("a partnership needs a name of 1 to 200 characters")
    if session.scalars(select(Partnership).where(Partnership.name == name)).first():
        raise UserError(f"partnership {name!r} already exists")
    partnership = Partnership(name=name)
    session.add(partnership)
    session.flush()
    return partnership


def find_partnership(session: Session, ref: str) -> Partnership | None:
    """By id or by exact name."""
    return session.get(Partnership, ref) or session.scalars(select(Partnership).where(Partnership.name == ref)).first()


def create_user(
    session: Session,
    *,
    email: str,
    role: str,
    partnership: Partnership | None = None,
    password: str | None = None,
) -> tuple[User, str]:
    """Returns the user and the password (generated when not given), to be shown once."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise UserError("a valid e-mail address is required")
    if role not in list(Role):
        raise UserError(f"role must be one of {', '.join(Role)}")
    if role == Role.PARTNERSHIP_UPLOADER and partnership is None:
        raise UserError("a partnership_uploader needs --partnership")
    if role != Role.PARTNERSHIP_UPLOADER and partnership is not None:
        raise UserError("only partnership_uploader accounts belong to a partnership")
    if session.scalars(select(User).where(User.email == email)).first():
        raise UserError(f"user {email} already exists")
    password = password or generate_password()
    if len(password) < 10:
        raise UserError("passwords must be at least 10 characters")
    user = User(
        email=email,
        role=role,
        partnership_id=partnership.id if partnership else None,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user, password


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalise_email(email))).first()


# -- passwords ----------------------------------------------------------------------------------------
def authenticate(session: Session, email: str, password: str) -> User:
    """Check a password. Every path costs one argon2 verification and raises the same error, so neither
    the answer nor its timing says whether the account exists or is active. Commits nothing; the caller
    records ``last_login_at`` once the whole login (a second factor too) has succeeded."""
    user = find_user(session, email)
    if user is None or not user.active or not user.password_hash:
        _verify(_DUMMY_HASH, password)
        raise AuthenticationError()
    if not _verify(user.password_hash, password):
        raise AuthenticationError()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- API tokens ---------------------------------------------------------------------------------------
def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, *, days: int = 90) -> tuple[str, ApiToken]:
    """A new bearer token valid for ``days``; the plaintext is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id, token_hash=token_digest(token), prefix=token[:10], expires_at=utcnow() + timedelta(days=days)
    )
    session.add(record)
    session.flush()
    return token, record


def revoke_token(session: Session, token_id: str) -> bool:
    record = session.get(ApiToken, token_id)
    if record is None or record.revoked_at is not None:
        return False
    record.revoked_at = utcnow()
    return True


def principal_from_token(session: Session, token: str) -> Principal:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise AuthenticationError()
    digest = token_digest(token)
    record = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if record is None or record.revoked_at is not None or not hmac.compare_digest(record.token_hash, digest):
        raise AuthenticationError()
    if record.expires_at is None or record.expires_at <= utcnow():  # every token has an expiry (0007)
        raise AuthenticationError()
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        raise AuthenticationError()
    record.last_used_at = utcnow()
    return principal_of(user)
