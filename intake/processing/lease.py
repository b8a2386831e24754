"""The processing lease: one attempt works on a submission at a time, and a dead one is noticed.

A *lease* in the submission row (owner = the RQ job id, expiry extended by a heartbeat thread) makes
sure one attempt works on a submission at a time. A claim is a single conditional UPDATE, so two workers
cannot both win it on either SQLite or PostgreSQL. Every write of an attempt is conditional on still
owning the lease; a killed attempt leaves an expiring lease that the retry (same RQ job id) or the
recovery sweep (worker.recovery) picks up.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from intake import audit
from intake.db import update_one
from intake.models import JobRecord, Submission, utcnow
from intake.services import Services
from intake.states import PROCESSED, Status

log = logging.getLogger("safepub.processing")

GAVE_UP = "processing stopped unexpectedly {n} times; the Secretariat has been alerted and will look at this draft"


def claim(services: Services, submission_id: str, owner: str, worker_name: str) -> str:
    settings = services.settings
    now = utcnow()
    with services.sessions() as session, session.begin():
        result = update_one(
            session,
            update(Submission)
            .where(
                Submission.id == submission_id,
                Submission.purged_at.is_(None),
                or_(
                    Submission.status == Status.RECEIVED,
                    and_(
                        Submission.status == Status.PROCESSING,
                        or_(
                            Submission.lease_owner == owner,
                            Submission.lease_until.is_(None),
                            Submission.lease_until < now,
                        ),
                    ),
                ),
            )
            .values(
                status=Status.PROCESSING,
                lease_owner=owner,
                lease_until=now + timedelta(seconds=settings.job_lease_seconds),
                attempts=Submission.attempts + 1,
                progress_page=0,
                progress_total=0,
                failure_reason=None,
            ),
        )
        if not result:
            submission = session.get(Submission, submission_id)
            if submission is None:
                return "missing"
            if submission.purged_at is not None:
                return "purged"
            if submission.status in PROCESSED:
                return "already_" + submission.status
            return "busy"
        submission = session.get(Submission, submission_id)
        assert submission is not None
        session.refresh(submission)
        # A killed earlier attempt never finished its record; it is superseded now.
        session.execute(
            update(JobRecord)
            .where(JobRecord.submission_id == submission_id, JobRecord.state == "running")
            .values(state="abandoned", outcome="superseded", finished_at=now)
            .execution_options(synchronize_session=False)
        )
        session.add(
            JobRecord(
                submission_id=submission_id,
                rq_job_id=owner,
                attempt=submission.attempts,
                state="running",
                worker=worker_name,
            )
        )
        audit.append(
            session,
            "processing.started",
            submission_id=submission_id,
            partnership_id=submission.partnership_id,
            details={"attempt": submission.attempts},
        )
        attempts = submission.attempts
    if attempts > settings.job_max_attempts:
        fail(services, submission_id, owner, GAVE_UP.format(n=settings.job_max_attempts), outcome="max_attempts")
        return "failed"
    log.info("processing started", extra={"submission_id": submission_id, "attempt": attempts})
    return "claimed"


def owned(submission_id: str, owner: str) -> Any:
    return and_(Submission.id == submission_id, Submission.lease_owner == owner, Submission.status == Status.PROCESSING)


def attempts_of(services: Services, submission_id: str) -> int:
    with services.sessions() as session:
        submission = session.get(Submission, submission_id)
        return submission.attempts if submission else 0


def finish_job_record(session: Session, submission_id: str, owner: str, state: str, outcome: str | None) -> None:
    record = session.scalars(
        select(JobRecord)
        .where(
            JobRecord.submission_id == submission_id,
            JobRecord.rq_job_id == owner,
            JobRecord.state == "running",
        )
        .order_by(JobRecord.attempt.desc())
    ).first()
    if record is not None:
        record.state, record.outcome, record.finished_at = state, outcome, utcnow()


def fail(services: Services, submission_id: str, owner: str, reason: str, *, outcome: str) -> None:
    with services.sessions() as session, session.begin():
        result = update_one(
            session,
            update(Submission)
            .where(owned(submission_id, owner))
            .values(
                status=Status.FAILED,
                failure_reason=reason,
                lease_owner=None,
                lease_until=None,
                processed_at=utcnow(),
            ),
        )
        if not result:
            return
        finish_job_record(session, submission_id, owner, "failed", outcome)
        submission = session.get(Submission, submission_id)
        audit.append(
            session,
            "processing.failed",
            submission_id=submission_id,
            partnership_id=submission.partnership_id if submission else None,
            details={"error": outcome[:80]},
        )
    log.warning("processing failed", extra={"submission_id": submission_id, "error": outcome})


def release(services: Services, submission_id: str, owner: str, *, outcome: str) -> None:
    """Give the lease up at once so the retry (or the recovery sweep) need not wait for it to expire."""
    with services.sessions() as session, session.begin():
        session.execute(
            update(Submission)
            .where(owned(submission_id, owner))
            .values(lease_until=utcnow())
            .execution_options(synchronize_session=False)
        )
        finish_job_record(session, submission_id, owner, "failed", outcome)


class Heartbeat:
    """Extends the lease while the engine works, and records page progress (throttled)."""

    def __init__(self, services: Services, submission_id: str, owner: str, lease_seconds: int) -> None:
        self.services, self.submission_id, self.owner = services, submission_id, owner
        self.lease = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lease-heartbeat", daemon=True)
        self._last_progress = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(max(self.lease / 3, 0.5)):
            try:
                self._write({})
            except Exception as exc:  # noqa: BLE001 - a missed beat is not fatal; the next one retries
                log.warning(
                    "heartbeat failed",
                    extra={"submission_id": self.submission_id, "error": type(exc).__name__},
                )

    def _write(self, values: dict[str, Any]) -> None:
        with self.services.sessions() as session, session.begin():
            session.execute(
                update(Submission)
                .where(owned(self.submission_id, self.owner))
                .values(lease_until=utcnow() + timedelta(seconds=self.lease), **values)
                .execution_options(synchronize_session=False)
            )

    def progress(self, page: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_progress < 0.5 and page < total:
            return
        self._last_progress = now
        self._write({"progress_page": int(page), "progress_total": int(total)})
