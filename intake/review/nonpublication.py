"""Non-publication requests and the Panel's decisions on them. No Flask import.

A partnership asks the Panel not to publish (grounds: a category plus free text, e.g. a risk to a
sibling's safety). The Panel (a ``panel_member`` or the Secretariat) decides: publish as is, publish with
further redaction (which reopens the Secretariat's review), agree not to publish, or defer (decide
later), with reasons and the date of the letter. The free text can describe the family, so it is
sealed under the submission's fields key; categories, outcomes and dates are clear. Every step is
audited with ids and codes only. The partnership sees the outcome and the reasons.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import NonPublicationRequest, Submission, utcnow
from intake.review.approval import reopen
from intake.services import Services
from intake.states import REOPENABLE
from intake.submissions.read import Purged

CATEGORIES = (
    "risk_to_child_safety",
    "risk_to_sibling_safety",
    "risk_to_family_member_safety",
    "risk_to_practitioner_safety",
    "criminal_proceedings",
    "identifiability",
    "other",
)
OUTCOMES = ("publish_as_is", "publish_with_further_redaction", "agree_not_to_publish", "defer")
MAX_TEXT = 20000


class RequestError(Exception):
    """A malformed non-publication request or decision."""


class RequestStateError(RequestError):
    """The request has already been decided."""


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RequestError(f"{name} is required")
    if len(value) > MAX_TEXT:
        raise RequestError(f"{name} is longer than {MAX_TEXT} characters")
    return value.strip()


def _letter_date(value: Any, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            raise RequestError("letter_date (YYYY-MM-DD) is required")
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RequestError("letter_date must be a date, YYYY-MM-DD") from None


def submit(
    services: Services, principal: Principal, submission_id: str, *, category: Any, grounds: Any
) -> dict[str, Any]:
    """The owning partnership asks not to publish."""
    if category not in CATEGORIES:
        raise RequestError(f"category must be one of {', '.join(CATEGORIES)}")
    text = _text(grounds, "grounds")
    with services.sessions() as session, session.begin():
        submission = access.check(principal, session.get(Submission, submission_id), "metadata")
        access.require(
            principal,
            access.Action.REQUEST_NON_PUBLICATION,
            "only the partnership that submitted the review can ask not to publish it",
        )
        if submission.purged_at is not None:
            raise Purged()
        record = NonPublicationRequest(
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            requested_by=principal.user_id,
            category=str(category),
            grounds_enc=b"",
            status="open",
        )
        session.add(record)
        session.flush()
        key = services.keys.fields_key(session, submission.id)
        record.grounds_enc = services.keys.seal_field(key, submission.id, "npr_grounds", text.encode(), record.id)
        audit.append(
            session,
            "non_publication.requested",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"request": record.id, "category": record.category},
        )
        return {"id": record.id, "status": record.status}


def decide(
    services: Services, principal: Principal, request_id: str, *, outcome: Any, reasons: Any, letter_date: Any
) -> dict[str, Any]:
    """The Panel's decision. ``publish_with_further_redaction`` sends the submission back to review."""
    if outcome not in OUTCOMES:
        raise RequestError(f"outcome must be one of {', '.join(OUTCOMES)}")
    text = _text(reasons, "reasons")
    letter = _letter_date(letter_date, required=outcome != "defer")
    with services.sessions() as session, session.begin():
        record = session.get(NonPublicationRequest, request_id)
        if record is None:
            raise access.NotFound()
        submission = access.check(principal, session.get(Submission, record.submission_id), "metadata")
        access.require(
            principal,
            access.Action.DECIDE_NON_PUBLICATION,
            "only the Panel or the Secretariat decides on non-publication requests",
        )
        if record.status not in ("open", "deferred"):
            raise RequestStateError("this request has already been decided")
        if submission.purged_at is not None:
            raise Purged()
        key = services.keys.fields_key(session, submission.id)
        previous = record.status
        record.status = "deferred" if outcome == "defer" else "decided"
        record.outcome = str(outcome)
        record.reasons_enc = services.keys.seal_field(key, submission.id, "npr_reasons", text.encode(), record.id)
        record.letter_date = letter
        record.decided_by, record.decided_at = principal.user_id, utcnow()
        actor = actor_of(principal)
        audit.append(
            session,
            "non_publication.decided",
            actor=actor,
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={
                "request": record.id,
                "outcome": record.outcome,
                "letter_date": letter.isoformat() if letter else None,
                "previous_status": previous,
            },
        )
        if outcome == "publish_with_further_redaction" and submission.status in REOPENABLE:
            reopen(
                session,
                submission,
                note="The Panel asked for further redaction before publication (non-publication request).",
                reason="panel_further_redaction",
                actor=actor,
            )
        target = submission.id
        result = {
            "id": record.id,
            "status": record.status,
            "outcome": record.outcome,
            "submission_status": submission.status,
        }
    if outcome == "publish_as_is":  # issue 5: the held handover may go ahead (after the commit)
        services.jobs.handover(target)
    return result


def list_for_submission(services: Services, principal: Principal, submission_id: str) -> list[dict[str, Any]]:
    """The requests on one submission with their outcomes (the partnership sees the Panel's reasons)."""
    with services.sessions() as session:
        submission = access.check(principal, session.get(Submission, submission_id), "metadata")
        if submission.purged_at is not None:
            raise Purged()
        rows = session.scalars(
            select(NonPublicationRequest)
            .where(NonPublicationRequest.submission_id == submission.id)
            .order_by(NonPublicationRequest.created_at)
        ).all()
        return [_as_dict(services, session, row) for row in rows]


def list_pending(services: Services, principal: Principal) -> list[dict[str, Any]]:
    """Open and deferred requests the Panel may decide (conflicted submissions left out)."""
    access.require(
        principal,
        access.Action.DECIDE_NON_PUBLICATION,
        "only the Panel or the Secretariat decides on non-publication requests",
    )
    with services.sessions() as session:
        visible = access.scope(select(Submission.id), principal).where(Submission.purged_at.is_(None))
        rows = session.scalars(
            select(NonPublicationRequest)
            .where(
                NonPublicationRequest.status.in_(("open", "deferred")), NonPublicationRequest.submission_id.in_(visible)
            )
            .order_by(NonPublicationRequest.created_at)
        ).all()
        return [_as_dict(services, session, row) for row in rows]


def _as_dict(services: Services, session: Session, record: NonPublicationRequest) -> dict[str, Any]:
    key = services.keys.fields_key(session, record.submission_id)
    grounds = services.keys.open_field(key, record.submission_id, "npr_grounds", record.grounds_enc, record.id)
    reasons = None
    if record.reasons_enc:
        reasons = services.keys.open_field(key, record.submission_id, "npr_reasons", record.reasons_enc, record.id)
    return {
        "id": record.id,
        "submission_id": record.submission_id,
        "partnership_id": record.partnership_id,
        "category": record.category,
        "grounds": grounds.decode(),
        "status": record.status,
        "outcome": record.outcome,
        "reasons": reasons.decode() if reasons is not None else None,
        "letter_date": record.letter_date.isoformat() if record.letter_date else None,
        "requested_by": record.requested_by,
        "decided_by": record.decided_by,
        "created_at": record.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "decided_at": record.decided_at.strftime("%Y-%m-%dT%H:%M:%SZ") if record.decided_at else None,
    }
