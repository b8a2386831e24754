"""The archive handover job. Enqueued by dotted path ("worker.handover.handover_submission") with the
submission id only; all the work is in intake.handover.service, so this stays thin.

Idempotent: a submission that is not ``approved`` or ``withdrawing`` is left alone, delivered sinks are
not sent again, and every retry carries the same idempotency key. On a transient failure the job raises
``HandoverRetry`` (message: the id only) so RQ's ``Retry`` re-runs it after the backoff interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intake.handover.service import HandoverService, Verifier
from intake.handover.sinks import Sink, build_sinks
from worker import context as worker_context
from worker.context import WorkerContext


class HandoverRetry(Exception):
    """A sink failed transiently and has attempts left; RQ retries the job after the backoff."""


def handover_submission(
    submission_id: str,
    *,
    context: WorkerContext | None = None,
    sinks: Mapping[str, Sink] | None = None,
    verifier: Verifier | None = None,
) -> dict[str, Any]:
    ctx = context or worker_context.current()
    services = ctx.services
    options: dict[str, Any] = {} if verifier is None else {"verifier": verifier}
    service = HandoverService(services, sinks if sinks is not None else build_sinks(services.settings), **options)
    result = service.run(submission_id)
    if result.outcome == "retry":
        raise HandoverRetry(submission_id)
    return result.as_dict()
