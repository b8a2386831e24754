"""The Secretariat's and the Panel's handover actions: retry now, withdraw, see the deliveries. No Flask.

Each changes the database and audits it, then queues the handover job (``services.jobs.handover``)
once that has committed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.handover.attempts import DEAD, SUPERSEDABLE, DeliveryState
from intake.models import HandoverDelivery, Submission
from intake.services import Services
from intake.states import HANDOVER_ALERT, WITHDRAWABLE, Status
from intake.submissions.read import Purged


class HandoverStateError(Exception):
    """The submission is not in a state this action applies to."""


def _load(session: Session, principal: Principal, submission_id: str) -> Submission:
    submission = access.check(principal, session.get(Submission, submission_id), "metadata")
    if submission.purged_at is not None:
        raise Purged()
    return submission


def retry_now(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    """Secretariat only: put dead-lettered (or blocked) deliveries back in the queue with a fresh budget,
    then queue the handover job (after the commit)."""
    with services.sessions() as session, session.begin():
        submission = _load(session, principal, submission_id)  # 404 first: ids cannot be probed
        access.require(principal, access.Action.RETRY_HANDOVER, "only the Secretariat can retry an archive handover")
        rows = session.scalars(
            select(HandoverDelivery).where(
                HandoverDelivery.submission_id == submission_id,
                HandoverDelivery.state.in_((*DEAD, DeliveryState.RETRYING)),
            )
        ).all()
        if submission.status not in HANDOVER_ALERT and not rows:
            raise HandoverStateError(f"there is no failed handover to retry (status: {submission.status})")
        if submission.status in HANDOVER_ALERT:
            kinds = {d.kind for d in rows}
            submission.status = Status.WITHDRAWING if "withdrawal" in kinds else Status.APPROVED
            submission.review_note = None
        for row in rows:
            row.state, row.attempts, row.next_attempt_at, row.last_error = DeliveryState.PENDING, 0, None, None
        audit.append(
            session,
            "handover.retry_requested",
            actor=actor_of(principal),
            submission_id=submission_id,
            partnership_id=submission.partnership_id,
            details={"deliveries": [d.id for d in rows][:20], "status": submission.status},
        )
        result: dict[str, Any] = {"status": submission.status, "requeued": len(rows)}
    result["job"] = services.jobs.handover(submission_id)
    return result


def request_withdrawal(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    """The Panel (or the Secretariat) withdraws a published review: open publication deliveries are
    cancelled and a withdrawal notice goes to every sink that received the document (the handover job,
    queued after the commit)."""
    with services.sessions() as session, session.begin():
        submission = _load(session, principal, submission_id)
        access.require(
            principal, access.Action.WITHDRAW, "only the Panel or the Secretariat can withdraw a published review"
        )
        if submission.status not in WITHDRAWABLE:
            raise HandoverStateError(
                f"only an approved or published review can be withdrawn (status: {submission.status})"
            )
        session.execute(
            update(HandoverDelivery)
            .where(
                HandoverDelivery.submission_id == submission_id,
                HandoverDelivery.kind == "publication",
                HandoverDelivery.state.in_(SUPERSEDABLE),
            )
            .values(state=DeliveryState.SUPERSEDED)
            .execution_options(synchronize_session=False)
        )
        previous = submission.status
        submission.status, submission.review_note = Status.WITHDRAWING, None
        audit.append(
            session,
            "handover.withdrawal_requested",
            actor=actor_of(principal),
            submission_id=submission_id,
            partnership_id=submission.partnership_id,
            details={"previous_status": previous},
        )
        result: dict[str, Any] = {"status": submission.status}
    result["job"] = services.jobs.handover(submission_id)
    return result


def status_of(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    """The handover's state for the Secretariat and the Panel: one entry per delivery, with attempts."""
    with services.sessions() as session:
        submission = _load(session, principal, submission_id)
        access.require(
            principal, access.Action.SEE_HANDOVER, "only the Secretariat and the Panel see archive handovers"
        )
        rows = session.scalars(
            select(HandoverDelivery)
            .where(HandoverDelivery.submission_id == submission_id)
            .order_by(HandoverDelivery.created_at, HandoverDelivery.sink)
        ).all()
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        return {
            "submission_id": submission_id,
            "status": submission.status,
            "review_note": submission.review_note,
            "deliveries": [
                {
                    "id": d.id,
                    "event": d.kind,
                    "sink": d.sink,
                    "state": d.state,
                    "attempts": d.attempts,
                    "last_error": d.last_error,
                    "next_attempt_at": d.next_attempt_at.strftime(fmt) if d.next_attempt_at else None,
                    "archive_reference": d.archive_ref,
                    "sha256": d.document_sha256,
                    "delivered_at": d.delivered_at.strftime(fmt) if d.delivered_at else None,
                }
                for d in rows
            ],
        }
