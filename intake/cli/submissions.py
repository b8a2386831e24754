"""`safepub submissions purge` and `safepub recover`: operating on submissions from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from intake.cli.database import migrated_sessions

if TYPE_CHECKING:
    from config.settings import Settings


def cmd_submissions_purge(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.accounts.access import NotFound
    from intake.audit import Actor
    from intake.services import build_services
    from intake.submissions.purge import purge

    if not ns.yes:
        answer = input(
            f"Destroy every key of submission {ns.submission_id}? Its data will be unrecoverable. "
            "Type 'purge' to confirm: "
        )
        if answer.strip() != "purge":
            print("not purged")
            return 1
    migrated_sessions(settings)
    services = build_services(settings)
    try:
        result = purge(services, ns.submission_id, Actor(None, "operator"))
    except NotFound:
        print("safepub: no such submission", file=sys.stderr)
        return 2
    destroyed, deleted = result["data_keys_destroyed"], result["blobs_deleted"]
    print(f"purged: {destroyed} data keys destroyed, {deleted} blobs deleted")
    # A backup taken before the purge still holds the submission's data keys, wrapped by the current KEK.
    # Rotating the KEK (every live key re-wrapped, the old KEK erased) leaves that backup's copies wrapped
    # by a key that no longer exists: the purge then holds against backups too.
    if getattr(ns, "no_rotate", False):
        print("KEK not rotated: a backup taken before this purge can still recover the submission")
    elif services.keys.keyring.file_backed:
        report = services.keys.rotate(services.sessions)
        print(f"KEK rotated ({report.rewrapped} data keys re-wrapped; the old KEK is erased from the key file)")
    else:
        print(
            "SAFEPUB_KEK is set in the environment: rotate it now (put a new key first, run `safepub keys"
            " rotate`, remove the old one) or a backup taken before this purge can still recover the submission"
        )
    return 0


def cmd_seal_proposals(ns: argparse.Namespace, settings: Settings) -> int:
    """After migration 0009: record the proposal sets of reviews processed before it."""
    from intake.audit import Actor
    from intake.review.proposals import seal_unrecorded
    from intake.services import build_services

    migrated_sessions(settings)
    recorded = seal_unrecorded(build_services(settings), Actor(None, "operator"))
    print(f"recorded the proposal set of {recorded} review(s) processed before migration 0009")
    return 0


def cmd_recover(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.services import build_services
    from worker.queue import RqJobQueue, connect
    from worker.recovery import recover

    migrated_sessions(settings)
    redis = connect(settings)
    services = build_services(settings, redis=redis, jobs=RqJobQueue(settings, redis))
    report = recover(services.sessions, settings, services.jobs, redis)
    print(f"requeued {len(report.requeued)}, failed {len(report.failed)}, still running {len(report.extended)}")
    return 0
