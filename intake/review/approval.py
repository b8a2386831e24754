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
from intake.models import Decision, Submission, User, utcnow
from intake.review.proposals import (
    ProposalSetCheck,
    check_written_set,
    chosen_proposals,
    count_open,
    decisions_by_proposal,
    tampered_decisions,
)
from intake.review.workflow import FourEyesViolation, ReviewError, ReviewStateError, load_submission, lock
from intake.services import Services
from intake.states import DECIDABLE, Status
from intake.storage.fields import open_json, open_notes, open_register, seal_json
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
        if held(submission):
            raise ReviewStateError(
                "a verification layer did not run on this draft; a Secretariat user must override the hold"
                " with a reason before it can be approved"
            )
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
        # changed outside SafePub (a decision without its code, a proposal deleted with its decision):
        # back to review, recorded (committed) even though the request fails
        tampering = tampered(services, session, submission)
        if tampering is not None:
            reopen(session, submission, note=tampering[1], reason=tampering[0], actor=actor_of(principal))
        elif refused:  # recorded (committed) even though the request fails
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
    if tampering is not None:
        raise ReviewStateError(tampering[1])
    if refused:
        raise FourEyesViolation("you took part in this review; a different approver must approve it")
    services.jobs.finalise(submission_id)
    return {"status": Status.APPROVING}


MIN_OVERRIDE_REASON, MAX_OVERRIDE_REASON = 10, 1000


def held(submission: Submission) -> bool:
    """Fail closed (issue 11): a verification layer did not run and nobody has overridden that yet."""
    return submission.verification_hold is not None and submission.hold_overridden_at is None


def override_hold(services: Services, principal: Principal, submission_id: str, reason: Any) -> dict[str, Any]:
    """A Secretariat user accepts, with a written reason, that a verification layer did not run on this
    revision (having checked the pages it could not, e.g. images OCR could not read). The reason is
    sealed (it may describe the document); the audit event records who, when and the revision."""
    if not isinstance(reason, str) or not MIN_OVERRIDE_REASON <= len(reason.strip()) <= MAX_OVERRIDE_REASON:
        raise ReviewError(f"a reason of {MIN_OVERRIDE_REASON} to {MAX_OVERRIDE_REASON} characters is required")
    with services.sessions() as session, session.begin():
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.REVIEW, "only the Secretariat overrides a verification hold")
        lock(session, submission)
        if not held(submission):
            raise ReviewStateError("this submission has no verification hold to override")
        key = services.keys.fields_key(session, submission.id)
        submission.hold_override_enc = seal_json(
            services.keys, key, submission.id, "hold_override", reason.strip(), str(submission.revision)
        )
        submission.hold_overridden_by, submission.hold_overridden_at = principal.user_id, utcnow()
        audit.append(
            session,
            "review.verification_hold_overridden",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"revision": submission.revision},
        )
        return {"status": submission.status, "verification_hold": hold_state(services, session, submission)}


def hold_state(services: Services, session: Session, submission: Submission) -> dict[str, Any] | None:
    """The hold as the submission page shows it: the text-free reason, and the override (who, when, why)."""
    if submission.verification_hold is None:
        return None
    state: dict[str, Any] = {"reason": submission.verification_hold, "overridden": None}
    if submission.hold_overridden_at is not None and submission.hold_override_enc:
        key = services.keys.fields_key(session, submission.id)
        by = session.get(User, submission.hold_overridden_by) if submission.hold_overridden_by else None
        state["overridden"] = {
            "by": submission.hold_overridden_by,
            "by_email": by.email if by else None,
            "at": submission.hold_overridden_at.isoformat(),
            "reason": open_json(
                services.keys,
                key,
                submission.id,
                "hold_override",
                submission.hold_override_enc,
                str(submission.revision),
            ),
        }
    return state


def verification_hold(services: Services, principal: Principal, submission_id: str) -> dict[str, Any] | None:
    """The hold for the review screen (Secretariat only), or None."""
    with services.sessions() as session:
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.REVIEW, "only the Secretariat sees the verification hold")
        return hold_state(services, session, submission)


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


DECISIONS_TAMPERED_NOTE = (
    "The final PDF was not made: at least one review decision does not match its authentication code,"
    " so it was changed outside SafePub. Nothing was published. Check the decisions (every changed one"
    " now counts as undecided), tell the service owner, and complete the review again."
)
PROPOSALS_TAMPERED_NOTE = (
    "The final PDF was not made: the proposed redactions of this revision are not the ones SafePub"
    " recorded ({detail}), so proposals were removed or changed outside SafePub. Nothing was published."
    " Tell the service owner. The removed proposals cannot be restored from here: process the draft"
    " again (upload it as a new version, or change the register, which starts a new revision) and review it."
)


def tampered(
    services: Services, session: Session, submission: Submission, chosen: PublicationSet | None = None
) -> tuple[str, str] | None:
    """``(reason, note)`` when the review's inputs were changed outside SafePub (a decision without its
    code, or a proposal set that is not the one SafePub wrote), else None. Text-free: counts and kinds."""
    decisions = chosen.tampered if chosen is not None else tampered_decisions(services, session, submission)
    if decisions:
        return "decisions_tampered", DECISIONS_TAMPERED_NOTE
    proposals = chosen.proposals if chosen is not None else check_written_set(services, session, submission)
    if not proposals.ok:
        return "proposals_tampered", PROPOSALS_TAMPERED_NOTE.format(detail=proposals.describe())
    return None


@dataclass(frozen=True)
class PublicationSet:
    """What the final document must not contain, and what it may keep: the one rule for it.

    The final render (worker) and the re-verification before handover (intake.handover.verification)
    both take their inputs from here and pass them to ``redaction.forbidden.forbidden_items``, so the two
    checks cannot drift apart. To redact: accepted and manual proposals, and undecided machine ones
    (fail closed). Kept: what a reviewer rejected. The register's every term is forbidden; the agency
    names the analysis kept (``kept_phrases``) are allowed.
    """

    redact: list[Proposal]
    kept: list[Proposal]
    undecided: int
    register: bytes | None
    kept_phrases: list[str]
    #: decisions whose authentication code does not match (changed outside SafePub): finalise refuses
    tampered: int = 0
    #: the proposal rows against the sealed set SafePub wrote (intake.review.proposals): finalise refuses
    #: unless ``ok``, since a proposal deleted with its decision would otherwise simply not be redacted
    proposals: ProposalSetCheck = ProposalSetCheck(sealed=False)


def publication_set(services: Services, session: Session, submission: Submission) -> PublicationSet:
    redact, kept, undecided = chosen_proposals(services, session, submission)
    tampered = tampered_decisions(services, session, submission)
    key = services.keys.fields_key(session, submission.id)
    notes = open_notes(services.keys, key, submission)
    return PublicationSet(
        redact=redact,
        kept=kept,
        undecided=undecided,
        register=open_register(services.keys, key, submission),
        kept_phrases=list(notes.get("kept_phrases") or ()),
        tampered=tampered,
        proposals=check_written_set(services, session, submission),
    )
