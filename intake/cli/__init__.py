"""The `safepub` command. Engine commands (redact, detect) never import Flask.

Service commands parse Settings once from the environment, so every command run with the same
environment (SAFEPUB_DATA_DIR, DATABASE_URL, REDIS_URL, key settings) talks to the same instance.
Secrets (passwords, tokens) are printed to stdout once and never logged.
"""

from __future__ import annotations

import argparse
import os
import sys

from intake.cli import accounts
from intake.cli import keys as key_commands
from intake.cli import submissions as submission_commands
from intake.cli.audit import add_commands as add_audit_commands
from intake.cli.metrics import add_commands as add_metrics_commands

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
        from intake.cli.devserver import run

        return run(port=ns.port)
    from config.settings import ConfigurationError, Settings
    from intake.storage.crypto import CryptoError

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

    sub.add_parser("migrate", help="upgrade the database schema").set_defaults(handler=accounts.cmd_migrate)

    partnerships = sub.add_parser("partnerships", help="manage partnerships").add_subparsers(
        dest="action", required=True
    )
    create = partnerships.add_parser("create", help="create a partnership")
    create.add_argument("name")
    create.set_defaults(handler=accounts.cmd_partnerships_create)

    users = sub.add_parser("users", help="manage users").add_subparsers(dest="action", required=True)
    create = users.add_parser("create", help="create a user; prints the password once")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True)
    create.add_argument("--partnership", help="partnership name or id (partnership_uploader only)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    create.set_defaults(handler=accounts.cmd_users_create)
    for action, helptext in (
        ("deactivate", "a leaver: no more sign-in; open sessions and API tokens revoked at once"),
        ("reactivate", "allow a deactivated user to sign in again"),
    ):
        change = users.add_parser(action, help=helptext)
        change.add_argument("email")
        change.set_defaults(handler=accounts.cmd_users_change, change=action)
    reset = users.add_parser("reset-password", help="new password (printed once); open sessions revoked")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true", help="read the new password from stdin")
    reset.set_defaults(handler=accounts.cmd_users_change, change="reset-password")
    role = users.add_parser("set-role", help="a mover: new role at once; open sessions revoked")
    role.add_argument("email")
    role.add_argument("--role", required=True)
    role.add_argument("--partnership", help="partnership name or id (partnership_uploader only)")
    role.set_defaults(handler=accounts.cmd_users_change, change="set-role")
    totp_reset = users.add_parser("totp-reset", help="forget a user's second factor; open sessions revoked")
    totp_reset.add_argument("email")
    totp_reset.set_defaults(handler=accounts.cmd_users_totp_reset)
    users.add_parser("sessions", help="list open sessions (no tokens shown)").set_defaults(
        handler=accounts.cmd_users_sessions
    )

    tokens = sub.add_parser("tokens", help="manage API tokens").add_subparsers(dest="action", required=True)
    tokens.add_parser("list", help="every token: id, owner, created, last used, expires, revoked").set_defaults(
        handler=accounts.cmd_tokens_list
    )
    create = tokens.add_parser("create", help="create an API token for a user; prints it once")
    create.add_argument("--email", required=True)
    create.set_defaults(handler=accounts.cmd_tokens_create)
    revoke = tokens.add_parser("revoke", help="revoke an API token by id")
    revoke.add_argument("token_id")
    revoke.set_defaults(handler=accounts.cmd_tokens_revoke)

    keys = sub.add_parser("keys", help="key-encryption keys").add_subparsers(dest="action", required=True)
    keys.add_parser("init", help="create the key file (SAFEPUB_KEY_FILE)").set_defaults(
        handler=key_commands.cmd_keys_init
    )
    keys.add_parser("rotate", help="new KEK, re-wrap every data key, retire the old KEK").set_defaults(
        handler=key_commands.cmd_keys_rotate
    )
    keys.add_parser("status", help="key ids and how many data keys each wraps").set_defaults(
        handler=key_commands.cmd_keys_status
    )

    submissions = sub.add_parser("submissions", help="manage submissions").add_subparsers(dest="action", required=True)
    purge = submissions.add_parser("purge", help="crypto-shred a submission (irreversible)")
    purge.add_argument("submission_id")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.add_argument(
        "--no-rotate",
        action="store_true",
        help="skip the KEK rotation that makes backups taken before the purge unable to recover it",
    )
    purge.set_defaults(handler=submission_commands.cmd_submissions_purge)
    seal = submissions.add_parser(
        "seal-proposals",
        help="after migration 0009: record the proposal sets of reviews processed before it (run before opening)",
    )
    seal.set_defaults(handler=submission_commands.cmd_seal_proposals)

    sub.add_parser("recover", help="run the stuck-job recovery sweep once").set_defaults(
        handler=submission_commands.cmd_recover
    )
    add_audit_commands(sub)
    add_metrics_commands(sub)
    return parser


if __name__ == "__main__":
    sys.exit(main())
