"""Decisions on proposals and manual redactions, recorded in batches, all or nothing. No Flask.

Manual redactions (a box drawn on a page, or every occurrence of a text) become proposals with
``source == "manual"``, sealed under the submission's fields key exactly like the machine's, plus an
``accept`` decision carrying the reviewer's reason code.

Locating them parses the document, which the web process never does (issue 11): a batch with manual
redactions becomes a :class:`ScreenTask` (the request sealed, since it may hold a text to find), queued
for the worker, and the API answers 202 with the task's id for the page to poll (:func:`task_status`).
The worker locates the proposals with the engine, holding no lock and no transaction, then records the
whole batch here (:func:`record_task`) under the submission's lock, after checking that the submission
is still the same revision and still open to decisions.
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
from intake.accounts.auth import Principal, actor_of, principal_of
from intake.models import Decision, ProposalRecord, ScreenTask, Submission, User, new_id, utcnow
from intake.review.proposals import count_open, decisions_by_proposal, extend_written_set, proposal_rows
from intake.review.workflow import ReviewError, ReviewStateError, load_submission, lock
from intake.services import Services
from intake.states import DECIDABLE, ReasonCode, Status, is_paged
from intake.storage.crypto import DataKey
from intake.storage.fields import decision_mac, open_json, seal_json, seal_proposal
from redaction.types import Proposal

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
    #: a batch with manual redactions waits for the worker: poll this task (the other fields are then 0/[])
    task_id: str | None = None


class TaskFailed(ReviewError):
    """The worker could not record a manual redaction task; ``code`` is the API's error code."""

    def __init__(self, message: str, code: str = "invalid_review") -> None:
        super().__init__(message)
        self.code = code


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
    """Record a batch of decisions, all or nothing; a batch with manual redactions is queued for the
    worker instead (see the module docstring) and recorded, still all or nothing, once located."""
    parsed = _parse_decisions(decisions)
    boxes_and_texts = _parse_manual(manual)
    if len(parsed) + len(boxes_and_texts) > MAX_BATCH:
        raise ReviewError(f"at most {MAX_BATCH} decisions per request")
    if boxes_and_texts:
        return _queue_task(services, principal, submission_id, parsed, boxes_and_texts)
    with services.sessions() as session, session.begin():
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.DECIDE, "only a secretariat_reviewer can record review decisions")
        lock(session, submission)
        result = _record(services, session, submission, principal, parsed, [])
    log.info("review decisions", extra={"submission_id": submission_id, "applied": result.applied})
    return result


def _check(session: Session, submission: Submission, parsed: list[tuple[str, str, str]]) -> dict[str, ProposalRecord]:
    if submission.status not in DECIDABLE:
        raise ReviewStateError(f"decisions cannot be changed while the submission is {submission.status}")
    rows = {row.proposal_id: row for row in proposal_rows(session, submission)}
    unknown = [pid for pid, _d, _r in parsed if pid not in rows]
    if unknown:
        raise ReviewError(f"unknown proposal ids: {', '.join(sorted(unknown)[:10])}")
    return rows


def _record(
    services: Services,
    session: Session,
    submission: Submission,
    principal: Principal,
    parsed: list[tuple[str, str, str]],
    located: list[tuple[dict[str, Any], list[Proposal]]],
) -> Applied:
    """Write a batch (the caller holds the lock): decisions, then the located manual redactions."""
    rows = _check(session, submission, parsed)
    current = decisions_by_proposal(session, submission)
    actor = actor_of(principal)
    fields_key = services.keys.fields_key(session, submission.id)
    for pid, action, reason in parsed:
        _decide(session, submission, current, pid, action, reason, principal.user_id, fields_key)
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
    manual_ids = _add_manual(services, session, submission, rows, current, located, principal) if located else []
    if (parsed or manual_ids) and submission.status == Status.PROPOSED:
        submission.status = Status.IN_REVIEW
    session.flush()
    return Applied(len(parsed) + len(manual_ids), manual_ids, count_open(session, submission), submission.status)


def _queue_task(
    services: Services,
    principal: Principal,
    submission_id: str,
    parsed: list[tuple[str, str, str]],
    items: list[dict[str, Any]],
) -> Applied:
    with services.sessions() as session, session.begin():
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.DECIDE, "only a secretariat_reviewer can record review decisions")
        _check(session, submission, parsed)
        if not is_paged(submission.document_kind) and any(i["kind"] == "box" for i in items):
            raise ReviewError("boxes can only be drawn on PDF documents")
        task = ScreenTask(
            id=new_id(),
            submission_id=submission.id,
            revision=submission.revision,
            actor_id=principal.user_id,
            state="queued",
        )
        key = services.keys.fields_key(session, submission.id)
        request = {"decisions": [list(d) for d in parsed], "manual": items}
        task.request_enc = seal_json(services.keys, key, submission.id, "screen_task", request, task.id)
        session.add(task)
        applied = Applied(0, [], count_open(session, submission), submission.status, task.id)
    if services.jobs.manual(task.id) is None:
        fail_task(services, task.id, "the redaction could not be queued; try again in a moment", "unavailable")
    log.info("manual redactions queued", extra={"submission_id": submission_id, "task": task.id})
    return applied


