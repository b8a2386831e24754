"""The Secretariat's review workflow: queue, page images, decisions, manual redactions, four-eyes. No Flask.

* Decisions (accept/reject with a reason code) are kept one row per proposal (``Decision``); every
  change is also an audit event, which is the history. Only ids and codes are stored in the clear.
* Manual redactions (a box drawn on a page, or every occurrence of a text) become proposals with
  ``source == "manual"``, sealed under the submission's fields key exactly like the machine's, plus an
  ``accept`` decision carrying the reviewer's reason code. The document is decrypted in memory only.
* Four-eyes: a ``secretariat_reviewer`` completes; a ``secretariat_approver`` who neither completed the
  review nor decided anything in it approves. Approval only queues ``worker.jobs.finalise_submission``
  (IDs only), which renders, verifies and stores the final PDF; the web process never loads the NLP model.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from intake import access, audit, due_dates
from intake.auth import Principal
from intake.models import Decision, DocumentVersion, Partnership, ProposalRecord, Submission, utcnow
from intake.proposal_store import open_payload, seal_proposal
from intake.services import Services
from intake.submissions import NotReady, Purged, actor_of, load_document
from redaction import review as doc_review
from redaction.errors import UnsupportedDocumentError
from redaction.types import Proposal

log = logging.getLogger("safepub.review")

REVIEWER = "secretariat_reviewer"
APPROVER = "secretariat_approver"
REASON_CODES = (
    "identifies_child",
    "identifies_family_member",
    "identifies_practitioner",
    "intimate_personal_detail",
    "third_party_information",
    "not_identifying",
)
DECISIONS = ("accept", "reject")
DECIDABLE = ("proposed", "in_review")  # statuses in which decisions and manual redactions are taken
REVIEWABLE = ("proposed", "in_review", "completed", "approving", "approved", "published")
DONE = ("approved", "published", "failed")  # no longer waiting on the Secretariat
MAX_BATCH = 5000
MAX_MANUAL_TEXT = 200


class ReviewError(Exception):
    """The client's request is malformed (400); subclasses carry other statuses."""

    status = 400
    code = "invalid_review"


class ReviewStateError(ReviewError):
    """The submission is not in a state that allows this (409)."""

    status = 409
    code = "conflict"


class FourEyesViolation(ReviewError):
    """The approver completed or took part in this review (403): nobody approves their own work."""

    status = 403
    code = "four_eyes"


@dataclass(frozen=True)
class Applied:
    applied: int
    manual_ids: list[str]
    open_proposals: int
    status: str


# -- helpers ------------------------------------------------------------------------------------------
def _require_role(principal: Principal, role: str, action: str) -> None:
    if principal.role != role:
        raise access.Forbidden(f"only a {role} can {action}")


def _require_secretariat(principal: Principal) -> None:
    if not principal.is_secretariat:
        raise access.Forbidden("only the Secretariat views page images")


def _load(session: Session, principal: Principal, submission_id: str, resource: access.Resource) -> Submission:
    submission = access.check(principal, session.get(Submission, submission_id), resource)
    if submission.purged_at is not None:
        raise Purged()
    return submission


def _original(services: Services, session: Session, submission: Submission) -> bytes:
    version = session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.submission_id == submission.id,
            DocumentVersion.revision == submission.revision,
            DocumentVersion.role == "original",
        )
    ).one()
    return load_document(services, session, version)


def _rows(session: Session, submission: Submission) -> list[ProposalRecord]:
    return list(
        session.scalars(
            select(ProposalRecord)
            .where(ProposalRecord.submission_id == submission.id, ProposalRecord.revision == submission.revision)
            .order_by(ProposalRecord.ordinal)
        )
    )


def _decisions(session: Session, submission: Submission) -> dict[str, Decision]:
    rows = session.scalars(
        select(Decision).where(Decision.submission_id == submission.id, Decision.revision == submission.revision)
    )
    return {row.proposal_id: row for row in rows if row.proposal_id}


def count_open(session: Session, submission: Submission) -> int:
    """Machine proposals of the current revision without a human decision."""
    decided = select(Decision.proposal_id).where(
        Decision.submission_id == submission.id, Decision.revision == submission.revision
    )
    return int(
        session.scalar(
            select(func.count())
            .select_from(ProposalRecord)
            .where(
                ProposalRecord.submission_id == submission.id,
                ProposalRecord.revision == submission.revision,
                ProposalRecord.source != "manual",
                ProposalRecord.proposal_id.not_in(decided),
            )
        )
        or 0
    )


