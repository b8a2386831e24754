"""The optional TOTP second factor (RFC 6238, ``pyotp``) of the roles that can publish. No Flask import.

Secretariat and admin accounts can get a review published, so a stolen password alone should not be
enough: an enrolled user types a six-digit code from an authenticator app after the password.

* The secret is sealed (AES-GCM, the service's ``StreamCipher``) under the user's own data key, wrapped by
  the key-encryption key like every submission key and re-wrapped by ``safepub keys rotate``; the seal is
  bound to the user's id, so a database writer can neither read a secret nor move one to another account.
* Enrolment is two steps: a new secret is stored as *pending* and shown once (as text and as an
  ``otpauth://`` URI), and becomes the user's only when a first code from it is typed back.
* A code is accepted within one time step either side of now (clock drift), and never twice: the last
  step accepted is stored and only a later step is accepted next, by a conditional UPDATE, so two
  requests racing with the same code cannot both succeed.
* ``safepub users totp-reset EMAIL`` destroys the secret's data key (a lost phone); the user enrols again.
"""

from __future__ import annotations

import hmac
import time

import pyotp
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.db import update_one
from intake.models import User, utcnow
from intake.states import SECRETARIAT, Role
from intake.storage.crypto import DataKey, DecryptionError, associated_data
from intake.storage.keys import DataKeyDestroyed, KeyService

#: the roles that can make a review public, directly or by administering accounts
TOTP_ROLES = frozenset({*SECRETARIAT, Role.ADMIN})
ISSUER = "SafePub"
PURPOSE = "totp"  # the user's data key: "totp:<user id>"
WINDOW = 1  # time steps accepted either side of now (30 s each)
DIGITS = 6


class EnrolmentError(Exception):
    """An enrolment step that cannot be done (wrong role, nothing pending, already enrolled)."""


def applies_to(user: User) -> bool:
    return user.role in TOTP_ROLES


def enrolled(user: User) -> bool:
    return user.totp_secret_enc is not None and user.totp_enabled_at is not None


def required(settings: Settings, user: User) -> bool:
    """``SAFEPUB_REQUIRE_TOTP``: an account of these roles cannot sign in without a second factor."""
    return settings.require_totp and applies_to(user)


def begin_enrolment(keys: KeyService, db: Session, user: User) -> str:
    """A new pending secret for ``user`` (base32), replacing any earlier pending one; shown once."""
    if not applies_to(user):
        raise EnrolmentError("a second factor is for Secretariat and admin accounts")
    if enrolled(user):
        raise EnrolmentError("this account already has a second factor; an administrator can reset it")
    secret = pyotp.random_base32()
    user.totp_pending_enc = _seal(keys, _key(keys, db, user, create=True), user.id, "totp_pending", secret)
    return secret


def pending_secret(keys: KeyService, db: Session, user: User) -> str | None:
    """The secret being enrolled (to show it again on the same page), or None."""
    if user.totp_pending_enc is None or user.totp_key_id is None:
        return None
    try:
        return _open(keys, _key(keys, db, user), user.id, "totp_pending", user.totp_pending_enc)
    except (DecryptionError, DataKeyDestroyed):
        return None


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (typed or pasted: no QR code is drawn)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def confirm_enrolment(keys: KeyService, db: Session, user: User, code: str, *, now: float | None = None) -> bool:
    """The pending secret becomes the user's if ``code`` comes from it; the code is then used up."""
    secret = pending_secret(keys, db, user)
    if secret is None or enrolled(user):
        return False
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None:
        return False
    user.totp_secret_enc = _seal(keys, _key(keys, db, user), user.id, "totp", secret)
    user.totp_pending_enc = None
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    return True


def verify(keys: KeyService, db: Session, user: User, code: str, *, now: float | None = None) -> bool:
    """``code`` is a current code of the user's secret, and no code of this or a later step was accepted
    before (replay). Claims the step atomically in the caller's transaction."""
    if not enrolled(user) or user.totp_secret_enc is None:
        return False
    try:
        secret = _open(keys, _key(keys, db, user), user.id, "totp", user.totp_secret_enc)
    except (DecryptionError, DataKeyDestroyed):
        return False  # changed outside SafePub, or reset meanwhile: fail closed
    step = _matching_step(secret, code, time.time() if now is None else now)
    if step is None:
        return False
    claimed = update_one(
        db,
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step),
    )
    if claimed:
        user.totp_last_step = step
    return claimed


def reset(keys: KeyService, db: Session, user: User) -> bool:
    """Forget the user's second factor (and any pending one): the data key is destroyed, so a copy of
    the sealed secret in a backup taken with today's keyring is unreadable too. Returns whether there
    was anything to reset."""
    had = user.totp_key_id is not None or user.totp_secret_enc is not None or user.totp_pending_enc is not None
    if user.totp_key_id is not None:
        keys.shred_key(db, user.totp_key_id)
    user.totp_key_id = None
    user.totp_secret_enc = user.totp_pending_enc = None
    user.totp_enabled_at = user.totp_last_step = None
    return had


def normalise_code(code: str) -> str:
    """What people type: "123 456" or "123-456" are "123456"."""
    return "".join(ch for ch in code if ch not in " -\t")[:16]


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):  # every step is compared: no early exit
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def _key(keys: KeyService, db: Session, user: User, *, create: bool = False) -> DataKey:
    if user.totp_key_id is not None:
        try:
            return keys.load(db, user.totp_key_id)
        except DataKeyDestroyed:
            if not create:
                raise
    elif not create:
        raise DataKeyDestroyed("no second-factor key")
    key = keys.create_user_key(db, user.id, PURPOSE)
    user.totp_key_id = key.id
    return key


def _aad(user_id: str, name: str) -> bytes:
    return associated_data(submission_id="", purpose="user:" + name, object_id=user_id)


def _seal(keys: KeyService, key: DataKey, user_id: str, name: str, secret: str) -> bytes:
    return keys.cipher.seal(key, secret.encode("ascii"), _aad(user_id, name))


def _open(keys: KeyService, key: DataKey, user_id: str, name: str, blob: bytes) -> str:
    return keys.cipher.open(key, blob, _aad(user_id, name)).decode("ascii")
