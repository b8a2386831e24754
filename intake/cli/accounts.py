"""`safepub migrate`, `partnerships`, `users` and `tokens`: setting up who may use the service."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from intake.cli.database import migrated_sessions

if TYPE_CHECKING:
    from config.settings import Settings


def cmd_migrate(ns: argparse.Namespace, settings: Settings) -> int:
    migrated_sessions(settings)
    print("database is up to date")
    return 0


def cmd_partnerships_create(ns: argparse.Namespace, settings: Settings) -> int:
    from intake import audit
    from intake.accounts.auth import UserError, create_partnership

    sessions = migrated_sessions(settings)
    try:
        with sessions() as session, session.begin():
            partnership = create_partnership(session, ns.name)
            audit.append(session, "partnership.created", partnership_id=partnership.id)
            print(f"partnership {partnership.id} created")
    except UserError as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_users_create(ns: argparse.Namespace, settings: Settings) -> int:
    from intake import audit
    from intake.accounts.auth import UserError, create_user, find_partnership

    password = sys.stdin.readline().rstrip("\n") if ns.password_stdin else None
    sessions = migrated_sessions(settings)
    try:
        with sessions() as session, session.begin():
            partnership = None
            if ns.partnership:
                partnership = find_partnership(session, ns.partnership)
                if partnership is None:
                    raise UserError(f"no partnership {ns.partnership!r} (create it with `safepub partnerships create`)")
            user, password = create_user(
                session, email=ns.email, role=ns.role, partnership=partnership, password=password
            )
            audit.append(
                session,
                "user.created",
                partnership_id=user.partnership_id,
                details={"user": user.id, "role": user.role},
            )
    except UserError as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return 2
    print(f"user {user.email} ({user.role}) created")
    if not ns.password_stdin:
        print(f"password: {password}")
    return 0


def cmd_tokens_create(ns: argparse.Namespace, settings: Settings) -> int:
    from intake import audit
    from intake.accounts.auth import create_token, find_user

    sessions = migrated_sessions(settings)
    with sessions() as session, session.begin():
        user = find_user(session, ns.email)
        if user is None:
            print(f"safepub: no user {ns.email}", file=sys.stderr)
            return 2
        token, record = create_token(session, user, days=settings.token_days)
        audit.append(
            session,
            "token.created",
            partnership_id=user.partnership_id,
            details={"user": user.id, "token": record.id, "days": settings.token_days},
        )
    print(token)
    print(f"(token id {record.id}; shown once, store it securely)", file=sys.stderr)
    return 0


def cmd_tokens_revoke(ns: argparse.Namespace, settings: Settings) -> int:
    from intake import audit
    from intake.accounts.auth import revoke_token

    sessions = migrated_sessions(settings)
    with sessions() as session, session.begin():
        if not revoke_token(session, ns.token_id):
            print("safepub: no such active token", file=sys.stderr)
            return 2
        audit.append(session, "token.revoked", details={"token": ns.token_id})
    print("token revoked")
    return 0


def cmd_users_change(ns: argparse.Namespace, settings: Settings) -> int:
    """deactivate | reactivate | reset-password | set-role: effective at once, audited (ids and roles)."""
    from intake import audit
    from intake.accounts import lifecycle
    from intake.accounts.auth import UserError

    password = sys.stdin.readline().rstrip("\n") if getattr(ns, "password_stdin", False) else None
    sessions = migrated_sessions(settings)
    details: dict[str, object]
    try:
        with sessions() as session, session.begin():
            if ns.change == "deactivate":
                user, ended, tokens = lifecycle.deactivate(session, ns.email)
                action, details = "user.deactivated", {"sessions_revoked": ended, "tokens_revoked": tokens}
                message = f"user {user.email} deactivated ({ended} session(s), {tokens} token(s) revoked)"
            elif ns.change == "reactivate":
                user = lifecycle.reactivate(session, ns.email)
                action, details, message = "user.reactivated", {}, f"user {user.email} reactivated"
            elif ns.change == "reset-password":
                user, password, ended = lifecycle.reset_password(session, ns.email, password)
                action, details = "user.password_reset", {"sessions_revoked": ended}
                message = f"password of {user.email} reset ({ended} session(s) revoked)"
            else:
                user, previous, ended = lifecycle.set_role(session, ns.email, ns.role, ns.partnership)
                action = "user.role_changed"
                details = {"from": previous, "to": user.role, "sessions_revoked": ended}
                message = f"user {user.email} is now {user.role} ({ended} session(s) revoked)"
            audit.append(session, action, partnership_id=user.partnership_id, details={"user": user.id, **details})
    except UserError as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return 2
    print(message)
    if ns.change == "reset-password" and not getattr(ns, "password_stdin", False):
        print(f"password: {password}")
    return 0


def cmd_users_totp_reset(ns: argparse.Namespace, settings: Settings) -> int:
    """A lost or replaced phone: the user's TOTP secret is destroyed (its data key shredded) and every open
    session revoked; at the next login they sign in with the password alone, or enrol again where a
    second factor is required. Audited with ids only."""
    from intake import audit
    from intake.accounts import sessions as user_sessions
    from intake.accounts import totp
    from intake.accounts.auth import find_user
    from intake.services import build_services

    services = build_services(settings)
    try:
        migrated_sessions(settings)
        with services.sessions() as session, session.begin():
            user = find_user(session, ns.email)
            if user is None:
                print(f"safepub: no user {ns.email}", file=sys.stderr)
                return 2
            if not totp.reset(services.keys, session, user):
                print(f"safepub: user {user.email} has no second factor", file=sys.stderr)
                return 2
            ended = user_sessions.revoke_all(session, user.id, "totp_reset")
            user.session_version += 1
            audit.append(
                session,
                "user.totp_reset",
                partnership_id=user.partnership_id,
                details={"user": user.id, "sessions_revoked": ended},
            )
            email = user.email
    finally:
        services.close()
    print(f"second factor of {email} reset ({ended} session(s) revoked); they set it up again at their next login")
    return 0


def cmd_users_sessions(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.accounts.sessions import open_sessions

    with migrated_sessions(settings)() as session:
        rows = open_sessions(session)
        print(f"{'session':<14} {'user':<32} {'role':<22} {'signed in':<20} last seen")
        for record, user in rows:
            print(
                f"{record.id[:12]:<14} {user.email:<32} {user.role:<22} "
                f"{record.created_at:%Y-%m-%d %H:%M:%S}  {record.last_seen_at:%Y-%m-%d %H:%M:%S}"
            )
    return 0


def cmd_tokens_list(ns: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from intake.models import ApiToken, User

    with migrated_sessions(settings)() as session:
        query = select(ApiToken, User).join(User, User.id == ApiToken.user_id).order_by(ApiToken.created_at)
        rows = session.execute(query)
        print(f"{'id':<34} {'user':<32} {'created':<12} {'last used':<12} {'expires':<12} revoked")
        for token, user in rows:
            print(
                f"{token.id:<34} {user.email:<32} {_day(token.created_at):<12} {_day(token.last_used_at):<12} "
                f"{_day(token.expires_at):<12} {_day(token.revoked_at)}"
            )
    return 0


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else "-"
