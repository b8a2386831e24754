"""The delivery rows of a handover: creating them, claiming one, one attempt and its record, backoff, dead letter.

One ``HandoverDelivery`` row per (document or notice, sink) holds the idempotency key, the state and the
receipt; one ``HandoverAttempt`` row per try. A delivery is claimed with a conditional UPDATE (a lease),
so a scheduled retry and a "retry now" cannot send at the same moment; sequential duplicates are
harmless because every try carries the same idempotency key. Every attempt, receipt and dead letter is
audited with ids and codes only.

A delivery's state (``DeliveryState``) is its own vocabulary, not a submission status:

    pending|retrying --(claimed)--> sending --(receipt)--> delivered
    sending --(transient failure, attempts left)--> retrying   (next_attempt_at after the backoff)
    sending --(transient failure, no attempts left)--> dead_letter
    sending --(permanent failure, e.g. a 4xx)--> rejected
    pending|retrying|dead_letter|rejected --(a newer document of the same kind)--> superseded
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select, update

from config.settings import Settings
from intake import audit
from intake.db import update_one
from intake.handover.package import Package
from intake.handover.sinks import PermanentSinkError, Receipt, Sink, SinkError, TransientSinkError
from intake.models import HandoverAttempt, HandoverDelivery, Submission
from intake.services import Services

log = logging.getLogger("safepub.handover")

SENDING_LEASE = timedelta(minutes=10)
MAX_BACKOFF_SECONDS = 6 * 3600
_SAFE_REF = re.compile(r"^[A-Za-z0-9._:/?=@+-]{1,80}$")


class DeliveryState(StrEnum):
    """``HandoverDelivery.state``: one document (or notice) to one sink. Not a submission status."""

    PENDING = "pending"
    SENDING = "sending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    DEAD_LETTER = "dead_letter"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


# May be claimed now (a "sending" row may be claimed again once its lease has run out).
CLAIMABLE = (DeliveryState.PENDING, DeliveryState.RETRYING)
# Given up on: only the Secretariat's "retry now" puts them back in the queue.
DEAD = (DeliveryState.DEAD_LETTER, DeliveryState.REJECTED)
# Not delivered and not being sent: replaced when a newer document of the same kind goes out.
SUPERSEDABLE = (DeliveryState.PENDING, DeliveryState.RETRYING, *DEAD)

# (delivery id, attempt number) of a claimed delivery.
Claim = tuple[str, int]


def backoff_seconds(base: int, attempt: int) -> int:
    """Delay after failed attempt ``attempt`` (1-based): base, 2*base, 4*base ... capped at six hours."""
    return int(min(base * 2 ** max(attempt - 1, 0), MAX_BACKOFF_SECONDS))


def retry_intervals(base: int, max_attempts: int) -> list[int]:
    """RQ ``Retry`` intervals matching :func:`backoff_seconds`, one per retry."""
    return [backoff_seconds(base, n) for n in range(1, max_attempts)]


def ensure_deliveries(
    services: Services,
    clock: Callable[[], datetime],
    submission_id: str,
    revision: int,
    kind: str,
    key: str,
    sha256: str,
    sinks: list[str],
) -> list[HandoverDelivery]:
    """One row per sink for this key (created once; every retry reuses it). Open rows of an older key
    of the same kind (an earlier final) are superseded: only the current document may go out."""
    with services.sessions() as session, session.begin():
        session.execute(
            update(HandoverDelivery)
            .where(
                HandoverDelivery.submission_id == submission_id,
                HandoverDelivery.kind == kind,
                HandoverDelivery.idempotency_key != key,
                HandoverDelivery.state.in_(SUPERSEDABLE),
            )
            .values(state=DeliveryState.SUPERSEDED)
            .execution_options(synchronize_session=False)
        )
        existing = {
            d.sink: d
            for d in session.scalars(
                select(HandoverDelivery).where(
                    HandoverDelivery.submission_id == submission_id, HandoverDelivery.idempotency_key == key
                )
            )
        }
        now = clock()
        for name in sinks:
            if name not in existing:
                row = HandoverDelivery(
                    submission_id=submission_id,
                    revision=revision,
                    kind=kind,
                    sink=name,
                    idempotency_key=key,
                    document_sha256=sha256,
                    state=DeliveryState.PENDING,
                    attempts=0,
                    created_at=now,
                )
                session.add(row)
                existing[name] = row
        session.flush()
        rows = sorted(existing.values(), key=lambda d: d.created_at)
        session.expunge_all()
    return rows


def claim(services: Services, clock: Callable[[], datetime], submission_id: str, key: str, sink: str) -> Claim | None:
    """Take the lease on this sink's delivery and count the attempt. None if there is no such row, or it
    is not claimable (delivered, dead, superseded, or under someone else's lease)."""
    now = clock()
    with services.sessions() as session, session.begin():
        row = session.scalars(
            select(HandoverDelivery).where(
                HandoverDelivery.submission_id == submission_id,
                HandoverDelivery.idempotency_key == key,
                HandoverDelivery.sink == sink,
            )
        ).first()
        if row is None:
            return None
        claimed = update_one(
            session,
            update(HandoverDelivery)
            .where(
                HandoverDelivery.id == row.id,
                or_(
                    HandoverDelivery.state.in_(CLAIMABLE),
                    (HandoverDelivery.state == DeliveryState.SENDING) & (HandoverDelivery.lease_until < now),
                ),
            )
            .values(
                state=DeliveryState.SENDING, lease_until=now + SENDING_LEASE, attempts=HandoverDelivery.attempts + 1
            ),
        )
        if not claimed:
            return None
        session.refresh(row)
        return row.id, row.attempts


def deliver_once(
    services: Services,
    settings: Settings,
    clock: Callable[[], datetime],
    claimed: Claim,
    sink: Sink,
    package: Package,
) -> None:
    """Send ``package`` to ``sink`` once, then record the try: the receipt, or the backoff before the next
    try, or the dead letter when the attempts are used up or the sink refused it for good."""
    delivery_id, attempt = claimed
    started = clock()
    receipt: Receipt | None = None
    error: SinkError | None = None
    try:
        receipt = sink.deliver(package)
    except SinkError as exc:
        error = exc
    except Exception as exc:  # noqa: BLE001 - a sink bug must not leave the delivery claimed forever
        error = TransientSinkError(f"unexpected_{type(exc).__name__}")
    finished = clock()
    max_attempts = settings.handover_max_attempts
    with services.sessions() as session, session.begin():
        delivery = session.get(HandoverDelivery, delivery_id)
        assert delivery is not None
        submission = session.get(Submission, delivery.submission_id)
        partnership_id = submission.partnership_id if submission else None
        number = (
            session.scalar(
                select(HandoverAttempt.attempt)
                .where(HandoverAttempt.delivery_id == delivery_id)
                .order_by(HandoverAttempt.attempt.desc())
                .limit(1)
            )
            or 0
        ) + 1
        if receipt is not None:
            outcome, status_code, code = "delivered", None, None
            delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, finished
            delivery.archive_ref = (receipt.reference or "")[:200] or None
            delivery.last_error, delivery.next_attempt_at = None, None
        elif isinstance(error, PermanentSinkError):
            outcome, status_code, code = "permanent", error.status_code, error.code
            delivery.state, delivery.last_error = DeliveryState.REJECTED, error.code
        else:
            assert error is not None
            outcome, status_code, code = "transient", error.status_code, error.code
            delivery.last_error = error.code
            if attempt >= max_attempts:
                delivery.state = DeliveryState.DEAD_LETTER
            else:
                delivery.state = DeliveryState.RETRYING
                delivery.next_attempt_at = finished + timedelta(
                    seconds=backoff_seconds(settings.handover_backoff_seconds, attempt)
                )
        delivery.lease_until = None
        session.add(
            HandoverAttempt(
                delivery_id=delivery_id,
                attempt=number,
                outcome=outcome,
                status_code=status_code,
                error=code,
                started_at=started,
                finished_at=finished,
            )
        )
        base = {"delivery": delivery_id, "sink": delivery.sink, "event": delivery.kind}
        audit.append(
            session,
            "handover.attempt",
            submission_id=delivery.submission_id,
            partnership_id=partnership_id,
            details={**base, "attempt": number, "outcome": outcome, "status_code": status_code, "error": code},
        )
        if receipt is not None:
            audit.append(
                session,
                "handover.receipt",
                submission_id=delivery.submission_id,
                partnership_id=partnership_id,
                details={
                    **base,
                    "status": DeliveryState.DELIVERED,
                    "reference": _audit_reference(receipt.reference),
                    "sha256": delivery.document_sha256,
                    "idempotency_key": delivery.idempotency_key,
                },
            )
        elif delivery.state in DEAD:
            audit.append(
                session,
                "handover.dead_letter",
                submission_id=delivery.submission_id,
                partnership_id=partnership_id,
                details={**base, "attempts": attempt, "error": code, "status_code": status_code},
            )
    log.info(
        "handover attempt",
        extra={"submission_id": package.submission_id, "sink": sink.name, "outcome": outcome, "error": code},
    )


def _audit_reference(reference: str | None) -> str | None:
    """The archive's reference as an audit-safe string: itself if short and plain, else its hash."""
    if not reference:
        return None
    if _SAFE_REF.match(reference):
        return reference
    return "sha256:" + hashlib.sha256(reference.encode("utf-8")).hexdigest()[:64]
