#!/usr/bin/env python3
"""The periodic audit signer's cost per round: a full verification vs an incremental round.

    .venv/bin/python benchmarks/bench_audit.py [--entries 50000] [--added 100] [--rounds 3]

A temporary SQLite database gets ``--entries`` audit events (the exact bytes ``intake.audit.append``
writes: canonical entry, leaf hash, ``prev`` links and head, bulk-inserted so the setup takes seconds),
then the signer's start-up round signs and witnesses a checkpoint. Timed, each ``--rounds`` times:

* ``verify``: the full verification (``safepub audit verify`` without witness notes): every row's
  canonical JSON re-parsed and re-hashed, the tree rebuilt;
* the signer's full round (``PeriodicSigner`` at start-up / daily): the same plus the witness's
  consistency proofs, then sign;
* an incremental round after ``--added`` new entries (appended through ``intake.audit.append``, not
  timed): only those entries are checked, the root extended from the kept frontier, proven, signed.

It is a report, not a test: exit status 0 unless a round fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import insert, update  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from config.settings import Settings  # noqa: E402
from intake import audit  # noqa: E402
from intake.audit.checkpoint import CheckpointSigner, new_seed  # noqa: E402
from intake.audit.incremental import PeriodicSigner  # noqa: E402
from intake.audit.merkle import leaf_hash  # noqa: E402
from intake.audit.verify import verify  # noqa: E402
from intake.audit.witness import FileWitness  # noqa: E402
from intake.db import make_engine, make_session_factory, migrate  # noqa: E402
from intake.models import AuditEvent, AuditHead  # noqa: E402


def populate(sessions: sessionmaker[Session], count: int) -> None:
    """``count`` events as ``audit.append`` would write them, in one bulk insert."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows, prev = [], None
    for seq in range(count):
        at = start + timedelta(seconds=seq)
        details = {"reason_code": "identifies_child", "category": "PERSON", "count": seq % 17}
        fields = audit.entry_fields(
            seq=seq,
            prev=prev,
            at=at,
            action="decision.recorded",
            actor_id="u" * 32,
            actor_role="secretariat_reviewer",
            partnership_id=None,
            submission_id="s" * 32,
            details=details,
        )
        entry = audit.canonical(fields)
        leaf = leaf_hash(entry.encode("ascii")).hex()
        rows.append(
            {
                "occurred_at": at,
                "action": "decision.recorded",
                "actor_id": "u" * 32,
                "actor_role": "secretariat_reviewer",
                "partnership_id": None,
                "submission_id": "s" * 32,
                "details": audit.canonical(details),
                "seq": seq,
                "entry": entry,
                "leaf_hash": leaf,
            }
        )
        prev = leaf
    with sessions() as session, session.begin():
        for chunk in range(0, count, 5000):
            session.execute(insert(AuditEvent), rows[chunk : chunk + 5000])
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(tree_size=count, last_leaf=prev))


def append(sessions: sessionmaker[Session], count: int) -> None:
    actor = audit.Actor("u" * 32, "secretariat_reviewer")
    for index in range(count):
        with sessions() as session, session.begin():
            audit.append(session, "decision.recorded", actor=actor, submission_id="s" * 32, details={"count": index})


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--added", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        home = Path(tmp)
        settings = Settings.from_env(
            {
                "SAFEPUB_DATA_DIR": str(home / "instance"),
                "DATABASE_URL": f"sqlite:///{home / 'audit.sqlite3'}",
                "SECRET_KEY": "bench-audit",
            }
        )
        engine = make_engine(settings)
        migrate(engine, settings.database_schema)
        sessions = make_session_factory(engine)
        signer = CheckpointSigner.from_seed(settings.audit_origin, new_seed())
        witness = FileWitness(home / "witness.jsonl")
        setup = timed(lambda: populate(sessions, args.entries))
        print(f"setup: {args.entries} entries bulk-inserted in {setup:.1f} s (SQLite, {home.name})")

        def full_verify() -> None:
            with sessions() as session, session.begin():
                verify(session, signer.verifier)

        fulls = [timed(full_verify) for _ in range(args.rounds)]
        startups = []
        for _ in range(args.rounds):
            periodic = PeriodicSigner(signer, witness)
            startups.append(timed(lambda: periodic.run_round(sessions)))  # noqa: B023 - called at once
        increments = []
        for _ in range(args.rounds):
            append(sessions, args.added)
            increments.append(timed(lambda: periodic.run_round(sessions)))
        assert periodic.anchor is not None and periodic.anchor.size == args.entries + args.rounds * args.added

    def show(label: str, values: list[float]) -> None:
        rounded = ", ".join(f"{value * 1000:.1f}" for value in values)
        print(f"{label:<58} median {statistics.median(values) * 1000:9.1f} ms   ({rounded})")

    show(f"full verify ({args.entries} entries)", fulls)
    show("signer's full round (verify + witness proofs + sign)", startups)
    show(f"incremental round after {args.added} new entries (+ sign)", increments)
    print(f"speed-up, full verify / incremental round: {statistics.median(fulls) / statistics.median(increments):.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
