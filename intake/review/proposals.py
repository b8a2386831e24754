"""The proposals of a submission's current revision and the human decisions on them. No Flask.

The one place that reads them together: the listing the API serves, the count of open proposals, and
the set the live preview and the final render redact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import AuditEvent, Decision, ProposalRecord, Submission
from intake.services import Services
from intake.states import HAS_PROPOSALS
from intake.storage.crypto import DataKey
from intake.storage.fields import (
    decision_authentic,
    open_notes,
    open_payload,
    open_proposal_set,
    payload_digest,
    seal_proposal_set,
)
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


# -- the proposal set SafePub wrote -------------------------------------------------------------------
#
# A decision carries a MAC, so flipping accept -> reject shows. But a database writer could DELETE a
# proposal row together with its decision: the name would then simply not be in the redaction set. So
# the service also records, for each revision, which proposals it wrote: their ids and a digest of each
# sealed payload, sealed (AES-GCM) under the submission's fields key, which the database holds only
# wrapped by the key-encryption key, and bound to the revision (another revision's set does not open).
# Processing writes it after the engine's and the carried-over proposals (one transaction); a manual
# redaction extends it, starting from the sealed set itself, never from the rows, so a deletion made
# before is not blessed by a later seal. Finalise (and approval) compare the rows with it.
#
# Why not counts in the audit trail alone: counts do not say *which* proposal went, a row of another
# revision could be moved in to keep a count right, and finalise would have to trust an unverified tail
# of the log. The audit trail still helps with the one thing a seal cannot see, an older seal of the same
# revision written back together with the deletion of the manual redactions added since: every manual
# redaction's proposal ids are in its ``review.manual_redaction`` event, and those must all be rows.


@dataclass(frozen=True)
class ProposalSetCheck:
    """How the current revision's proposal rows differ from what SafePub wrote (counts only)."""

    sealed: bool  # a set for this revision exists and opens under the fields key
    missing: int = 0  # written, no longer a row
    added: int = 0  # a row SafePub did not write
    changed: int = 0  # a row whose sealed payload is not the one written
    unrecorded: int = 0  # manual redactions in the audit trail with no row

    @property
    def ok(self) -> bool:
        return self.sealed and not (self.missing or self.added or self.changed or self.unrecorded)

    def describe(self) -> str:
        """Text-free, for the review note: what kind of difference, how many."""
        if not self.sealed:
            return "no sealed record of this revision's proposals"
        parts = [
            (self.missing + self.unrecorded, "missing"),
            (self.added, "not written by SafePub"),
            (self.changed, "changed"),
        ]
        return ", ".join(f"{n} {what}" for n, what in parts if n)


def seal_written_set(services: Services, session: Session, submission: Submission, key: DataKey) -> None:
    """Record the current revision's proposals as written (processing's transaction, after the engine's
    proposals and the carried-over ones are flushed)."""
    entries = {row.proposal_id: payload_digest(row.payload_enc) for row in proposal_rows(session, submission)}
    submission.proposal_set_enc = seal_proposal_set(services.keys, key, submission.id, submission.revision, entries)
    session.flush()


def extend_written_set(services: Services, submission: Submission, key: DataKey, records: list[ProposalRecord]) -> None:
    """Add proposals SafePub has just written (manual redactions) to the sealed set. A set that does not
    open is left as it is: the revision stays unverifiable and finalise keeps refusing."""
    entries = open_proposal_set(services.keys, key, submission.id, submission.revision, submission.proposal_set_enc)
    if entries is None or not records:
        return
    entries.update({row.proposal_id: payload_digest(row.payload_enc) for row in records})
    submission.proposal_set_enc = seal_proposal_set(services.keys, key, submission.id, submission.revision, entries)


def check_written_set(services: Services, session: Session, submission: Submission) -> ProposalSetCheck:
    key = services.keys.fields_key(session, submission.id)
    written = open_proposal_set(services.keys, key, submission.id, submission.revision, submission.proposal_set_enc)
    if written is None:
        return ProposalSetCheck(sealed=False)
    rows = {row.proposal_id: payload_digest(row.payload_enc) for row in proposal_rows(session, submission)}
    return ProposalSetCheck(
        sealed=True,
        missing=sum(1 for pid in written if pid not in rows),
        added=sum(1 for pid in rows if pid not in written),
        changed=sum(1 for pid, digest in rows.items() if pid in written and written[pid] != digest),
        unrecorded=len(_audited_manual_ids(session, submission) - rows.keys() - written.keys()),
    )


def _audited_manual_ids(session: Session, submission: Submission) -> set[str]:
    """Proposal ids of this revision's manual redactions, from the hashed entries of the audit trail."""
    ids: set[str] = set()
    entries = session.scalars(
        select(AuditEvent.entry).where(
            AuditEvent.submission_id == submission.id, AuditEvent.action == "review.manual_redaction"
        )
    )
    for entry in entries:
        details = json.loads(entry).get("details") or {}
        if details.get("revision") == submission.revision:
            ids.update(str(pid) for pid in details.get("proposals") or ())
    return ids


def seal_unrecorded(services: Services, actor: audit.Actor) -> int:
    """After upgrading to migration 0009: record the proposal set of every review processed before it (it
    has none, so approval and the final render would refuse it). The rows are trusted as they are now, so
    run it right after the migration, before the service opens again; each is audited with its count.
    Returns how many revisions were recorded."""
    recorded = 0
    with services.sessions() as session, session.begin():
        waiting = session.scalars(
            select(Submission).where(
                Submission.status.in_(sorted(HAS_PROPOSALS)),
                Submission.purged_at.is_(None),
                Submission.proposal_set_enc.is_(None),
            )
        ).all()
        for submission in waiting:
            key = services.keys.fields_key(session, submission.id)
            seal_written_set(services, session, submission, key)
            audit.append(
                session,
                "proposals.recorded_at_upgrade",
                actor=actor,
                submission_id=submission.id,
                partnership_id=submission.partnership_id,
                details={"revision": submission.revision, "proposals": len(proposal_rows(session, submission))},
            )
            recorded += 1
    return recorded
