"""finalise_submission with the real renderer and verifier: the accepted and manual redactions are gone
from the final PDF, the rejected ones and the neighbouring text survive, the result is stored encrypted,
and a verification failure sends the submission back to review with a reason."""

from __future__ import annotations

import json
from typing import Any

import pymupdf
import pytest
from sqlalchemy import func, select

from intake.models import DocumentVersion, Submission
from redaction.engine import RedactionEngine
from redaction.errors import VerificationFailed
from tests.intake.reviewkit import (
    audit_events,
    build_pdf,
    decide_all,
    pdf_text,
    post,
    post_manual,
    proposed_submission,
    report,
)
from worker.context import WorkerContext
from worker.jobs import finalise_submission


class _NoNer:
    """Finalising renders and verifies; it never detects, so the NLP model is not loaded here."""


@pytest.fixture(scope="module")
def engine() -> RedactionEngine:
    return RedactionEngine(ocr=False, detector=_NoNer())  # type: ignore[arg-type]


def _approved(client: Any, world: Any, services: Any) -> str:
    sid = proposed_submission(client, world, services)
    assert decide_all(client, world, sid, reject=("Oakhaven Clinic",)).status_code == 200
    with pymupdf.open(stream=build_pdf(), filetype="pdf") as doc:
        [box] = doc[0].search_for("Ms Faircloth")
    manual = [
        {
            "page": 0,
            "rect": [box.x0 - 1, box.y0 - 1, box.x1 + 1, box.y1 + 1],
            "reason_code": "identifies_practitioner",
        },
        {"text": "Brindlecombe Primary", "reason_code": "identifies_child"},
    ]
    assert post_manual(client, world, sid, manual, services).get_json()["state"] == "done"
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    return sid


def _final(client: Any, world: Any, sid: str, who: str = "uploader_a") -> bytes:
    response = client.get(f"/api/v1/submissions/{sid}/final.pdf", headers=world.headers(who))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    return bytes(response.data)


def test_when_finalised_then_accepted_and_manual_texts_are_gone_and_rejected_ones_kept(
    client, world, services, settings, engine
):
    sid = _approved(client, world, services)
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=engine))
    assert result["outcome"] == "approved", result

    final = _final(client, world, sid)
    assert final == _final(client, world, sid, who="reviewer")
    with pymupdf.open(stream=final, filetype="pdf") as doc:
        first, second = (" ".join(page.get_text().split()) for page in doc)
    everything = pdf_text(final)
    for gone in ("Tyler Quennell", "Marisol Quennell", "Larkspur Mews", "Brindlecombe"):
        assert gone not in everything
    assert "Faircloth" not in first and "Faircloth" in second  # the box was drawn on page 1 only
    for kept in ("Oakhaven Clinic", "health visitor", "Neighbours described the flat as cold", "in March"):
        assert kept in first and kept in second

    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.status == "approved" and submission.review_note is None
        finals = session.scalars(
            select(DocumentVersion).where(DocumentVersion.submission_id == sid, DocumentVersion.role == "final")
        ).all()
        assert len(finals) == 1
    stored = b"".join(p.read_bytes() for p in settings.storage_dir.rglob("*") if p.is_file())
    assert b"%PDF" not in stored and b"Oakhaven" not in stored, "documents must be encrypted at rest"

    [event] = audit_events(services, sid, "review.finalised")
    details = json.loads(event.details)
    assert details["final"] == finals[0].id and details["kept"] > 0 and details["undecided"] == 0
    assert "Quennell" not in event.details

    again = finalise_submission(sid, context=WorkerContext(services=services, engine=engine))
    assert again["outcome"] == "not_approving"
    assert len(audit_events(services, sid, "review.finalised")) == 1


class _FailingEngine:
    def render_with_report(self, data: bytes, proposals: Any, **_options: Any) -> Any:
        raise VerificationFailed("survived", survivors=[("body", "PERSON_CHILD"), ("metadata", "PERSON_CHILD")])


def test_when_verification_fails_then_the_submission_goes_back_to_review_with_a_reason(client, world, services):
    sid = _approved(client, world, services)
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=_FailingEngine()))
    assert result["outcome"] == "returned_to_review"
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.status == "in_review"
        assert submission.completed_by is None and submission.approved_by is None
        assert "survived in: body text (PERSON_CHILD); document metadata (PERSON_CHILD)" in submission.review_note
        assert (
            session.scalar(select(func.count()).select_from(DocumentVersion).where(DocumentVersion.role == "final"))
            == 0
        )
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
    assert detail["status"] == "in_review" and detail["review_note"]
    [event] = audit_events(services, sid, "review.reopened")
    assert json.loads(event.details)["reason"] == "verification_failed" and event.actor_role == "system"
    assert client.get(f"/api/v1/submissions/{sid}/final.pdf", headers=world.headers("uploader_a")).status_code == 409