def task_request(services: Services, task_id: str) -> tuple[ScreenTask, list[dict[str, Any]]] | None:
    """For the worker: a queued task and its manual items (plaintext, worker memory only)."""
    with services.sessions() as session:
        task = session.get(ScreenTask, task_id)
        if task is None or task.state != "queued":
            return None
        submission = session.get(Submission, task.submission_id)
        if submission is None or submission.purged_at is not None:
            _finish(task, "failed", error="this submission has been purged", code="purged")
            session.commit()
            return None
        key = services.keys.fields_key(session, task.submission_id)
        request = open_json(services.keys, key, task.submission_id, "screen_task", task.request_enc, task.id)
        session.expunge(task)
    return task, list(request["manual"])


def record_task(services: Services, task_id: str, located: list[list[Proposal]]) -> dict[str, Any]:
    """For the worker: record a task's batch with the proposals it located (one list per manual item),
    under the submission's lock, if the submission is still the same revision and open to decisions."""
    with services.sessions() as session, session.begin():
        task = session.get(ScreenTask, task_id)
        if task is None or task.state != "queued":
            return {"task_id": task_id, "outcome": "nothing_to_do"}
        submission = session.get(Submission, task.submission_id)
        user = session.get(User, task.actor_id)
        assert submission is not None and user is not None
        lock(session, submission)
        if submission.purged_at is not None:
            _finish(task, "failed", error="this submission has been purged", code="purged")
            return {"task_id": task_id, "outcome": "failed"}
        key = services.keys.fields_key(session, submission.id)
        request = open_json(services.keys, key, submission.id, "screen_task", task.request_enc, task.id)
        parsed = [(str(p), str(a), str(r)) for p, a, r in request["decisions"]]
        items = list(request["manual"])
        try:
            if submission.revision != task.revision:
                raise ReviewStateError("the submission changed while the redaction was being located; try again")
            if not user.active or not access.may(principal_of(user), access.Action.DECIDE):
                raise ReviewStateError("the reviewer may no longer record decisions")
            with session.begin_nested():
                applied = _record(
                    services, session, submission, principal_of(user), parsed, list(zip(items, located, strict=True))
                )
        except ReviewError as exc:
            code = "conflict" if isinstance(exc, ReviewStateError) else "invalid_review"
            _finish(task, "failed", error=str(exc), code=code)
            return {"task_id": task_id, "outcome": "failed"}
        result = {
            "applied": applied.applied,
            "manual_ids": applied.manual_ids,
            "open_proposals": applied.open_proposals,
            "status": str(applied.status),
        }
        task.result_enc = seal_json(services.keys, key, submission.id, "screen_task_result", result, task.id)
        _finish(task, "done")
    log.info("manual redactions recorded", extra={"submission_id": task.submission_id, "applied": applied.applied})
    return {"task_id": task_id, "outcome": "done", "applied": applied.applied}


def fail_task(services: Services, task_id: str, message: str, code: str = "invalid_review") -> None:
    """For the worker (and a queue outage): a task that cannot be done, with a text-free reason."""
    with services.sessions() as session, session.begin():
        task = session.get(ScreenTask, task_id)
        if task is not None and task.state == "queued":
            _finish(task, "failed", error=message, code=code)


def _finish(task: ScreenTask, state: str, *, error: str | None = None, code: str | None = None) -> None:
    task.state, task.error, task.error_code, task.finished_at = state, error, code, utcnow()


def task_status(services: Services, principal: Principal, submission_id: str, task_id: str) -> dict[str, Any]:
    """What the review screen polls: ``queued``, ``done`` with the batch's result, or ``failed`` with the
    error code and a message written for the reviewer (never document text)."""
    with services.sessions() as session:
        submission = load_submission(session, principal, submission_id, "proposals")
        access.require(principal, access.Action.DECIDE, "only a secretariat_reviewer records review decisions")
        task = session.get(ScreenTask, task_id)
        if task is None or task.submission_id != submission.id:
            raise access.NotFound()
        status: dict[str, Any] = {"task_id": task.id, "state": task.state}
        if task.state == "done" and task.result_enc is not None:
            key = services.keys.fields_key(session, submission.id)
            status.update(open_json(services.keys, key, submission.id, "screen_task_result", task.result_enc, task.id))
        elif task.state == "failed":
            status.update(error=task.error_code or "invalid_review", message=task.error or "failed")
        return status


def _decide(
    session: Session,
    submission: Submission,
    current: dict[str, Decision],
    proposal_id: str,
    action: str,
    reason: str,
    user_id: str,
    key: DataKey,
) -> None:
    row = current.get(proposal_id)
    if row is None:
        row = Decision(submission_id=submission.id, revision=submission.revision, proposal_id=proposal_id)
        session.add(row)
        current[proposal_id] = row
    row.action, row.reason_code, row.actor_id, row.created_at = action, reason, user_id, utcnow()
    row.mac = decision_mac(key, submission.id, submission.revision, proposal_id, action)


def _add_manual(
    services: Services,
    session: Session,
    submission: Submission,
    rows: dict[str, ProposalRecord],
    current: dict[str, Decision],
    located: list[tuple[dict[str, Any], list[Proposal]]],
    principal: Principal,
) -> list[str]:
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
    written: list[ProposalRecord] = []
    for item, found in located:
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
                written.append(record)
            _decide(session, submission, current, proposal.id, "accept", item["reason"], principal.user_id, key)
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
    extend_written_set(services, submission, key, written)  # finalise checks the rows against it
    return ids
