"""The Prometheus collector: SafePub's state, read from the database and Redis at scrape time.

Why at scrape time, from shared state: web and worker processes run on several machines, and RQ forks a
work horse per job, so a counter kept in a worker's memory would die with the horse and count only what
that machine did. Everything here is computed from what every process already records (submission rows,
job and handover rows, the audit log, RQ's keys in Redis), so any one exporter (``safepub metrics``) gives
the whole deployment's truth, and two exporters give the same numbers. Durations come from audit event
timestamps (``processing.started`` -> ``processing.finished``; ``review.approved`` -> ``review.finalised``).

Labels only ever come from fixed vocabularies: submission statuses (``intake.states.Status``), delivery
states, archive sink names, attempt outcomes, verification stages, RQ registry names and the configured
queue name. A value read from the database that is not in its vocabulary is counted under "other". No
title, name, e-mail address or document text is read at all: only ids, states, counts and timestamps.

Cost: a handful of grouped counts per scrape, plus one row per processed or finalised draft for the
duration histograms (thousands of rows a year), and at most ``MAX_JOBS_AGED`` job hashes per RQ registry.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from config.settings import ARCHIVE_SINKS
from intake.handover.attempts import DEAD, DeliveryState
from intake.models import AuditEvent, HandoverAttempt, HandoverDelivery, JobRecord, Submission
from intake.states import DECIDABLE, Status

if TYPE_CHECKING:
    from rq import Queue

log = logging.getLogger("safepub.metrics")

OTHER = "other"
#: HandoverAttempt.outcome (intake.handover.attempts.attempt)
ATTEMPT_OUTCOMES = ("delivered", "transient", "permanent")
#: JobRecord.state (intake.processing.lease)
JOB_STATES = ("running", "succeeded", "failed", "abandoned")
#: where a verification can fail, and the audit event + details fragment that records it
VERIFICATION_FAILURES = {
    "processing": ("processing.failed", '"error":"VerificationFailed"'),
    "finalise": ("review.reopened", '"reason":"verification_failed"'),
    "handover": ("handover.blocked", '"reason":"verification_failed"'),
}
#: RQ's registries of one queue, besides the queue itself ("queued")
REGISTRIES = ("started", "scheduled", "deferred", "failed")
#: the job timestamp that says how long a job has been in each place
AGE_FIELDS = {"queued": "enqueued_at", "started": "started_at", "failed": "ended_at"}
MAX_JOBS_AGED = 1000
DURATION_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
FINALISE_BUCKETS = (5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
PAGES_PER_SECOND_BUCKETS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0)

Clock = Callable[[], float]


class SafePubCollector:
    """A ``prometheus_client`` custom collector. Dependencies are passed in: a session factory and the RQ
    queue (built by the entry point, ``intake.cli.metrics``), so this module imports neither the worker nor
    a Redis client. A source that cannot be read (database or Redis down) is reported by
    ``safepub_metrics_source_up`` = 0 and its metrics are left out of that scrape, never reported as 0."""

    def __init__(self, sessions: sessionmaker[Session], queue: Queue | None, *, clock: Clock = time.time) -> None:
        self.sessions = sessions
        self.queue = queue
        self.clock = clock

    def describe(self) -> list[Metric]:
        return []  # registering must not query anything

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "safepub_metrics_source_up", "1 if the exporter could read this source at this scrape", labels=["source"]
        )
        sources: list[tuple[str, Callable[[], list[Metric]]]] = [("database", self._database)]
        if self.queue is not None:
            sources.append(("redis", self._redis))
        for source, read in sources:
            try:
                families = read()
            except Exception as exc:  # noqa: BLE001 - one source down must not hide the other
                log.warning("metrics source unavailable", extra={"source": source, "error": type(exc).__name__})
                up.add_metric([source], 0.0)
                continue
            up.add_metric([source], 1.0)
            yield from families
        yield up

    # -- the database --------------------------------------------------------------------------------
    def _database(self) -> list[Metric]:
        with self.sessions() as session:
            return [
                *self._submissions(session),
                *self._processing(session),
                *self._handover(session),
                *self._audit_counts(session),
                *self._durations(session),
            ]

    def _submissions(self, session: Session) -> Iterable[Metric]:
        by_status = GaugeMetricFamily("safepub_submissions", "Submissions by status", labels=["status"])
        counts = _vocabulary_counts(
            session.execute(select(Submission.status, func.count()).group_by(Submission.status)).all(),
            [str(s) for s in Status],
        )
        for status, count in counts.items():
            by_status.add_metric([status], count)
        decidable = and_(Submission.status.in_([str(s) for s in DECIDABLE]), Submission.needs_review_count > 0)
        waiting, items = session.execute(
            select(func.count(), func.coalesce(func.sum(Submission.needs_review_count), 0)).where(decidable)
        ).one()
        needs = GaugeMetricFamily(
            "safepub_needs_review_submissions",
            "Submissions awaiting review with items a person must check by eye (needs_review)",
            value=waiting,
        )
        needs_items = GaugeMetricFamily(
            "safepub_needs_review_items", "needs_review items on submissions awaiting review", value=items
        )
        held = session.scalar(
            select(func.count()).where(
                Submission.verification_hold.is_not(None),
                Submission.hold_overridden_at.is_(None),
                Submission.purged_at.is_(None),
            )
        )
        holds = GaugeMetricFamily(
            "safepub_verification_holds", "Submissions held because a verification layer did not run", value=held
        )
        return [by_status, needs, needs_items, holds]

    def _processing(self, session: Session) -> Iterable[Metric]:
        attempts = GaugeMetricFamily(
            "safepub_processing_attempts", "Processing attempts (job records) by state", labels=["state"]
        )
        rows = session.execute(select(JobRecord.state, func.count()).group_by(JobRecord.state)).all()
        for state, count in _vocabulary_counts(rows, JOB_STATES).items():
            attempts.add_metric([state], count)
        return [attempts]

    def _handover(self, session: Session) -> Iterable[Metric]:
        tried = CounterMetricFamily(
            "safepub_handover_attempts", "Archive handover attempts by sink and outcome", labels=["sink", "outcome"]
        )
        rows = session.execute(
            select(HandoverDelivery.sink, HandoverAttempt.outcome, func.count())
            .join(HandoverDelivery, HandoverAttempt.delivery_id == HandoverDelivery.id)
            .group_by(HandoverDelivery.sink, HandoverAttempt.outcome)
        ).all()
        counts = {(sink, outcome): 0 for sink in ARCHIVE_SINKS for outcome in ATTEMPT_OUTCOMES}
        for sink, outcome, count in rows:
            key = (_known(sink, ARCHIVE_SINKS), _known(outcome, ATTEMPT_OUTCOMES))
            counts[key] = counts.get(key, 0) + count
        for (sink, outcome), count in counts.items():
            tried.add_metric([sink, outcome], count)

        deliveries = GaugeMetricFamily(
            "safepub_handover_deliveries", "Archive deliveries (document or notice, sink) by state", labels=["state"]
        )
        states = session.execute(select(HandoverDelivery.state, func.count()).group_by(HandoverDelivery.state)).all()
        for state, count in _vocabulary_counts(states, [str(s) for s in DeliveryState]).items():
            deliveries.add_metric([state], count)

        # A dead letter's age runs from its last attempt (or its creation, if it never had one).
        last_attempt = func.max(func.coalesce(HandoverAttempt.finished_at, HandoverAttempt.started_at))
        dead = session.execute(
            select(HandoverDelivery.created_at, last_attempt)
            .outerjoin(HandoverAttempt, HandoverAttempt.delivery_id == HandoverDelivery.id)
            .where(HandoverDelivery.state.in_([str(s) for s in DEAD]))
            .group_by(HandoverDelivery.id, HandoverDelivery.created_at)
        ).all()
        since = [last or created for created, last in dead]
        letters = GaugeMetricFamily(
            "safepub_handover_dead_letters",
            "Archive deliveries given up on (attempts used up, or refused): waiting for 'retry now'",
            value=len(dead),
        )
        oldest = GaugeMetricFamily(
            "safepub_handover_dead_letter_oldest_age_seconds",
            "Seconds since the oldest dead letter's last attempt (0 when there is none)",
            value=self._age(min(since)) if since else 0.0,
        )
        return [tried, deliveries, letters, oldest]

    def _audit_counts(self, session: Session) -> Iterable[Metric]:
        failures = CounterMetricFamily(
            "safepub_verification_failures",
            "Outputs that failed verification (redacted text survived), by stage",
            labels=["stage"],
        )
        for stage, (action, fragment) in VERIFICATION_FAILURES.items():
            count = session.scalar(
                select(func.count()).where(AuditEvent.action == action, AuditEvent.details.contains(fragment))
            )
            failures.add_metric([stage], count or 0)
        logins = session.scalar(select(func.count()).where(AuditEvent.action == "login.failed"))
        return [
            failures,
            CounterMetricFamily("safepub_login_failures", "Failed sign-ins on the login page", value=logins or 0),
        ]

    def _durations(self, session: Session) -> Iterable[Metric]:
        processing: list[float] = []
        rates: list[float] = []
        pages = 0
        for finished, details, started in _paired(session, "processing.started", "processing.finished"):
            seconds = (finished - started).total_seconds()
            count = _pages(details)
            processing.append(seconds)
            pages += count
            if seconds > 0 and count:
                rates.append(count / seconds)
        finalise = [
            (finished - started).total_seconds()
            for finished, _details, started in _paired(session, "review.approved", "review.finalised")
        ]
        return [
            _histogram(
                "safepub_processing_duration_seconds",
                "Processing of a draft, from its job claiming it to proposals stored (successful runs)",
                processing,
                DURATION_BUCKETS,
            ),
            CounterMetricFamily("safepub_processed_pages", "Pages of drafts processed successfully", value=pages),
            _histogram(
                "safepub_processing_pages_per_second",
                "Pages per second of each successful processing run",
                rates,
                PAGES_PER_SECOND_BUCKETS,
            ),
            _histogram(
                "safepub_finalise_duration_seconds",
                "From approval to the verified final stored (queue wait included)",
                finalise,
                FINALISE_BUCKETS,
            ),
        ]

    # -- Redis (RQ) ----------------------------------------------------------------------------------
    def _redis(self) -> list[Metric]:
        queue = self.queue
        assert queue is not None
        jobs = GaugeMetricFamily("safepub_queue_jobs", "RQ jobs by queue and place", labels=["queue", "state"])
        ages = GaugeMetricFamily(
            "safepub_queue_oldest_job_age_seconds",
            "Seconds the oldest job has been queued (enqueued), running (started) or failed (ended); 0 if none",
            labels=["queue", "state"],
        )
        jobs.add_metric([queue.name, "queued"], queue.count)
        ages.add_metric([queue.name, "queued"], self._oldest(queue, queue.get_job_ids(0, MAX_JOBS_AGED), "queued"))
        registries = {
            "started": queue.started_job_registry,
            "scheduled": queue.scheduled_job_registry,
            "deferred": queue.deferred_job_registry,
            "failed": queue.failed_job_registry,
        }
        for state, registry in registries.items():
            # cleanup=False: RQ's cleanup moves expired jobs between registries; a scrape must change nothing
            jobs.add_metric([queue.name, state], registry.get_job_count(cleanup=False))
            if state in AGE_FIELDS:
                ids = registry.get_job_ids(0, MAX_JOBS_AGED - 1, cleanup=False)
                ages.add_metric([queue.name, state], self._oldest(queue, ids, state))
        return [jobs, ages]

    def _oldest(self, queue: Queue, job_ids: Sequence[str], state: str) -> float:
        """Job hashes are read, never their payload: RQ deserialises a job's data only when asked."""
        if not job_ids:
            return 0.0
        jobs = queue.job_class.fetch_many(list(job_ids), connection=queue.connection, serializer=queue.serializer)
        stamps = [getattr(job, AGE_FIELDS[state]) for job in jobs if job is not None]
        stamps = [stamp for stamp in stamps if stamp is not None]
        return self._age(min(stamps)) if stamps else 0.0

    def _age(self, moment: datetime) -> float:
        return max(self.clock() - moment.timestamp(), 0.0)


