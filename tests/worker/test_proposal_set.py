"""A database writer deletes a proposal together with its decision (raw SQL, SQLite and PostgreSQL): the
name is then in no redaction set, and before the sealed proposal set finalise published it. Now finalise
and approval compare the rows with the set SafePub wrote and send the review back, text-free, audited."""

from __future__ import annotations

import json
from typing import Any

import pymupdf
import pytest
from sqlalchemy import func, select, text

from intake.models import DocumentVersion, ProposalRecord, Submission
from intake.review.approval import publication_set
from redaction.engine import RedactionEngine
from tests.intake.reviewkit import (
    audit_events,
    build_pdf,
    decide_all,
    pdf_text,
    post,
    post_manual,
    proposals,
    proposed_submission,
)
from worker.context import WorkerContext
from worker.jobs import finalise_submission


class _NoNer:
    """Finalising renders and verifies; it never detects."""


@pytest.fixture(scope="module")
def engine() -> RedactionEngine:
    return RedactionEngine(ocr=False, detector=_NoNer())  # type: ignore[arg-type]


def _completed(client: Any, world: Any, services: Any) -> str:
    sid = proposed_submission(client, world, services)
    assert decide_all(client, world, sid, reject=("Oakhaven Clinic",)).status_code == 200
    manual = [{"text": "Brindlecombe Primary", "reason_code": "identifies_child"}]
    assert post_manual(client, world, sid, manual, services).get_json()["state"] == "done"
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    return sid


def _delete_pair(services: Any, sid: str, proposal_id: str) -> None:
    """What a database writer would do: the proposal row and its decision row, by plain SQL."""
    with services.engine.begin() as connection:
        if services.settings.database_schema:
            connection.execute(text(f'SET search_path TO "{services.settings.database_schema}"'))
        params = {"sid": sid, "pid": proposal_id}
        connection.execute(text("DELETE FROM decision WHERE submission_id = :sid AND proposal_id = :pid"), params)
        deleted = connection.execute(
            text("DELETE FROM proposal WHERE submission_id = :sid AND proposal_id = :pid"), params
        )
        assert deleted.rowcount == 1


def _ids_of(client: Any, world: Any, sid: str, wanted: str) -> list[str]:
    """Every machine proposal of ``wanted`` (all accepted by the reviewer): deleting them all leaves the
    text in no redaction set, so verification no longer asks for it either."""
    ids = [str(p["id"]) for p in proposals(client, world, sid) if p["text"] == wanted and p["source"] != "manual"]
    assert ids, wanted
    return ids


def _finals(services: Any, sid: str) -> int:
    with services.sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(DocumentVersion)
                .where(DocumentVersion.submission_id == sid, DocumentVersion.role == "final")
            )
        )


def test_when_an_accepted_proposal_is_deleted_with_its_decision_then_finalise_publishes_nothing(
    client, world, services, engine
):
    sid = _completed(client, world, services)
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    for pid in _ids_of(client, world, sid, "Tyler Quennell"):
        _delete_pair(services, sid, pid)
    with services.sessions() as session:  # the name is now in no redaction set: without the check, published
        chosen = publication_set(services, session, session.get(Submission, sid))
        assert chosen.redact and all(p.text != "Tyler Quennell" for p in chosen.redact)
        assert not chosen.tampered and not chosen.proposals.ok

    result = finalise_submission(sid, context=WorkerContext(services=services, engine=engine))
    assert result["outcome"] == "returned_to_review" and result["reason"] == "proposals_tampered"
    assert _finals(services, sid) == 0
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.status == "in_review"
        assert " missing" in submission.review_note and "Quennell" not in submission.review_note
    [reopened] = audit_events(services, sid, "review.reopened")
    assert json.loads(reopened.details) == {"reason": "proposals_tampered", "revision": 1}


def test_when_the_pair_is_deleted_before_approval_then_approval_refuses_and_the_review_reopens(client, world, services):
    sid = _completed(client, world, services)
    _delete_pair(services, sid, _ids_of(client, world, sid, "Marisol Quennell")[0])
    response = post(client, world, "approver", f"/submissions/{sid}/approve")
    assert response.status_code == 409 and "outside SafePub" in response.get_json()["message"]
    with services.sessions() as session:
        assert session.get(Submission, sid).status == "in_review"
    [reopened] = audit_events(services, sid, "review.reopened")
    assert json.loads(reopened.details)["reason"] == "proposals_tampered"


def test_an_older_seal_written_back_with_a_manual_redaction_deleted_is_caught_by_the_audit_trail(
    client, world, services, engine
):
    """The set before the manual redaction is a valid seal of the same revision; written back together
    with the deletion of the manual proposal and its decision, rows and seal agree. The manual
    redaction's ids are in its audit event, so finalise still refuses."""
    sid = proposed_submission(client, world, services)
    with services.sessions() as session:
        before = session.get(Submission, sid).proposal_set_enc
    assert decide_all(client, world, sid).status_code == 200
    manual = [{"text": "Brindlecombe Primary", "reason_code": "identifies_child"}]
    assert post_manual(client, world, sid, manual, services).get_json()["state"] == "done"
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    with services.sessions() as session, session.begin():
        manual_ids = session.scalars(
            select(ProposalRecord.proposal_id).where(
                ProposalRecord.submission_id == sid, ProposalRecord.source == "manual"
            )
        ).all()
        assert manual_ids
        session.get(Submission, sid).proposal_set_enc = before
    for pid in manual_ids:
        _delete_pair(services, sid, pid)
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=engine))
    assert result["reason"] == "proposals_tampered" and _finals(services, sid) == 0


def test_a_revision_without_a_sealed_set_is_not_published(client, world, services, engine):
    """A nulled (or pre-0009) set cannot vouch for the rows: fail closed."""
    sid = _completed(client, world, services)
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    with services.sessions() as session, session.begin():
        session.get(Submission, sid).proposal_set_enc = None
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=engine))
    assert result["reason"] == "proposals_tampered"
    with services.sessions() as session:
        assert "no sealed record" in session.get(Submission, sid).review_note


def test_when_nothing_was_deleted_then_the_sealed_set_matches_and_the_final_is_made(client, world, services, engine):
    """The control: the same review, untouched, is published with the manual redaction applied."""
    sid = _completed(client, world, services)
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=engine))
    assert result["outcome"] == "approved", result
    final = client.get(f"/api/v1/submissions/{sid}/final.pdf", headers=world.headers("reviewer")).data
    everything = pdf_text(final)
    assert "Tyler Quennell" not in everything and "Brindlecombe" not in everything
    with pymupdf.open(stream=build_pdf(), filetype="pdf") as original:
        assert "Tyler Quennell" in original[0].get_text()


def test_a_review_processed_before_migration_0009_is_recorded_by_the_upgrade_command_then_published(
    client, world, services, engine
):
    """`safepub submissions seal-proposals` after the upgrade: reviews without a set get one (audited), and
    then approve and publish as usual."""
    from intake.audit import Actor
    from intake.review.proposals import seal_unrecorded
    from tests.intake.reviewkit import audit_events

    sid = _completed(client, world, services)
    with services.sessions() as session, session.begin():
        session.get(Submission, sid).proposal_set_enc = None  # as a review processed before 0009
    assert seal_unrecorded(services, Actor(None, "operator")) == 1
    assert seal_unrecorded(services, Actor(None, "operator")) == 0  # nothing left to record
    [event] = audit_events(services, sid, "proposals.recorded_at_upgrade")
    assert event.actor_role == "operator"
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    assert finalise_submission(sid, context=WorkerContext(services=services, engine=engine))["outcome"] == "approved"