def chosen_proposals(
    services: Services, session: Session, submission: Submission, *, redact_undecided: bool = True
) -> tuple[list[Proposal], list[Proposal], int]:
    """(to redact, rejected, undecided count) for the current revision.

    To redact: machine proposals accepted by a human and manual ones (unless a human rejected them).
    For the final render undecided machine proposals are redacted too: if one slipped past completion,
    fail closed rather than publish it. The live preview shows only what a human chose.
    """
    key = services.keys.fields_key(session, submission.id)
    decisions = _decisions(session, submission)
    redact: list[Proposal] = []
    kept: list[Proposal] = []
    undecided = 0
    for row in _rows(session, submission):
        proposal = Proposal.from_dict(open_payload(services, key, submission.id, row))
        decision = decisions.get(row.proposal_id)
        if decision is None and row.source != "manual":
            undecided += 1
            if not redact_undecided:
                continue
        if decision is not None and decision.action == "reject":
            kept.append(proposal)
        else:
            redact.append(proposal)
    return redact, kept, undecided


# -- the queue ----------------------------------------------------------------------------------------
def queue(
    services: Services,
    principal: Principal,
    *,
    status: str | None = None,
    partnership_id: str | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Every submission the caller may see with its due date, most urgent first (overdue, then due date)."""
    if not principal.is_secretariat:
        raise access.Forbidden("only the Secretariat has a review queue")
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
    title = None
    if submission.title_enc:
        key = services.keys.fields_key(session, submission.id)
        title = services.keys.open_field(key, submission.id, "title", submission.title_enc).decode()
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
    }


# -- pages --------------------------------------------------------------------------------------------
def pages(services: Services, principal: Principal, submission_id: str) -> list[dict[str, Any]]:
    with services.sessions() as session:
        submission = _load(session, principal, submission_id, "original")
        _require_secretariat(principal)
        if submission.document_kind != "pdf":
            raise NotReady("page images exist for PDF documents only")
        sizes = doc_review.page_sizes(_original(services, session, submission))
    return [{"number": n, "width": round(w, 2), "height": round(h, 2)} for n, (w, h) in enumerate(sizes)]


def page_image(
    services: Services, principal: Principal, submission_id: str, page: int, *, preview: bool, dpi: int
) -> bytes:
    """A PNG of one page (with ``preview``, the accepted and manual redactions applied); audited."""
    if not doc_review.MIN_DPI <= dpi <= doc_review.MAX_DPI:
        raise ReviewError(f"dpi must be between {doc_review.MIN_DPI} and {doc_review.MAX_DPI}")
    with services.sessions() as session, session.begin():
        submission = _load(session, principal, submission_id, "original")
        _require_secretariat(principal)
        if submission.document_kind != "pdf":
            raise NotReady("page images exist for PDF documents only")
        data = _original(services, session, submission)
        chosen: list[Proposal] = []
        if preview:
            chosen, _kept, _undecided = chosen_proposals(services, session, submission, redact_undecided=False)
        try:
            png = doc_review.page_image(data, page, proposals=chosen, dpi=dpi)
        except UnsupportedDocumentError as exc:
            raise ReviewError(str(exc)) from None
        audit.append(
            session,
            "document.page_viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"page": page, "preview": preview, "dpi": dpi},
        )
    return png


# -- decisions and manual redactions ------------------------------------------------------------------
def _reason(value: Any) -> str:
    if value not in REASON_CODES:
        raise ReviewError(f"reason_code must be one of {', '.join(REASON_CODES)}")
    return str(value)


def _parse_decisions(items: Any) -> list[tuple[str, str, str]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ReviewError("decisions must be a list")
    parsed: dict[str, tuple[str, str, str]] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("proposal_id"), str):
            raise ReviewError("each decision needs a proposal_id")
        if item.get("decision") not in DECISIONS:
            raise ReviewError("decision must be 'accept' or 'reject'")
        parsed[item["proposal_id"]] = (item["proposal_id"], item["decision"], _reason(item.get("reason_code")))
    return list(parsed.values())  # the last decision on a proposal in one batch wins


def _parse_manual(items: Any) -> list[dict[str, Any]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ReviewError("manual must be a list")
    parsed: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise ReviewError("each manual redaction is an object")
        reason = _reason(item.get("reason_code"))
        if "text" in item:
            text = item["text"]
            if not isinstance(text, str) or not 2 <= len(text.strip()) <= MAX_MANUAL_TEXT:
                raise ReviewError(f"manual text must be 2 to {MAX_MANUAL_TEXT} characters")
            parsed.append({"kind": "text", "text": text.strip(), "reason": reason})
            continue
        page, rect = item.get("page"), item.get("rect")
        if not isinstance(page, int) or isinstance(page, bool) or page < 0:
            raise ReviewError("a manual box needs a page number (0-based)")
        if (
            not isinstance(rect, list)
            or len(rect) != 4
            or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in rect)
        ):
            raise ReviewError("a manual box needs rect [x0, y0, x1, y1] in PDF points")
        x0, y0, x1, y1 = (float(v) for v in rect)
        parsed.append(
            {
                "kind": "box",
                "page": page,
                "rect": (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                "reason": reason,
            }
        )
    return parsed


def apply(
    services: Services, principal: Principal, submission_id: str, *, decisions: Any = None, manual: Any = None
) -> Applied:
    """Record a batch of decisions and manual redactions, all or nothing."""
    parsed = _parse_decisions(decisions)
    boxes_and_texts = _parse_manual(manual)
    if len(parsed) + len(boxes_and_texts) > MAX_BATCH:
        raise ReviewError(f"at most {MAX_BATCH} decisions per request")
    with services.sessions() as session, session.begin():
        submission = _load(session, principal, submission_id, "proposals")
        _require_role(principal, REVIEWER, "record review decisions")
        _lock(session, submission)
        if submission.status not in DECIDABLE:
            raise ReviewStateError(f"decisions cannot be changed while the submission is {submission.status}")
        rows = {row.proposal_id: row for row in _rows(session, submission)}
        unknown = [pid for pid, _d, _r in parsed if pid not in rows]
        if unknown:
            raise ReviewError(f"unknown proposal ids: {', '.join(sorted(unknown)[:10])}")
        current = _decisions(session, submission)
        actor = actor_of(principal)
        for pid, action, reason in parsed:
            _decide(session, submission, current, pid, action, reason, principal.user_id)
            audit.append(
                session,
                "review.decision",
                actor=actor,
                submission_id=submission.id,
                partnership_id=submission.partnership_id,
                details={
                    "proposal": pid,
                    "decision": action,
                    "reason_code": reason,
                    "category": rows[pid].category,
                    "source": rows[pid].source,
                    "revision": submission.revision,
                },
            )
        manual_ids = (
            _add_manual(services, session, submission, rows, current, boxes_and_texts, principal)
            if boxes_and_texts
            else []
        )
        if parsed or manual_ids:
            if submission.status == "proposed":
                submission.status = "in_review"
        session.flush()
        result = Applied(len(parsed) + len(manual_ids), manual_ids, count_open(session, submission), submission.status)
    log.info("review decisions", extra={"submission_id": submission_id, "applied": result.applied})
    return result


def _lock(session: Session, submission: Submission) -> None:
    """Serialise workflow changes on one submission (row lock on PostgreSQL, the write lock on SQLite),
    so a completion cannot slip between a batch's status check and its commit."""
    session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .values(status=Submission.status)
        .execution_options(synchronize_session=False)
    )
    session.refresh(submission)


