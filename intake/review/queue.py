"""The Secretariat's review queue: every submission the caller may see, with its due date. No Flask."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.accounts import access
from intake.accounts.auth import Principal
from intake.models import Partnership, Submission
from intake.review.proposals import count_open
from intake.services import Services
from intake.states import DONE
from intake.storage.fields import open_title
from intake.submissions import due_dates


def queue(
    services: Services,
    principal: Principal,
    *,
    status: str | None = None,
    partnership_id: str | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Every submission the caller may see with its due date, most urgent first (overdue, then due date)."""
    access.require(principal, access.Action.REVIEW, "only the Secretariat has a review queue")
    today = today or due_dates.today_in_london()
    with services.sessions() as session:
        query = access.scope(select(Submission), principal).where(Submission.purged_at.is_(None))
        if status:
            query = query.where(Submission.status == status)
        if partnership_id:
            query = query.where(Submission.partnership_id == partnership_id)
        rows = session.scalars(query.limit(2000)).all()
        names = {p.id: p.name for p in session.scalars(select(Partnership))}
        items = [_queue_item(services, session, row, names, today) for row in rows]
    items.sort(key=lambda i: (i["status"] in DONE, not i["overdue"], i["due_date"], i["received_at"]))
    return items


def _queue_item(
    services: Services, session: Session, submission: Submission, names: dict[str, str], today: date
) -> dict[str, Any]:
    due = due_dates.due_date(submission.created_at)
    title = open_title(services.keys, session, submission)
    return {
        "id": submission.id,
        "title": title,
        "partnership": {"id": submission.partnership_id, "name": names.get(submission.partnership_id)},
        "kind": submission.kind,
        "received_at": submission.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": submission.status,
        "open_proposals": count_open(session, submission),
        "due_date": due.isoformat(),
        "overdue": submission.status not in DONE and due_dates.is_overdue(due, today),
        "completed_by": submission.completed_by,
        "approved_by": submission.approved_by,
        "review_note": submission.review_note,
        # a verification layer did not run and nobody has overridden it yet: approval waits
        "verification_held": submission.verification_hold is not None and submission.hold_overridden_at is None,
    }
