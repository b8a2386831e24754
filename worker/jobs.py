"""The background jobs. Enqueued by dotted path (``worker.jobs.process_submission`` ...) with the submission
id only, because RQ pickles arguments and results into Redis. Each is thin: the work is a service call
(intake.processing, intake.handover.delivery), which is idempotent, so a retry or a duplicate is harmless.
Exceptions raised to RQ carry no document text: RQ stores tracebacks in Redis.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from intake.handover.delivery import HandoverService, Verifier
from intake.handover.sinks import Sink, build_sinks
from intake.handover.verification import engine_verifier
from intake.processing import analysis, finalise, screen
from worker import context as worker_context
from worker.context import WorkerContext


class HandoverRetry(Exception):
    """A sink failed transiently and has attempts left; RQ retries the job after the backoff."""


def process_submission(
    submission_id: str, *, context: WorkerContext | None = None, owner: str | None = None
) -> dict[str, Any]:
    """Analyse a draft and store its proposals and preview (intake.processing.analysis). A retryable
    failure raises ``ProcessingError`` (its message is a type name) so RQ's ``Retry`` runs it again."""
    ctx = context or worker_context.current()
    owner = owner or _current_job_id() or "local-" + uuid.uuid4().hex[:12]
    return analysis.process(
        ctx.fork_safe_services(), ctx.engine, submission_id, owner=owner, worker_name=ctx.worker_name
    )


class JobError(Exception):
    """What reaches RQ when a job fails unexpectedly: the original exception's type name only (RQ keeps
    the message and traceback in Redis and the log, and a message could quote a document)."""


def finalise_submission(submission_id: str, *, context: WorkerContext | None = None) -> dict[str, Any]:
    """Render, verify and store the publication-ready document of an approved review."""
    ctx = context or worker_context.current()
    try:
        return finalise.finalise(ctx.fork_safe_services(), ctx.engine, submission_id)
    except Exception as exc:
        raise JobError(type(exc).__name__) from None


def handover_submission(
    submission_id: str,
    *,
    context: WorkerContext | None = None,
    sinks: Mapping[str, Sink] | None = None,
    verifier: Verifier | None = None,
) -> dict[str, Any]:
    """Send an approved review (or a withdrawal notice) to every archive sink. On a transient failure
    with attempts left it raises ``HandoverRetry`` (message: the id only) so RQ retries after the backoff."""
    ctx = context or worker_context.current()
    services = ctx.fork_safe_services()
    if verifier is None:
        from redaction.forbidden import forbidden_items  # a pure function: the one rule for what must go

        verifier = engine_verifier(ctx.engine, forbidden_items)
    service = HandoverService(
        services, sinks if sinks is not None else build_sinks(services.settings), verifier=verifier
    )
    try:
        result = service.run(submission_id)
    except Exception as exc:
        raise JobError(type(exc).__name__) from None
    if result.outcome == "retry":
        raise HandoverRetry(submission_id)
    return result.as_dict()


def render_page_images(submission_id: str, *, context: WorkerContext | None = None) -> dict[str, Any]:
    """The original's page images for the review screen (a submission processed before they were
    rendered at processing time)."""
    ctx = context or worker_context.current()
    try:
        return screen.render_page_images(ctx.fork_safe_services(), ctx.engine, submission_id)
    except Exception as exc:
        raise JobError(type(exc).__name__) from None


def render_preview(
    submission_id: str, page: int, digest: str, *, context: WorkerContext | None = None
) -> dict[str, Any]:
    """A live preview of one page (the digest names the chosen redactions; ids only in Redis)."""
    ctx = context or worker_context.current()
    try:
        return screen.render_preview(ctx.fork_safe_services(), ctx.engine, submission_id, page, digest)
    except Exception as exc:
        raise JobError(type(exc).__name__) from None


def locate_manual(task_id: str, *, context: WorkerContext | None = None) -> dict[str, Any]:
    """A reviewer's manual redactions: located by the engine, then recorded under the submission's lock."""
    ctx = context or worker_context.current()
    return screen.locate_manual(ctx.fork_safe_services(), ctx.engine, task_id)


def _current_job_id() -> str | None:
    from rq import get_current_job

    job = get_current_job()
    return job.id if job is not None else None
