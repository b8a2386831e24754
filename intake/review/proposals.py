"""The proposals of a submission's current revision and the human decisions on them. No Flask.

The one place that reads them together: the listing the API serves, the count of open proposals, and
the set the live preview and the final render redact.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import Decision, ProposalRecord, Submission
from intake.services import Services
from intake.states import HAS_PROPOSALS
from intake.storage.fields import decision_authentic, open_notes, open_payload
from intake.submissions.read import NotReady, Purged
from redaction.types import Proposal


def proposal_rows(session: Session, submission: Submission) -> list[ProposalRecord]:
    return list(
        session.scalars(
            select(ProposalRecord)
            .where(ProposalRecord.submission_id == submission.id, ProposalRecord.revision == submission.revision)
            .order_by(ProposalRecord.ordinal)
        )
    )


def decisions_by_proposal(session: Session, submission: Submission) -> dict[str, Decision]:
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
    # a decision that does not carry its authentication code was changed outside SafePub: it counts as no
    # decision (so its proposal is redacted); publication_set reports it and the final render refuses
    decisions = {pid: d for pid, d in decisions_by_proposal(session, submission).items() if decision_authentic(key, d)}
    redact: list[Proposal] = []
    kept: list[Proposal] = []
    undecided = 0
    for row in proposal_rows(session, submission):
        proposal = Proposal.from_dict(open_payload(services.keys, key, submission.id, row))
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


def decision_fields(session: Session, submission: Submission) -> dict[str, dict[str, Any]]:
    """proposal id -> ``{"decision", "reason_code", "decided_by"}`` for the proposals listing."""
    return {
        pid: {"decision": d.action, "reason_code": d.reason_code, "decided_by": d.actor_id}
        for pid, d in decisions_by_proposal(session, submission).items()
    }


def list_proposals(services: Services, principal: Principal, submission_id: str) -> list[dict[str, Any]]:
    with services.sessions() as session, session.begin():
        submission = access.check(principal, session.get(Submission, submission_id), "proposals")
        if submission.purged_at is not None:
            raise Purged()
        if submission.status not in HAS_PROPOSALS:
            raise NotReady("proposals are not ready yet")
        key = services.keys.fields_key(session, submission.id)
        rows = proposal_rows(session, submission)
        decided = decision_fields(session, submission)
        undecided = {"decision": None, "reason_code": None, "decided_by": None}
        result = [
            {
                **open_payload(services.keys, key, submission.id, row),
                **decided.get(row.proposal_id, undecided),
            }
            for row in rows
        ]
        audit.append(
            session,
            "proposals.viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"count": len(result)},
        )
        return result


def check_by_eye(services: Services, principal: Principal, submission_id: str) -> list[str]:
    """What the engine could not check and a human must look at (an image it could not read, a page it
    could not OCR), for the review screen. The engine writes these itself and never quotes the document."""
    with services.sessions() as session:
        submission = access.check(principal, session.get(Submission, submission_id), "proposals")
        if submission.purged_at is not None or submission.status not in HAS_PROPOSALS:
            return []
        key = services.keys.fields_key(session, submission.id)
        return [str(reason) for reason in open_notes(services.keys, key, submission).get("needs_review") or ()]


def tampered_decisions(services: Services, session: Session, submission: Submission) -> int:
    """How many of the current revision's decisions do not carry their authentication code."""
    key = services.keys.fields_key(session, submission.id)
    return sum(1 for d in decisions_by_proposal(session, submission).values() if not decision_authentic(key, d))
