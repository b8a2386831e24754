"""Non-publication requests: the partnership asks, the Panel decides, every step is audited, the free
text is sealed at rest, and "publish with further redaction" reopens the Secretariat's review."""

from __future__ import annotations

import json

from sqlalchemy import text

from intake.models import Submission
from tests.intake.reviewkit import audit_events, decide_all, post, post_manual, proposed_submission

GROUNDS = "Publication would let the Quennell sibling's new school identify her."
REASONS = "The Panel asks that the school and the street be removed before publication."


def _request(client, world, sid, who="uploader_a", **body):
    payload = {"category": "risk_to_sibling_safety", "grounds": GROUNDS, **body}
    return post(client, world, who, f"/submissions/{sid}/non-publication-requests", payload)


def test_the_partnership_asks_the_panel_decides_and_the_partnership_sees_the_outcome(client, world, services, database):
    sid = proposed_submission(client, world, services)
    created = _request(client, world, sid)
    assert created.status_code == 201 and created.get_json()["status"] == "open"
    rid = created.get_json()["id"]

    pending = client.get("/api/v1/non-publication-requests", headers=world.headers("panel")).get_json()["requests"]
    assert [(r["id"], r["grounds"]) for r in pending] == [(rid, GROUNDS)]

    decided = post(
        client,
        world,
        "panel",
        f"/non-publication-requests/{rid}/decision",
        {"outcome": "agree_not_to_publish", "reasons": REASONS, "letter_date": "2025-02-03"},
    )
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "decided"

    seen = client.get(f"/api/v1/submissions/{sid}/non-publication-requests", headers=world.headers("uploader_a"))
    [request] = seen.get_json()["requests"]
    assert request["outcome"] == "agree_not_to_publish"
    assert request["reasons"] == REASONS and request["letter_date"] == "2025-02-03"
    assert request["decided_by"] == world.accounts["panel"].user_id
    assert (
        client.get(
            f"/api/v1/submissions/{sid}/non-publication-requests", headers=world.headers("uploader_b")
        ).status_code
        == 404
    )

    again = post(
        client,
        world,
        "panel",
        f"/non-publication-requests/{rid}/decision",
        {"outcome": "publish_as_is", "reasons": "changed", "letter_date": "2025-02-04"},
    )
    assert again.status_code == 409

    events = audit_events(services, sid)
    asked = [json.loads(e.details) for e in events if e.action == "non_publication.requested"]
    answered = [json.loads(e.details) for e in events if e.action == "non_publication.decided"]
    assert asked == [{"category": "risk_to_sibling_safety", "request": rid}]
    assert answered[0]["outcome"] == "agree_not_to_publish" and answered[0]["letter_date"] == "2025-02-03"
    assert all("Quennell" not in e.details and "school" not in e.details for e in events)

    # the free text is ciphertext at rest
    with services.engine.connect() as connection:
        if database.schema:
            connection.execute(text(f'SET search_path TO "{database.schema}"'))
        row = connection.execute(text("SELECT grounds_enc, reasons_enc FROM non_publication_request")).one()
    assert b"Quennell" not in bytes(row[0]) and b"school" not in bytes(row[1])


def test_publish_with_further_redaction_reopens_an_approved_review(client, world, services):
    sid = proposed_submission(client, world, services)
    decide_all(client, world, sid)
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    rid = _request(client, world, sid).get_json()["id"]
    deferred = post(
        client,
        world,
        "reviewer",
        f"/non-publication-requests/{rid}/decision",
        {"outcome": "defer", "reasons": "Next meeting."},
    )
    assert deferred.status_code == 200 and deferred.get_json()["status"] == "deferred"
    decided = post(
        client,
        world,
        "panel",
        f"/non-publication-requests/{rid}/decision",
        {"outcome": "publish_with_further_redaction", "reasons": REASONS, "letter_date": "2025-02-03"},
    )
    assert decided.status_code == 200
    assert decided.get_json()["submission_status"] == "in_review"
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.status == "in_review"
        assert submission.completed_by is None and submission.approved_by is None
        assert "further redaction" in submission.review_note
    reopened = audit_events(services, sid, "review.reopened")
    assert [json.loads(e.details)["reason"] for e in reopened] == ["panel_further_redaction"]
    # the reviewer can add the redaction the Panel asked for and complete again
    more = post_manual(
        client, world, sid, [{"text": "Brindlecombe Primary", "reason_code": "identifies_child"}], services
    )
    assert more.status_code == 200 and more.get_json()["state"] == "done", more.get_json()
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200


def test_requests_and_decisions_are_validated(client, world, services):
    sid = proposed_submission(client, world, services)
    assert _request(client, world, sid, category="because").status_code == 400
    assert _request(client, world, sid, grounds="  ").status_code == 400
    assert _request(client, world, sid, who="reviewer").status_code == 403
    assert _request(client, world, sid, who="uploader_b").status_code == 404
    rid = _request(client, world, sid).get_json()["id"]
    path = f"/non-publication-requests/{rid}/decision"
    assert post(client, world, "panel", path, {"outcome": "shrug", "reasons": "r"}).status_code == 400
    assert (
        post(client, world, "panel", path, {"outcome": "publish_as_is", "reasons": "r"}).status_code == 400
    )  # no date
    bad_date = {"outcome": "publish_as_is", "reasons": "r", "letter_date": "3 Feb"}
    assert post(client, world, "panel", path, bad_date).status_code == 400
    ok = {"outcome": "publish_as_is", "reasons": "r", "letter_date": "2025-02-03"}
    assert post(client, world, "uploader_a", path, ok).status_code == 403
    assert post(client, world, "admin", path, ok).status_code == 403
    assert post(client, world, "panel", "/non-publication-requests/missing/decision", ok).status_code == 404
