"""What one round of the handover came to: the result the job returns, and the submission status it sets.

    approved --(every configured sink has a receipt)--> published;  withdrawing --(likewise)--> withdrawn
    approved --(re-verification fails)--> handover_blocked      (nothing was sent)
    approved|withdrawing --(a delivery dead-lettered or rejected)--> handover_failed   (dead letter)
    otherwise the status stays and the result says when the next retry is due

Each status change is a conditional UPDATE on the status the round started from, so a round that lost a
race with the Secretariat or the Panel changes nothing. Audited with ids and codes only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from intake import audit
from intake.db import update_one
from intake.handover.attempts import DEAD, DeliveryState
from intake.handover.verification import INCOMPLETE
from intake.models import HandoverDelivery, Submission
from intake.processing.engine import survivors_text
from intake.services import Services
from intake.states import Status

log = logging.getLogger("safepub.handover")


@dataclass
class HandoverResult:
    submission_id: str
    outcome: str  # published | withdrawn | retry | blocked | dead_letter | held | nothing_to_do | ...
    deliveries: dict[str, str] = field(default_factory=dict)  # sink -> state
    retry_in: int | None = None

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"submission_id": self.submission_id, "outcome": self.outcome}
        if self.deliveries:
            result["deliveries"] = dict(self.deliveries)
        if self.retry_in is not None:
            result["retry_in"] = self.retry_in
        return result


def block(services: Services, submission_id: str, exc: Exception) -> HandoverResult:
    """The stored final failed re-verification (or a verification layer did not run on it): hold the
    approved review as ``handover_blocked`` with a note for the Secretariat naming the channels, pages
    and categories (never the text) that survived."""
    survivors = list(getattr(exc, "survivors", None) or [])
    channels = sorted({str(c) for c, _ in survivors})
    categories = sorted({str(k) for _, k in survivors})
    incomplete = channels == [INCOMPLETE]
    values: dict[str, Any] = {}
    if incomplete:  # the hold a Secretariat user overrides (intake.review.approval.override_hold)
        values = {"verification_hold": str(exc), "hold_overridden_by": None, "hold_overridden_at": None}
        note = (
            "Archive handover stopped: a verification layer did not run on the stored final (the second"
            " parser failed or timed out, or OCR was unavailable). Nothing was sent. Override the"
            " verification hold with a reason, or ask for a new final, then use 'retry now'."
        )
    else:
        where = survivors_text(exc)
        note = (
            "Archive handover stopped: the stored final failed re-verification"
            + (f" (text survived {where})" if where else "")
            + ". Nothing was sent. Reopen the review or ask for a new final, then use 'retry now'."
        )
    with services.sessions() as session, session.begin():
        if update_one(
            session,
            update(Submission)
            .where(Submission.id == submission_id, Submission.status == Status.APPROVED)
            .values(status=Status.HANDOVER_BLOCKED, review_note=note, **values),
        ):
            submission = session.get(Submission, submission_id)
            audit.append(
                session,
                "handover.blocked",
                submission_id=submission_id,
                partnership_id=submission.partnership_id if submission else None,
                details={
                    "reason": INCOMPLETE if incomplete else "verification_failed",
                    "channels": channels[:20],
                    "categories": categories[:20],
                },
            )
    log.warning("handover blocked: re-verification failed", extra={"submission_id": submission_id})
    return HandoverResult(submission_id, "blocked")


def settle(
    services: Services,
    clock: Callable[[], datetime],
    submission_id: str,
    from_status: Status,
    to_status: Status,
    kind: str,
    *,
    key: str | None = None,
) -> HandoverResult:
    """Publish (or mark withdrawn) once every delivery has a receipt; dead-letter the submission if
    any delivery is dead; otherwise report when the next retry is due."""
    with services.sessions() as session, session.begin():
        rows = (
            session.scalars(
                select(HandoverDelivery).where(
                    HandoverDelivery.submission_id == submission_id, HandoverDelivery.idempotency_key == key
                )
            ).all()
            if key
            else []
        )
        states = {d.sink: d.state for d in rows}
        submission = session.get(Submission, submission_id)
        assert submission is not None
        if all(s == DeliveryState.DELIVERED for s in states.values()):
            if update_one(
                session,
                update(Submission)
                .where(Submission.id == submission_id, Submission.status == from_status)
                .values(status=to_status, review_note=None),
            ):
                audit.append(
                    session,
                    f"handover.{to_status}",
                    submission_id=submission_id,
                    partnership_id=submission.partnership_id,
                    details={
                        "sinks": sorted(states),
                        "sha256": rows[0].document_sha256 if rows else None,
                        "revision": submission.revision,
                    },
                )
            return HandoverResult(submission_id, str(to_status), states)  # a plain str: RQ pickles the result
        dead = sorted(s for s, state in states.items() if state in DEAD)
        if dead:
            note = (
                f"Archive {kind} failed for {', '.join(dead)} "
                f"({', '.join(sorted({d.last_error or '-' for d in rows if d.sink in dead}))}). "
                "Check the archive, then use 'retry now'."
            )
            session.execute(
                update(Submission)
                .where(Submission.id == submission_id, Submission.status == from_status)
                .values(status=Status.HANDOVER_FAILED, review_note=note)
                .execution_options(synchronize_session=False)
            )
            return HandoverResult(submission_id, "dead_letter", states)
        due = [d.next_attempt_at for d in rows if d.state == DeliveryState.RETRYING and d.next_attempt_at is not None]
        retry_in = None
        if due:
            retry_in = max(int((min(due) - clock()).total_seconds()), 0)
        return HandoverResult(submission_id, "retry", states, retry_in)
