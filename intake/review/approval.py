"""Completing and approving a review (four-eyes), and sending it back to review. No Flask.

A ``secretariat_reviewer`` completes; a ``secretariat_approver`` who neither completed the review nor
decided anything in it approves. Approval only queues the final render (``services.jobs.finalise``, IDs
only); the worker renders, verifies and stores the final PDF, so the web process never loads the model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import Decision, Submission, utcnow
from intake.review.proposals import chosen_proposals, count_open, decisions_by_proposal
from intake.review.workflow import FourEyesViolation, ReviewStateError, load_submission, lock
from intake.services import Services
from intake.states import DECIDABLE, Status
from intake.storage.fields import open_notes, open_register
from redaction.types import Proposal


def complete(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    with services.sessions() as session, session.begin():
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.DECIDE, "only a secretariat_reviewer can complete a review")
        lock(session, submission)
        if submission.status not in DECIDABLE:
            raise ReviewStateError(f"a {submission.status} submission cannot be completed")
        undecided = count_open(session, submission)
        if undecided:
            raise ReviewStateError(f"{undecided} proposals are still undecided")
        counts = Counter(d.action for d in decisions_by_proposal(session, submission).values())
        submission.status = Status.COMPLETED
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
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.APPROVE, "only a secretariat_approver can approve a review")
        lock(session, submission)
        if submission.status != Status.COMPLETED:
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
    services.jobs.finalise(submission_id)
    return {"status": Status.APPROVING}


def _mark_approving(session: Session, submission: Submission, principal: Principal) -> None:
    submission.status = Status.APPROVING
    submission.approved_by, submission.approved_at = principal.user_id, utcnow()
    audit.append(
        session,
        "review.approved",
        actor=actor_of(principal),
        submission_id=submission.id,
        partnership_id=submission.partnership_id,
        details={"completed_by": submission.completed_by, "revision": submission.revision},
    )


def reopen(session: Session, submission: Submission, *, note: str, reason: str, actor: audit.Actor) -> None:
    """Back to review (the caller's transaction): a verification failure, or the Panel asking for more
    redaction. Completion and approval must then happen again, by two people."""
    submission.status = Status.IN_REVIEW
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


@dataclass(frozen=True)
class PublicationSet:
    """What the final document must not contain, and what it may keep: the one rule for it.

    The final render (worker) and the re-verification before handover (intake.handover.verification)
    both take their inputs from here and pass them to ``redaction.engine.forbidden_items``, so the two
    checks cannot drift apart. To redact: accepted and manual proposals, and undecided machine ones
    (fail closed). Kept: what a reviewer rejected. The register's every term is forbidden; the agency
    names the analysis kept (``kept_phrases``) are allowed.
    """

    redact: list[Proposal]
    kept: list[Proposal]
    undecided: int
    register: bytes | None
    kept_phrases: list[str]


def publication_set(services: Services, session: Session, submission: Submission) -> PublicationSet:
    redact, kept, undecided = chosen_proposals(services, session, submission)
    key = services.keys.fields_key(session, submission.id)
    notes = open_notes(services.keys, key, submission)
    return PublicationSet(
        redact=redact,
        kept=kept,
        undecided=undecided,
        register=open_register(services.keys, key, submission),
        kept_phrases=list(notes.get("kept_phrases") or ()),
    )