def _decide(
    session: Session,
    submission: Submission,
    current: dict[str, Decision],
    proposal_id: str,
    action: str,
    reason: str,
    user_id: str,
) -> None:
    row = current.get(proposal_id)
    if row is None:
        row = Decision(submission_id=submission.id, revision=submission.revision, proposal_id=proposal_id)
        session.add(row)
        current[proposal_id] = row
    row.action, row.reason_code, row.actor_id, row.created_at = action, reason, user_id, utcnow()


def _add_manual(
    services: Services,
    session: Session,
    submission: Submission,
    rows: dict[str, ProposalRecord],
    current: dict[str, Decision],
    items: list[dict[str, Any]],
    principal: Principal,
) -> list[str]:
    data = _original(services, session, submission)
    if submission.document_kind != "pdf" and any(i["kind"] == "box" for i in items):
        raise ReviewError("boxes can only be drawn on PDF documents")
    key = services.keys.fields_key(session, submission.id)
    ordinal = int(
        session.scalar(
            select(func.max(ProposalRecord.ordinal)).where(
                ProposalRecord.submission_id == submission.id, ProposalRecord.revision == submission.revision
            )
        )
        or 0
    )
    ids: list[str] = []
    for item in items:
        try:
            if item["kind"] == "box":
                found = [doc_review.manual_box(data, item["page"], item["rect"])]
            else:
                found = doc_review.find_occurrences(data, item["text"], ocr=_ocr(services))
        except UnsupportedDocumentError as exc:
            raise ReviewError(str(exc)) from None
        if not found:
            raise ReviewError("that text does not occur in the document")
        added = []
        for proposal in found:
            if proposal.id not in rows:
                ordinal += 1
                record = seal_proposal(services, key, submission.id, submission.revision, ordinal, proposal.to_dict())
                session.add(record)
                rows[proposal.id] = record
            _decide(session, submission, current, proposal.id, "accept", item["reason"], principal.user_id)
            added.append(proposal.id)
        session.flush()
        audit.append(
            session,
            "review.manual_redaction",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={
                "kind": item["kind"],
                "page": item.get("page"),
                "proposals": added,
                "count": len(added),
                "reason_code": item["reason"],
                "revision": submission.revision,
            },
        )
        ids.extend(added)
    del data
    return ids


