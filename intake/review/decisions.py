"""Decisions on proposals and manual redactions, recorded in batches, all or nothing. No Flask.

Manual redactions (a box drawn on a page, or every occurrence of a text) become proposals with
``source == "manual"``, sealed under the submission's fields key exactly like the machine's, plus an
``accept`` decision carrying the reviewer's reason code. The document is decrypted in memory only.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import Decision, ProposalRecord, Submission, utcnow
from intake.review.proposals import count_open, decisions_by_proposal, proposal_rows
from intake.review.workflow import ReviewError, ReviewStateError, load_submission, lock, ocr_engine
from intake.services import Services
from intake.states import DECIDABLE, ReasonCode, Status
from intake.storage.documents import load_original
from intake.storage.fields import seal_proposal
from redaction import screen
from redaction.errors import UnsupportedDocumentError

log = logging.getLogger("safepub.review")

DECISIONS = ("accept", "reject")
MAX_BATCH = 5000
MAX_MANUAL_TEXT = 200


@dataclass(frozen=True)
class Applied:
    applied: int
    manual_ids: list[str]
    open_proposals: int
    status: str


def _reason(value: Any) -> str:
    if value not in list(ReasonCode):
        raise ReviewError(f"reason_code must be one of {', '.join(ReasonCode)}")
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
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.DECIDE, "only a secretariat_reviewer can record review decisions")
        lock(session, submission)
        if submission.status not in DECIDABLE:
            raise ReviewStateError(f"decisions cannot be changed while the submission is {submission.status}")
        rows = {row.proposal_id: row for row in proposal_rows(session, submission)}
        unknown = [pid for pid, _d, _r in parsed if pid not in rows]
        if unknown:
            raise ReviewError(f"unknown proposal ids: {', '.join(sorted(unknown)[:10])}")
        current = decisions_by_proposal(session, submission)
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
            if submission.status == Status.PROPOSED:
                submission.status = Status.IN_REVIEW
        session.flush()
        result = Applied(len(parsed) + len(manual_ids), manual_ids, count_open(session, submission), submission.status)
    log.info("review decisions", extra={"submission_id": submission_id, "applied": result.applied})
    return result


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
    data = load_original(services.keys, services.store, session, submission)
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
                found = [screen.manual_box(data, item["page"], item["rect"])]
            else:
                found = screen.find_occurrences(data, item["text"], ocr=ocr_engine(services.settings))
        except UnsupportedDocumentError as exc:
            raise ReviewError(str(exc)) from None
        if not found:
            raise ReviewError("that text does not occur in the document")
        added = []
        for proposal in found:
            if proposal.id not in rows:
                ordinal += 1
                record = seal_proposal(
                    services.keys, key, submission.id, submission.revision, ordinal, proposal.to_dict()
                )
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
