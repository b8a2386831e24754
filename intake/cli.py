"""The `safepub` command. Engine commands (redact, detect) never import Flask.

Service commands parse Settings once from the environment, so every command run with the same
environment (SAFEPUB_DATA_DIR, DATABASE_URL, REDIS_URL, key settings) talks to the same instance.
Secrets (passwords, tokens) are printed to stdout once and never logged.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from config.settings import Settings

ENGINE_COMMANDS = {"redact", "detect"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ENGINE_COMMANDS:
        from redaction.cli import main as engine_main

        code = engine_main(args)
        if argv is None:
            # The console script: its files are written and closed, so end now rather than spend a
            # few tenths of a second tearing down the language model's heap object by object.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    if args and args[0] == "worker":
        from worker.__main__ import main as worker_main

        return worker_main(args[1:])
    parser = _parser()
    if not args:
        parser.print_usage(sys.stderr)
        return 2
    ns = parser.parse_args(args)
    if ns.command == "run":
        from intake.devserver import run

        return run(port=ns.port)
    from config.settings import ConfigurationError, Settings
    from intake.crypto import CryptoError

    try:
        settings = Settings.from_env()
        return int(ns.handler(ns, settings) or 0)
    except (ConfigurationError, CryptoError) as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safepub", description="SafePub: secure intake and redaction")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("redact", help="redact a PDF (engine; see `safepub redact --help`)")
    sub.add_parser("detect", help="detect personal data (engine; see `safepub detect --help`)")

    run = sub.add_parser("run", help="development instance: migrate, seed a demo, start web + worker")
    run.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    sub.add_parser("worker", help="start a background worker (same as python -m worker); --burst")

    sub.add_parser("migrate", help="upgrade the database schema").set_defaults(handler=cmd_migrate)

    partnerships = sub.add_parser("partnerships", help="manage partnerships").add_subparsers(
        dest="action", required=True
    )
    create = partnerships.add_parser("create", help="create a partnership")
    create.add_argument("name")
    create.set_defaults(handler=cmd_partnerships_create)

    users = sub.add_parser("users", help="manage users").add_subparsers(dest="action", required=True)
    create = users.add_parser("create", help="create a user; prints the password once")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True)
    create.add_argument("--partnership", help="partnership name or id (partnership_uploader only)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    create.set_defaults(handler=cmd_users_create)

    tokens = sub.add_parser("tokens", help="manage API tokens").add_subparsers(dest="action", required=True)
    create = tokens.add_parser("create", help="create an API token for a user; prints it once")
    create.add_argument("--email", required=True)
    create.set_defaults(handler=cmd_tokens_create)
    revoke = tokens.add_parser("revoke", help="revoke an API token by id")
    revoke.add_argument("token_id")
    revoke.set_defaults(handler=cmd_tokens_revoke)

    keys = sub.add_parser("keys", help="key-encryption keys").add_subparsers(dest="action", required=True)
    keys.add_parser("init", help="create the key file (SAFEPUB_KEY_FILE)").set_defaults(handler=cmd_keys_init)
    keys.add_parser("rotate", help="new KEK, re-wrap every data key, retire the old KEK").set_defaults(
        handler=cmd_keys_rotate
    )
    keys.add_parser("status", help="key ids and how many data keys each wraps").set_defaults(handler=cmd_keys_status)

    submissions = sub.add_parser("submissions", help="manage submissions").add_subparsers(dest="action", required=True)
    purge = submissions.add_parser("purge", help="crypto-shred a submission (irreversible)")
    purge.add_argument("submission_id")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.set_defaults(handler=cmd_submissions_purge)

    sub.add_parser("recover", help="run the stuck-job recovery sweep once").set_defaults(handler=cmd_recover)
    from intake.audit_cli import add_commands as add_audit_commands

    add_audit_commands(sub)
    return parser


# -- handlers -----------------------------------------------------------------------------------------
def _database(settings: Settings):  # type: ignore[no-untyped-def]
    from intake.db import make_engine, make_session_factory, migrate

    engine = make_engine(settings)
    migrate(engine, settings.database_schema)
    return make_session_factory(engine)


def cmd_migrate(ns: argparse.Namespace, settings: Settings) -> int:
    _database(settings)
    print("database is up to date")
    return 0


def cmd_partnerships_create(ns: argparse.Namespace, settings: Settings) -> int:
    from intake import audit
    from intake.auth import UserError, create_partnership

    sessions = _database(settings)
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
    from intake.auth import UserError, create_user, find_partnership

    password = sys.stdin.readline().rstrip("\n") if ns.password_stdin else None
    sessions = _database(settings)
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
    from intake.auth import create_token, find_user

    sessions = _database(settings)
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
    from intake.auth import revoke_token

    sessions = _database(settings)
    with sessions() as session, session.begin():
        if not revoke_token(session, ns.token_id):
            print("safepub: no such active token", file=sys.stderr)
            return 2
        audit.append(session, "token.revoked", details={"token": ns.token_id})
    print("token revoked")
    return 0


def cmd_keys_init(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.crypto import Keyring

    if settings.kek:
        print("safepub: SAFEPUB_KEK is set; the key file is not used", file=sys.stderr)
        return 2
    assert settings.key_file is not None
    keyring = Keyring.create_file(settings.key_file)
    print(f"created key file {settings.key_file} (mode 0600) with key {keyring.active_id}")
    return 0


def cmd_keys_rotate(ns: argparse.Namespace, settings: Settings) -> int:
    from intake import audit
    from intake.services import build_services

    sessions = _database(settings)
    services = build_services(settings)
    report = services.keys.rotate(sessions)
    with sessions() as session, session.begin():
        audit.append(
            session,
            "keys.rotated",
            details={
                "active": report.new_key_id,
                "rewrapped": report.rewrapped,
                "retired": report.retired,
                "still_in_use": report.still_in_use,
            },
        )
    print(f"active key: {report.new_key_id}; re-wrapped {report.rewrapped} data keys")
    if report.retired:
        print(f"retired: {', '.join(report.retired)}")
    if report.still_in_use:
        print(f"still in use (re-run rotate): {', '.join(report.still_in_use)}")
    if report.removable:
        print(f"no longer needed, remove from SAFEPUB_KEK: {', '.join(report.removable)}")
    return 0


def cmd_keys_status(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.services import build_services

    sessions = _database(settings)
    services = build_services(settings)
    keyring = services.keys.keyring.current()
    with sessions() as session:
        counts = services.keys.usage(session)
    for kid in keyring.key_ids:
        state = "active" if kid == keyring.active_id else ("retired" if keyring.is_retired(kid) else "old")
        print(f"{kid}\t{state}\t{counts.get(kid, 0)} data keys")
    return 0


def cmd_submissions_purge(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.access import NotFound
    from intake.audit import Actor
    from intake.services import build_services
    from intake.submissions import purge

    if not ns.yes:
        answer = input(
            f"Destroy every key of submission {ns.submission_id}? Its data will be unrecoverable. "
            "Type 'purge' to confirm: "
        )
        if answer.strip() != "purge":
            print("not purged")
            return 1
    _database(settings)
    services = build_services(settings)
    try:
        result = purge(services, ns.submission_id, Actor(None, "operator"))
    except NotFound:
        print("safepub: no such submission", file=sys.stderr)
        return 2
    destroyed, deleted = result["data_keys_destroyed"], result["blobs_deleted"]
    print(f"purged: {destroyed} data keys destroyed, {deleted} blobs deleted")
    return 0


def cmd_recover(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.services import build_services
    from worker.queue import connect, enqueuer
    from worker.recovery import recover

    _database(settings)
    redis = connect(settings)
    services = build_services(settings, redis=redis, enqueue=enqueuer(settings, redis))
    report = recover(services.sessions, settings, services.enqueue, redis)  # type: ignore[arg-type]
    print(f"requeued {len(report.requeued)}, failed {len(report.failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
