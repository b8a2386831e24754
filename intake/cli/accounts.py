"""`safepub migrate`, `partnerships`, `users` and `tokens`: setting up who may use the service."""

from __future__ import annotations

import argparse
import sys
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
        token, record = create_token(session, user)
        audit.append(
            session,
            "token.created",
            partnership_id=user.partnership_id,
            details={"user": user.id, "token": record.id},
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