def _known(value: str | None, vocabulary: Sequence[str]) -> str:
    return value if value is not None and value in vocabulary else OTHER


def _vocabulary_counts(rows: Iterable[Any], vocabulary: Sequence[str]) -> dict[str, int]:
    """Every member of the vocabulary (0 when absent, so rates and alerts see it), plus "other" if the
    database holds a value outside it."""
    counts = dict.fromkeys(vocabulary, 0)
    for value, count in rows:
        key = _known(value, vocabulary)
        counts[key] = counts.get(key, 0) + int(count)
    return counts


def _paired(session: Session, start_action: str, end_action: str) -> list[tuple[datetime, str, datetime]]:
    """Each ``end_action`` event with the latest ``start_action`` of the same submission before it."""
    start = aliased(AuditEvent)
    started = (
        select(func.max(start.occurred_at))
        .where(
            start.action == start_action,
            start.submission_id == AuditEvent.submission_id,
            start.seq < AuditEvent.seq,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(AuditEvent.occurred_at, AuditEvent.details, started).where(AuditEvent.action == end_action)
    ).all()
    return [(finished, details, began) for finished, details, began in rows if began is not None]


def _pages(details: str) -> int:
    try:
        pages = json.loads(details).get("pages")
    except (ValueError, AttributeError):
        return 0
    return pages if isinstance(pages, int) and pages > 0 else 0


def _histogram(name: str, documentation: str, values: Sequence[float], bounds: Sequence[float]) -> Metric:
    buckets = [(repr(float(bound)), float(sum(1 for v in values if v <= bound))) for bound in bounds]
    buckets.append(("+Inf", float(len(values))))
    return HistogramMetricFamily(name, documentation, buckets=buckets, sum_value=float(sum(values)))
