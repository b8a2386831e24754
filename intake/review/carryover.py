"""Carrying the Secretariat's review over to a new version of a submission (issue 4, item 3). No Flask.

The worker processes a new revision like any other, then, before it commits the new proposals, asks
this module what the previous revision's review already settled:

* **Machine decisions** carry over to a new proposal when the previous revision had a *decided* proposal
  with the identical text, category, channel and context (the words around it, as the engine records
  them). The decision keeps its action, reason code, decider and time, so four-eyes still sees who
  decided. There is deliberately no looser fallback (same text and entity, context "slightly" changed):
  a rejection ("not identifying") is a judgement about that sentence, and carried to a sentence that now
  says more it could publish a name nobody looked at in its new surroundings. When identical proposals
  were decided differently in the previous revision the match is ambiguous and the new one stays open.
* **"Every occurrence of this text"** redactions are re-applied with the engine's ``find_occurrences``
  on the new document (in the worker, sandboxed; the text may now occur elsewhere), as accepted
  manual proposals with the original reviewer's reason code.
* **Manual boxes** are not carried over: a box is a position, and positions move between versions. The
  reviewer is told how many were dropped (``Submission.manual_boxes_dropped`` and the review note).

Everything personal (texts, contexts) is only ever in memory or sealed under the submission's fields key
exactly like the engine's proposals; the audit trail gets counts only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intake import audit
from intake.models import Decision, ProposalRecord, Submission
from intake.review.proposals import count_open
from intake.services import Services
from intake.storage.crypto import DataKey
from intake.storage.fields import decision_mac, open_payload, seal_proposal
from redaction.errors import UnsupportedDocumentError
from redaction.types import Proposal

#: the engine's "every occurrence of this text" (``Engine.find_occurrences``), bound to nothing else
FindOccurrences = Callable[[bytes, str], list[Proposal]]

Key = tuple[str, str, str, str]  # text, category, channel, context
MANUAL_TEXT, MANUAL_BOX = "ManualText", "ManualBox"  # recognizers of the engine's manual proposals


@dataclass(frozen=True)
class Prior:
    """A human decision of the previous revision."""

    action: str
    reason_code: str | None
    actor_id: str
    decided_at: datetime


@dataclass(frozen=True)
class Previous:
    """What the previous revision's review settled (plaintext: worker memory only)."""

    revision: int
    decisions: dict[Key, Prior]
    ambiguous: frozenset[Key]
    decided: Counter[Key]
    manual_texts: tuple[tuple[str, Prior], ...]
    manual_boxes: int


@dataclass
class Plan:
    """What to write for the new revision: decisions by the new proposal's position in the analysis
    (the stored id may differ if the engine repeated one), and the re-applied manual proposals."""

    previous: Previous
    decisions: dict[int, Prior] = field(default_factory=dict)
    manual: list[tuple[Proposal, Prior]] = field(default_factory=list)
    not_carried: int = 0
    ambiguous: int = 0
    manual_texts_not_found: int = 0


def key_of(proposal: Proposal | dict[str, Any]) -> Key:
    p = proposal if isinstance(proposal, dict) else proposal.to_dict()
    return (str(p["text"]), str(p["category"]), str(p["channel"]), str(p["context"]))


def previous_review(services: Services, session: Session, submission: Submission, key: DataKey) -> Previous | None:
    """The previous revision's decisions, or ``None`` for a first revision."""
    revision = submission.revision - 1
    if revision < 1:
        return None
    decisions = {
        d.proposal_id: d
        for d in session.scalars(
            select(Decision).where(Decision.submission_id == submission.id, Decision.revision == revision)
        )
        if d.proposal_id
    }
    rows = session.scalars(
        select(ProposalRecord)
        .where(ProposalRecord.submission_id == submission.id, ProposalRecord.revision == revision)
        .order_by(ProposalRecord.ordinal)
    )
    by_key: dict[Key, list[Decision]] = defaultdict(list)
    texts: dict[str, list[Decision]] = defaultdict(list)
    boxes = 0
    for row in rows:
        decision = decisions.get(row.proposal_id)
        payload = open_payload(services.keys, key, submission.id, row)
        if row.source == "manual":
            if decision is not None and decision.action == "reject":
                continue  # withdrawn by the reviewer: nothing to carry
            if payload.get("recognizer") == MANUAL_BOX:
                boxes += 1
            elif payload.get("recognizer") == MANUAL_TEXT and decision is not None:
                texts[" ".join(str(payload["text"]).split())].append(decision)
        elif decision is not None:
            by_key[key_of(payload)].append(decision)
    carried: dict[Key, Prior] = {}
    ambiguous = set()
    for k, group in by_key.items():
        if len({(d.action, d.reason_code) for d in group}) > 1:
            ambiguous.add(k)
            continue
        carried[k] = _prior(max(group, key=lambda d: d.created_at))
    manual_texts: dict[str, tuple[str, Prior]] = {}
    for text, group in texts.items():  # one search per text, whatever the case it was found in
        manual_texts.setdefault(text.casefold(), (text, _prior(max(group, key=lambda d: d.created_at))))
    return Previous(
        revision=revision,
        decisions=carried,
        ambiguous=frozenset(ambiguous),
        decided=Counter({k: len(group) for k, group in by_key.items()}),
        manual_texts=tuple(manual_texts.values()),
        manual_boxes=boxes,
    )


