"""What a caller may see of submissions: listings, one submission's summary, its documents. No Flask.

Every read of a document's content is audited; listings carry only what the caller's role may see.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import Partnership, ProposalRecord, Submission
from intake.services import Services
from intake.states import DONE, WORD_KINDS
from intake.storage.documents import FINAL_DOCX, find_version, load_document
from intake.storage.fields import open_notes, open_title
from intake.storage.keys import DataKeyDestroyed
from intake.submissions import due_dates


class NotReady(Exception):
    """The requested document does not exist yet (still processing, or processing failed)."""


class Purged(Exception):
    """The submission was purged: its content is gone for good."""


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def summary(services: Services, session: Session, submission: Submission) -> dict[str, Any]:
    title = open_title(services.keys, session, submission)
    partnership = session.get(Partnership, submission.partnership_id)
    return {
        "id": submission.id,
        "partnership_id": submission.partnership_id,
        "partnership": partnership.name if partnership else None,
        "kind": submission.kind,
        "title": title,
        "status": submission.status,
        "failure_reason": submission.failure_reason,
        "progress": {"page": submission.progress_page, "total": submission.progress_total},
        "document_kind": submission.document_kind,
        "sha256": submission.sha256,
        "size": submission.size,
        "revision": submission.revision,
        "carried_over": submission.carried_over,
        "manual_boxes_dropped": submission.manual_boxes_dropped,
        "page_count": submission.page_count,
        "proposal_count": submission.proposal_count,
        "needs_review_count": submission.needs_review_count,
        "created_at": _iso(submission.created_at),
        "updated_at": _iso(submission.updated_at),
        "processed_at": _iso(submission.processed_at),
        "purged": submission.purged_at is not None,
        # a Word draft's redacted .docx for the partnership, made with the final PDF
        "word_copy": submission.document_kind in WORD_KINDS
        and find_version(session, submission, FINAL_DOCX) is not None,
        **summary_fields(submission),
    }


def summary_fields(submission: Submission, today: date | None = None) -> dict[str, Any]:
    """The review fields of a summary: due date (15 working days), overdue, who completed and approved."""
    due = due_dates.due_date(submission.created_at)
    return {
        "due_date": due.isoformat(),
        "overdue": submission.status not in DONE and due_dates.is_overdue(due, today or due_dates.today_in_london()),
        "completed_by": submission.completed_by,
        "approved_by": submission.approved_by,
        "review_note": submission.review_note,
        # fail closed (issue 11): a verification layer did not run; approval waits for an override
        "verification_hold": submission.verification_hold,
        "verification_hold_overridden": submission.hold_overridden_at is not None,
    }


def list_visible(services: Services, principal: Principal, *, status: str | None = None) -> list[dict[str, Any]]:
    with services.sessions() as session:
        query = access.scope(select(Submission), principal).order_by(Submission.created_at.desc())
        if status:
            query = query.where(Submission.status == status)
        return [summary(services, session, s) for s in session.scalars(query.limit(500))]


def get_visible(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    with services.sessions() as session:
        submission = access.check(principal, session.get(Submission, submission_id), "metadata")
        detail = summary(services, session, submission)
        counts = session.execute(
            select(ProposalRecord.category, func.count())
            .where(ProposalRecord.submission_id == submission.id, ProposalRecord.revision == submission.revision)
            .group_by(ProposalRecord.category)
        ).all()
        detail["proposals_by_category"] = {category: n for category, n in counts}
        return detail


def read_document(services: Services, principal: Principal, submission_id: str, role: str) -> tuple[bytes, str]:
    """Decrypt one document version in memory for the caller; audited."""
    resource: access.Resource = "original" if role == "original" else "preview"  # the final and its Word copy too
    with services.sessions() as session, session.begin():
        submission = access.check(principal, session.get(Submission, submission_id), resource)
        if submission.purged_at is not None:
            raise Purged()
        version = find_version(session, submission, role)
        if version is None:
            raise NotReady(f"the {role} document is not available (status: {submission.status})")
        try:
            data = load_document(services.keys, services.store, session, version)
        except DataKeyDestroyed:
            raise Purged() from None
        audit.append(
            session,
            "document.viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"role": role, "version": version.id, "bytes": len(data)},
        )
        return data, version.content_type


#: the order the hygiene report lists a Word draft's hidden channels (redaction.word.hygiene.CHANNELS)
HYGIENE_ORDER = (
    "tracked deletion", "tracked insertion", "change author", "comment", "comment author", "document property",
    "custom property", "hidden text", "header", "footer", "footnote", "endnote", "text box", "image description",
    "embedded object", "field code", "hyperlink", "glossary", "people", "custom XML",
)  # fmt: skip


def hygiene_report(services: Services, principal: Principal, submission_id: str) -> list[dict[str, Any]]:
    """Where a Word draft hid text (tracked changes, comments, properties ...): each channel with how many
    places and which, for the uploading partnership and the Secretariat. None of it reaches the published
    PDF; the names found there are listed with the proposals. Empty for a PDF or text draft."""
    with services.sessions() as session:
        submission = access.check(principal, session.get(Submission, submission_id), "original")
        if submission.purged_at is not None or not submission.warnings_enc:
            return []
        key = services.keys.fields_key(session, submission.id)
        hidden = open_notes(services.keys, key, submission).get("word_hidden") or []
    places: dict[str, list[str]] = {}
    for item in hidden:
        places.setdefault(str(item.get("channel", "")), []).append(str(item.get("where", "")))
    order = {channel: n for n, channel in enumerate(HYGIENE_ORDER)}
    return [
        {"channel": channel, "count": len(where), "places": where}
        for channel, where in sorted(places.items(), key=lambda kv: order.get(kv[0], len(order)))
    ]
