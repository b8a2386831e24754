"""Enqueue the handover job by dotted path with the submission id only (RQ pickles arguments into Redis).

Backoff: the job raises on a transient failure and RQ's ``Retry`` re-runs it after base, 2*base, 4*base
... seconds (SAFEPUB_HANDOVER_BACKOFF_SECONDS). Scheduled retries need RQ's scheduler
(``Worker.work(with_scheduler=True)``); with a base of 0 they are re-queued at once.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from config.settings import Settings
from intake.handover.service import retry_intervals

if TYPE_CHECKING:
    from redis import Redis

HANDOVER_JOB = "worker.handover.handover_submission"
log = logging.getLogger("safepub.handover")


def enqueue_handover(settings: Settings, redis: Redis | None, submission_id: str) -> str | None:
    """Queue the handover; returns the RQ job id, or None if there is no Redis or it is down (the
    Secretariat's "retry now" re-enqueues). Never raises: the caller's own work has already committed."""
    if redis is None or not settings.archive_sinks:
        return None
    from rq import Retry

    from worker.queue import processing_queue

    retries = settings.handover_max_attempts - 1
    try:
        job = processing_queue(settings, redis).enqueue(
            HANDOVER_JOB,
            submission_id,
            job_id=f"{settings.queue_name}-handover-{submission_id}-{uuid.uuid4().hex[:8]}",
            retry=Retry(max=retries, interval=retry_intervals(settings.handover_backoff_seconds, retries + 1))
            if retries > 0
            else None,
            job_timeout=settings.job_timeout_seconds,
            result_ttl=3600,
            failure_ttl=7 * 24 * 3600,
            description=f"archive handover {submission_id}",
        )
    except Exception as exc:  # noqa: BLE001 - a queue outage must not undo an approval or a decision
        log.warning("enqueue of handover failed", extra={"submission_id": submission_id, "error": type(exc).__name__})
        return None
    return str(job.id)