def _prior(decision: Decision) -> Prior:
    return Prior(decision.action, decision.reason_code, decision.actor_id, decision.created_at)


def plan(previous: Previous, proposals: Sequence[Proposal], data: bytes, *, find: FindOccurrences) -> Plan:
    """Match the new revision's proposals with the previous decisions and find the manual texts again
    with ``find`` (the engine's ``find_occurrences``: it parses the document, so only the worker calls it).

    CPU work (the manual texts' search extracts the document), so it runs before the worker's write
    transaction."""
    result = Plan(previous)
    new_keys = set()
    for ordinal, proposal in enumerate(proposals):
        k = key_of(proposal)
        new_keys.add(k)
        if k in previous.decisions:
            result.decisions[ordinal] = previous.decisions[k]
        elif k in previous.ambiguous:
            result.ambiguous += 1
    result.not_carried = sum(n for k, n in previous.decided.items() if k not in new_keys)
    for text, prior in previous.manual_texts:
        try:
            found = find(data, text)
        except UnsupportedDocumentError:
            found = []
        if not found:
            result.manual_texts_not_found += 1
        result.manual.extend((proposal, prior) for proposal in found)
    return result


def apply(
    services: Services,
    session: Session,
    submission: Submission,
    key: DataKey,
    planned: Plan,
) -> dict[str, int]:
    """Write the carried decisions and re-applied manual proposals of ``submission.revision`` (the
    worker's transaction, after the new proposals are flushed) and audit the counts."""
    revision = submission.revision
    ids = dict(
        session.execute(
            select(ProposalRecord.ordinal, ProposalRecord.proposal_id).where(
                ProposalRecord.submission_id == submission.id, ProposalRecord.revision == revision
            )
        ).all()
    )
    # An earlier attempt of this job cannot have committed (the status would have moved on), but the
    # decisions must never outlive the proposals they point at.
    session.execute(delete(Decision).where(Decision.submission_id == submission.id, Decision.revision == revision))
    written: dict[str, Decision] = {}

    def decide(proposal_id: str, action: str, prior: Prior) -> None:
        row = written.get(proposal_id)
        if row is None:
            row = Decision(submission_id=submission.id, revision=revision, proposal_id=proposal_id)
            written[proposal_id] = row
            session.add(row)
        row.action, row.reason_code = action, prior.reason_code
        row.actor_id, row.created_at = prior.actor_id, prior.decided_at
        row.mac = decision_mac(key, submission.id, revision, proposal_id, action)

    for ordinal, prior in planned.decisions.items():
        decide(ids[ordinal], prior.action, prior)
    carried = Counter(prior.action for prior in planned.decisions.values())
    existing = set(ids.values())
    ordinal = max(ids, default=-1)
    manual_added = 0
    for proposal, prior in planned.manual:
        if proposal.id not in existing:
            ordinal += 1
            session.add(seal_proposal(services.keys, key, submission.id, revision, ordinal, proposal.to_dict()))
            existing.add(proposal.id)
            manual_added += 1
        decide(proposal.id, "accept", prior)  # as when the reviewer asked: every occurrence goes
    session.flush()
    counts = {
        "from_revision": planned.previous.revision,
        "revision": revision,
        "decisions_carried": len(planned.decisions),
        "accepted": carried["accept"],
        "rejected": carried["reject"],
        "not_carried": planned.not_carried,
        "ambiguous": planned.ambiguous,
        "manual_texts": len(planned.previous.manual_texts),
        "manual_texts_not_found": planned.manual_texts_not_found,
        "manual_proposals": manual_added,
        "manual_boxes_dropped": planned.previous.manual_boxes,
        "carried_over": len(written),
        "open_proposals": count_open(session, submission),
    }
    audit.append(
        session,
        "review.carried_over",
        submission_id=submission.id,
        partnership_id=submission.partnership_id,
        details=counts,
    )
    return counts


def review_note(counts: dict[str, int]) -> str:
    """A sentence for the reviewer (counts only, never document text)."""
    previous = counts["from_revision"]
    note = (
        f"Revision {counts['revision']} of this draft: {_n(counts['carried_over'], 'decision')} carried over "
        f"from revision {previous} where the text and its context are unchanged; "
        f"{_n(counts['open_proposals'], 'proposal')} to decide."
    )
    if counts["manual_boxes_dropped"]:
        note += (
            f" {_n(counts['manual_boxes_dropped'], 'manual box', 'manual boxes')} drawn on revision {previous} "
            "not carried over (positions change between versions): draw them again where still needed."
        )
    if counts["manual_texts_not_found"]:
        note += (
            f" {_n(counts['manual_texts_not_found'], 'redaction')} of every occurrence of a text no longer "
            "found in the new version."
        )
    return note


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"