def test_when_the_panel_asks_for_more_redaction_after_approval_then_the_final_is_replaced(
    client, world, services, engine
):
    sid = _approved(client, world, services)
    context = WorkerContext(services=services, engine=engine)
    assert finalise_submission(sid, context=context)["outcome"] == "approved"
    rid = post(
        client,
        world,
        "uploader_a",
        f"/submissions/{sid}/non-publication-requests",
        {"category": "identifiability", "grounds": "The flat can be recognised."},
    ).get_json()["id"]
    decided = post(
        client,
        world,
        "panel",
        f"/non-publication-requests/{rid}/decision",
        {"outcome": "publish_with_further_redaction", "reasons": "Remove the flat.", "letter_date": "2025-03-03"},
    )
    assert decided.get_json()["submission_status"] == "in_review"
    more = [{"text": "the flat as cold", "reason_code": "intimate_personal_detail"}]
    assert post_manual(client, world, sid, more, services).get_json()["state"] == "done"
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    assert finalise_submission(sid, context=context)["outcome"] == "approved"
    text = pdf_text(_final(client, world, sid))
    assert "the flat as cold" not in text and "Neighbours described" in text and "Oakhaven Clinic" in text
    with services.sessions() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(DocumentVersion)
                .where(DocumentVersion.submission_id == sid, DocumentVersion.role == "final")
            )
            == 1
        )


class _IncompleteEngine:
    """The real engine, whose verification reports a layer that did not run (the second parser timed
    out, or another ``warning``): everything else is real."""

    def __init__(self, inner: RedactionEngine, warning: str = "second parser (pypdf) timed out") -> None:
        self.inner = inner
        self.warning = warning

    def render_with_report(self, data: bytes, proposals: Any, **options: Any) -> Any:
        output, _complete = self.inner.render_with_report(data, proposals, **options)
        return output, report(pages=2, warnings=(self.warning,))


def test_when_a_verification_layer_did_not_run_then_the_final_is_held_until_a_secretariat_override(
    client, world, services, engine
):
    sid = _approved(client, world, services)
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=_IncompleteEngine(engine)))
    assert result == {"submission_id": sid, "outcome": "held", "reason": "verification_incomplete"}
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
    assert detail["status"] == "in_review" and not detail["verification_hold_overridden"]
    assert "second parser (pypdf) timed out" in detail["verification_hold"]
    with services.sessions() as session:
        finals = session.scalar(
            select(func.count()).select_from(DocumentVersion).where(DocumentVersion.role == "final")
        )
        assert finals == 0  # nothing stored, nothing handed over

    # approval is blocked until a Secretariat user overrides the hold with a reason
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    refused = post(client, world, "approver", f"/submissions/{sid}/approve")
    assert refused.status_code == 409 and "override" in refused.get_json()["message"]
    path = f"/submissions/{sid}/verification-hold/override"
    assert post(client, world, "reviewer", path, {"reason": "short"}).status_code == 400
    assert post(client, world, "uploader_a", path, {"reason": "Checked every page by eye"}).status_code == 403
    overridden = post(client, world, "approver", path, {"reason": "Checked every page by eye; nothing survives"})
    assert overridden.status_code == 200, overridden.get_json()
    hold = overridden.get_json()["verification_hold"]
    assert hold["overridden"]["by"] == world.accounts["approver"].user_id
    assert hold["overridden"]["reason"] == "Checked every page by eye; nothing survives"
    assert post(client, world, "approver", path, {"reason": "Checked every page by eye again"}).status_code == 409
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert b"Checked every page" not in submission.hold_override_enc  # sealed
    [event] = audit_events(services, sid, "review.verification_hold_overridden")
    assert json.loads(event.details) == {"revision": 1} and event.actor_id == world.accounts["approver"].user_id

    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=_IncompleteEngine(engine)))
    assert result["outcome"] == "approved"
    [finalised] = audit_events(services, sid, "review.finalised")
    assert json.loads(finalised.details)["verification_incomplete_overridden"] is True


def test_an_override_covers_its_own_hold_not_another_layer_failing_later(client, world, services, engine):
    sid = _approved(client, world, services)
    assert (
        finalise_submission(sid, context=WorkerContext(services=services, engine=_IncompleteEngine(engine)))["outcome"]
        == "held"
    )
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    path = f"/submissions/{sid}/verification-hold/override"
    assert post(client, world, "approver", path, {"reason": "Checked every page by eye; nothing"}).status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    other = _IncompleteEngine(engine, warning="OCR failed on page 2")  # a different layer, not checked by anyone
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=other))
    assert result["outcome"] == "held"
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
    assert "OCR failed" in detail["verification_hold"] and not detail["verification_hold_overridden"]


def test_when_a_decision_is_flipped_in_the_database_then_nothing_is_published(
    client, world, services, settings, engine
):
    """A database writer turns an accepted redaction into a rejected one (the name would be published):
    the decision no longer carries its authentication code, so finalise refuses and the review reopens."""
    from intake.models import Decision

    sid = _approved(client, world, services)
    with services.sessions() as session, session.begin():
        accepted = session.scalars(
            select(Decision).where(Decision.submission_id == sid, Decision.action == "accept")
        ).first()
        accepted.action = "reject"
    result = finalise_submission(sid, context=WorkerContext(services=services, engine=engine))
    assert result["outcome"] == "returned_to_review" and result["reason"] == "decisions_tampered"
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.status == "in_review" and "authentication code" in submission.review_note
        finals = session.scalar(
            select(func.count())
            .select_from(DocumentVersion)
            .where(DocumentVersion.submission_id == sid, DocumentVersion.role == "final")
        )
        assert finals == 0


def test_every_recorded_decision_carries_a_valid_authentication_code(client, world, services):
    from intake.models import Decision
    from intake.storage.fields import decision_authentic

    sid = _approved(client, world, services)
    with services.sessions() as session:
        key = services.keys.fields_key(session, sid)
        rows = session.scalars(select(Decision).where(Decision.submission_id == sid)).all()
        assert rows and all(decision_authentic(key, row) for row in rows)
