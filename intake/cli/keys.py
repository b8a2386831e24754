"""`safepub keys init|rotate|status`: the key-encryption keys."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from intake.cli.database import migrated_sessions

if TYPE_CHECKING:
    from config.settings import Settings


def cmd_keys_init(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.storage.crypto import Keyring

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

    sessions = migrated_sessions(settings)
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

    sessions = migrated_sessions(settings)
    services = build_services(settings)
    keyring = services.keys.keyring.current()
    with sessions() as session:
        counts = services.keys.usage(session)
    for kid in keyring.key_ids:
        state = "active" if kid == keyring.active_id else ("retired" if keyring.is_retired(kid) else "old")
        print(f"{kid}\t{state}\t{counts.get(kid, 0)} data keys")
    return 0