def _ocr(services: Services) -> Any:
    if not services.settings.ocr:
        return None
    from redaction.ocr import OcrEngine

    return OcrEngine()


# -- completion and approval -------------------------------------------------------------------------
def complete(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    with services.sessions() as session, session.begin():
        submission = _load(session, principal, submission_id, "proposals")
        _require_role(principal, REVIEWER, "complete a review")
        _lock(session, submission)
        if submission.status not in DECIDABLE:
            raise ReviewStateError(f"a {submission.status} submission cannot be completed")
        undecided = count_open(session, submission)
        if undecided:
            raise ReviewStateError(f"{undecided} proposals are still undecided")
        counts = Counter(d.action for d in _decisions(session, submission).values())
        submission.status = "completed"
        submission.completed_by, submission.completed_at = principal.user_id, utcnow()
        submission.approved_by = submission.approved_at = None
        submission.review_note = None
        audit.append(
            session,
            "review.completed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"accepted": counts["accept"], "rejected": counts["reject"], "revision": submission.revision},
        )
        return {"status": submission.status}


def approve(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    """Four-eyes approval; queues the worker's final render (IDs only)."""
    with services.sessions() as session, session.begin():
        submission = _load(session, principal, submission_id, "proposals")
        _require_role(principal, APPROVER, "approve a review")
        _lock(session, submission)
        if submission.status != "completed":
            raise ReviewStateError(f"only a completed review can be approved (this one is {submission.status})")
        took_part = session.scalar(
            select(func.count())
            .select_from(Decision)
            .where(
                Decision.submission_id == submission.id,
                Decision.revision == submission.revision,
                Decision.actor_id == principal.user_id,
            )
        )
        refused = submission.completed_by == principal.user_id or bool(took_part)
        if refused:  # recorded (committed) even though the request fails
            audit.append(
                session,
                "review.four_eyes_refused",
                actor=actor_of(principal),
                submission_id=submission.id,
                partnership_id=submission.partnership_id,
                details={"completed_by": submission.completed_by, "decisions_by_approver": int(took_part or 0)},
            )
        else:
            _mark_approving(session, submission, principal)
    if refused:
        raise FourEyesViolation("you took part in this review; a different approver must approve it")
    enqueue_finalise(services, submission_id)
    return {"status": "approving"}


def _mark_approving(session: Session, submission: Submission, principal: Principal) -> None:
    submission.status = "approving"
    submission.approved_by, submission.approved_at = principal.user_id, utcnow()
    audit.append(
        session,
        "review.approved",
        actor=actor_of(principal),
        submission_id=submission.id,
        partnership_id=submission.partnership_id,
        details={"completed_by": submission.completed_by, "revision": submission.revision},
    )


def enqueue_finalise(services: Services, submission_id: str) -> str | None:
    """Queue ``worker.jobs.finalise_submission``; a Redis outage leaves the submission 'approving' for the
    worker's recovery sweep, so the approval itself stands."""
    if services.redis is None:
        return None
    from worker.queue import enqueue_finalise as enqueue

    try:
        return enqueue(services.settings, services.redis, submission_id)
    except Exception as exc:  # noqa: BLE001 - any queue failure is recoverable later
        log.warning("enqueue of finalise failed", extra={"submission_id": submission_id, "error": type(exc).__name__})
        return None


def reopen(session: Session, submission: Submission, *, note: str, reason: str, actor: audit.Actor) -> None:
    """Back to review (the caller's transaction): a verification failure, or the Panel asking for more
    redaction. Completion and approval must then happen again, by two people."""
    submission.status = "in_review"
    submission.review_note = note
    submission.completed_by = submission.completed_at = None
    submission.approved_by = submission.approved_at = None
    audit.append(
        session,
        "review.reopened",
        actor=actor,
        submission_id=submission.id,
        partnership_id=submission.partnership_id,
        details={"reason": reason, "revision": submission.revision},
    )


def decision_fields(session: Session, submission: Submission) -> dict[str, dict[str, Any]]:
    """proposal id -> ``{"decision", "reason_code", "decided_by"}`` for the proposals listing."""
    return {
        pid: {"decision": d.action, "reason_code": d.reason_code, "decided_by": d.actor_id}
        for pid, d in _decisions(session, submission).items()
    }


def summary_fields(submission: Submission, today: date | None = None) -> dict[str, Any]:
    due = due_dates.due_date(submission.created_at)
    return {
        "due_date": due.isoformat(),
        "overdue": submission.status not in DONE and due_dates.is_overdue(due, today or due_dates.today_in_london()),
        "completed_by": submission.completed_by,
        "approved_by": submission.approved_by,
        "review_note": submission.review_note,
    }
