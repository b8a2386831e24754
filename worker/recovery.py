"""The recovery sweep: no submission stays "received" or "processing" forever.

Runs in every worker's main process at start-up and then every SAFEPUB_RECOVERY_INTERVAL seconds
(RQ maintenance hook), and on demand with ``safepub recover``. It covers what RQ's own retry cannot:

* the whole worker was killed (kill -9), so no retry was scheduled, and the lease expired;
* the last RQ retry was used up by a crash, so the submission must be marked failed;
* the web process could not enqueue (Redis was down), so a "received" submission has no job;
* an approval's final render, or an approved review's archive handover, was queued but lost.

Every change is a conditional UPDATE on the state it observed, so sweeps in several workers at once,
and a job that is merely slow but alive (its heartbeat keeps the lease fresh), are safe.

An expired lease alone does not prove the job dead (issue 11): a long call into C code can starve the
lease heartbeat while the job is still running. Before re-queuing, the sweep asks Redis whether the RQ
worker named in the job's record is alive (its key, which RQ's own heartbeat keeps from expiring, is
there, it has not registered its death, and, on this host, its process exists) and whether the job is
still in the queue's StartedJobRegistry. If both, the job is left alone and its lease extended: a
submission never runs in two workers at once.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.worker import Worker
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake import audit
from intake.db import update_one
from intake.handover.attempts import DeliveryState
from intake.handover.delivery import held
from intake.models import HandoverDelivery, JobRecord, Submission, utcnow
from intake.processing.lease import GAVE_UP
from intake.services import JobQueue
from intake.states import Status
from worker.queue import SERIALIZER

log = logging.getLogger("safepub.worker.recovery")

ALIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


@dataclass
class RecoveryReport:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    finalise_requeued: list[str] = field(default_factory=list)
    handover_requeued: list[str] = field(default_factory=list)
    #: expired leases whose job is still running in a live worker: left alone, lease extended
    extended: list[str] = field(default_factory=list)


def _job_alive(redis: Redis | None, job_id: str | None) -> bool:
    if redis is None or not job_id:
        return False
    try:
        return Job.fetch(job_id, connection=redis, serializer=SERIALIZER).get_status() in ALIVE
    except NoSuchJobError:
        return False


def _worker_alive(redis: Redis, worker_name: str) -> bool:
    """The RQ worker is alive: its key exists (RQ's heartbeat keeps it from expiring), it has not
    registered its death, and when it runs on this host its process still exists (a worker killed with
    kill -9 leaves its key until the key expires; its pid tells at once)."""
    raw = redis.hgetall(Worker.redis_worker_namespace_prefix + worker_name)
    data = {_text(k): _text(v) for k, v in raw.items()}
    if not data or data.get("death"):
        return False
    pid = data.get("pid", "")
    if data.get("hostname") == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass  # another user's process: it exists
    return True


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _still_running(redis: Redis | None, settings: Settings, job_id: str | None, worker_name: str | None) -> bool:
    """The job holding an expired lease is still being worked on: its worker is alive and the job is in
    the StartedJobRegistry. Unknown (no Redis, no record) counts as not running, as before."""
    if redis is None or not job_id or not worker_name:
        return False
    try:
        if not _worker_alive(redis, worker_name):
            return False
        return job_id in StartedJobRegistry(settings.queue_name, connection=redis, serializer=SERIALIZER)
    except Exception as exc:  # noqa: BLE001 - Redis unreachable: nothing can be requeued anyway
        log.warning("cannot check the job's worker", extra={"error": type(exc).__name__})
        return True


def _extend(
    sessions: sessionmaker[Session], settings: Settings, submission_id: str, lease_until: datetime | None, now: datetime
) -> bool:
    """A live job's lease, extended on the state the sweep observed (its own heartbeat may have done so)."""
    with sessions() as session, session.begin():
        observed = (Submission.id == submission_id) & (Submission.status == Status.PROCESSING)
        observed &= Submission.lease_until.is_(None) if lease_until is None else (Submission.lease_until == lease_until)
        return bool(
            update_one(
                session,
                update(Submission)
                .where(observed)
                .values(lease_until=now + timedelta(seconds=settings.job_lease_seconds)),
            )
        )


def _lease_worker(sessions: sessionmaker[Session], submission_id: str, owner: str | None) -> str | None:
    """The worker name recorded by the attempt that holds the lease (``intake.processing.lease.claim``)."""
    if not owner:
        return None
    with sessions() as session:
        return session.scalar(
            select(JobRecord.worker)
            .where(JobRecord.submission_id == submission_id, JobRecord.rq_job_id == owner, JobRecord.state == "running")
            .order_by(JobRecord.attempt.desc())
            .limit(1)
        )


def recover(
    sessions: sessionmaker[Session],
    settings: Settings,
    jobs: JobQueue,
    redis: Redis | None,
    now: datetime | None = None,
) -> RecoveryReport:
    now = now or utcnow()
    report = RecoveryReport()
    with sessions() as session:
        expired = session.execute(
            select(Submission.id, Submission.attempts, Submission.lease_until, Submission.lease_owner).where(
                Submission.status == Status.PROCESSING,
                Submission.purged_at.is_(None),
                (Submission.lease_until.is_(None)) | (Submission.lease_until < now),
            )
        ).all()
        stale = session.execute(
            select(Submission.id, Submission.queued_job_id, Submission.updated_at).where(
                Submission.status == Status.RECEIVED,
                Submission.purged_at.is_(None),
                Submission.updated_at < now - timedelta(seconds=settings.job_lease_seconds),
            )
        ).all()

    for submission_id, attempts, lease_until, owner in expired:
        if _still_running(redis, settings, owner, _lease_worker(sessions, submission_id, owner)):
            if _extend(sessions, settings, submission_id, lease_until, now):
                report.extended.append(submission_id)
                log.warning(
                    "lease expired but its job is still running in a live worker; extended",
                    extra={"submission_id": submission_id},
                )
            continue
        with sessions() as session, session.begin():
            observed = (Submission.id == submission_id) & (Submission.status == Status.PROCESSING)
            observed &= (
                Submission.lease_until.is_(None) if lease_until is None else (Submission.lease_until == lease_until)
            )
            give_up = attempts >= settings.job_max_attempts
            values = (
                {
                    "status": Status.FAILED,
                    "failure_reason": GAVE_UP.format(n=attempts),
                    "lease_owner": None,
                    "lease_until": None,
                    "processed_at": now,
                }
                if give_up
                else {"status": Status.RECEIVED, "lease_owner": None, "lease_until": None, "updated_at": now}
            )
            result = update_one(session, update(Submission).where(observed).values(**values))
            if not result:
                continue  # a live job renewed its lease, or another sweep got there first
            session.execute(
                update(JobRecord)
                .where(JobRecord.submission_id == submission_id, JobRecord.state == "running")
                .values(state="abandoned", finished_at=now, outcome="lease_expired")
                .execution_options(synchronize_session=False)
            )
            partnership = session.scalar(select(Submission.partnership_id).where(Submission.id == submission_id))
            audit.append(
                session,
                "processing.recovered",
                submission_id=submission_id,
                partnership_id=partnership,
                details={"attempts": attempts, "outcome": "failed" if give_up else "requeued"},
            )
        if give_up:
            report.failed.append(submission_id)
            log.warning("submission failed after repeated crashes", extra={"submission_id": submission_id})
        else:
            _requeue(sessions, jobs, submission_id)
            report.requeued.append(submission_id)

    for submission_id, job_id, _updated in stale:
        if _job_alive(redis, job_id):
            continue
        _requeue(sessions, jobs, submission_id)
        report.requeued.append(submission_id)
    if report.requeued or report.failed:
        log.info("recovery sweep", extra={"requeued": len(report.requeued), "failed": len(report.failed)})
    _requeue_stuck_approvals(sessions, settings, jobs, now, report)
    _requeue_stuck_handovers(sessions, settings, jobs, now, report)
    return report


def _requeue_stuck_approvals(
    sessions: sessionmaker[Session], settings: Settings, jobs: JobQueue, now: datetime, report: RecoveryReport
) -> None:
    """An approval whose final render never ran (Redis down when it was queued, a worker lost with the
    job) would stay 'approving' for ever. Once it is older than any job could run, queue the render
    again: the job is idempotent and keyed on the approval, so a late duplicate changes nothing."""
    cutoff = now - timedelta(seconds=settings.job_timeout_seconds + settings.job_lease_seconds)
    with sessions() as session:
        stuck = session.scalars(
            select(Submission.id).where(
                Submission.status == Status.APPROVING,
                Submission.purged_at.is_(None),
                Submission.approved_at.is_not(None),
                Submission.approved_at < cutoff,
                Submission.updated_at < cutoff,
            )
        ).all()
    for submission_id in stuck:
        if jobs.finalise(submission_id) is None:
            continue  # no queue, or it is down: the next sweep tries again
        with sessions() as session, session.begin():
            # restart the clock, so the next sweep does not queue it again straight away
            session.execute(
                update(Submission)
                .where(Submission.id == submission_id)
                .values(updated_at=now)
                .execution_options(synchronize_session=False)
            )
            audit.append(session, "approval.finalise_requeued", submission_id=submission_id, details={})
        report.finalise_requeued.append(submission_id)
    if report.finalise_requeued:
        log.warning("stuck approvals queued for rendering again", extra={"count": len(report.finalise_requeued)})


def _requeue_stuck_handovers(
    sessions: sessionmaker[Session], settings: Settings, jobs: JobQueue, now: datetime, report: RecoveryReport
) -> None:
    """An approved (or withdrawing) review whose handover job was lost (Redis down when it was queued, a
    worker killed with it, a job left from an older version) would never reach the archive. Once it is
    older than any job could run, queue the handover again. Left alone: a review RQ holds a scheduled
    retry for (a ``retrying`` delivery), one being sent right now, and one held by a non-publication
    request. The job is idempotent (delivered sinks are not sent again, the same idempotency key is
    sent), and the clock restarts, so a sweep queues one job per stuck review at most."""
    if not settings.archive_sinks:
        return
    cutoff = now - timedelta(seconds=settings.job_timeout_seconds + settings.job_lease_seconds)
    busy = select(HandoverDelivery.submission_id).where(
        or_(
            HandoverDelivery.state == DeliveryState.RETRYING,
            and_(HandoverDelivery.state == DeliveryState.SENDING, HandoverDelivery.lease_until >= now),
        )
    )
    with sessions() as session:
        candidates = session.scalars(
            select(Submission.id).where(
                Submission.status.in_([Status.APPROVED, Status.WITHDRAWING]),
                Submission.purged_at.is_(None),
                Submission.updated_at < cutoff,
                Submission.id.not_in(busy),
            )
        ).all()
        stuck = [submission_id for submission_id in candidates if not held(session, submission_id)]
    for submission_id in stuck:
        if jobs.handover(submission_id) is None:
            continue  # the queue is down: the next sweep tries again
        with sessions() as session, session.begin():
            update_one(session, update(Submission).where(Submission.id == submission_id).values(updated_at=now))
            audit.append(session, "handover.requeued", submission_id=submission_id, details={})
        report.handover_requeued.append(submission_id)
    if report.handover_requeued:
        log.warning("stuck handovers queued again", extra={"count": len(report.handover_requeued)})


def _requeue(sessions: sessionmaker[Session], jobs: JobQueue, submission_id: str) -> None:
    job_id = jobs.process(submission_id)
    if job_id is None:  # the queue is down: the next sweep tries again
        return
    with sessions() as session, session.begin():
        session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(queued_job_id=job_id, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    log.info("submission requeued", extra={"submission_id": submission_id})
