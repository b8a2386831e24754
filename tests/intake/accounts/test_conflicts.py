"""Conflicts of interest: a declared interest makes the submission disappear for that user (404 on the
API and the pages, absent from lists) and every attempt is audited."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from intake.models import ConflictOfInterest
from tests.intake.reviewkit import audit_events, decide_all, post, proposed_submission


def _login(client, account):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": account.email, "password": account.password, "csrf_token": token})
    assert response.status_code == 302


def test_when_a_reviewer_declares_an_interest_in_a_partnership_then_its_submissions_are_404_and_audited(
    app, client, world, services
):
    sid = proposed_submission(client, world, services)
    declared = post(client, world, "reviewer", "/conflicts", {"partnership_id": world.partnerships["A"]})
    assert declared.status_code == 201
    again = post(client, world, "reviewer", "/conflicts", {"partnership_id": world.partnerships["A"]})
    assert again.status_code == 200 and again.get_json()["id"] == declared.get_json()["id"]

    headers = world.headers("reviewer")
    attempts = [
        client.get(f"/api/v1/submissions/{sid}", headers=headers),
        client.get(f"/api/v1/submissions/{sid}/proposals", headers=headers),
        client.get(f"/api/v1/submissions/{sid}/original.pdf", headers=headers),
        client.get(f"/api/v1/submissions/{sid}/pages", headers=headers),
        client.get(f"/api/v1/submissions/{sid}/pages/0.png", headers=headers),
        post(client, world, "reviewer", f"/submissions/{sid}/complete"),
        post(
            client,
            world,
            "reviewer",
            f"/submissions/{sid}/decisions",
            {"manual": [{"text": "Larkspur Mews", "reason_code": "identifies_family_member"}]},
        ),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    assert all(r.get_json() == {"error": "not_found", "message": "no such submission"} for r in attempts)
    # the page as well, through the session cookie
    page_client = app.test_client()
    _login(page_client, world.accounts["reviewer"])
    assert page_client.get(f"/submissions/{sid}").status_code == 404

    refusals = audit_events(services, sid, "conflict.access_refused")
    assert len(refusals) == len(attempts) + 1
    assert {e.actor_id for e in refusals} == {world.accounts["reviewer"].user_id}
    assert all(json.loads(e.details) == {} for e in refusals)
    assert len(audit_events(services, None, "conflict.declared")) == 1

    # and it is gone from every list
    listed = client.get("/api/v1/submissions", headers=headers).get_json()["submissions"]
    assert sid not in [s["id"] for s in listed]
    queue = client.get("/api/v1/review/queue", headers=headers).get_json()["submissions"]
    assert sid not in [s["id"] for s in queue]
    # colleagues without the interest are unaffected
    assert client.get(f"/api/v1/submissions/{sid}", headers=world.headers("approver")).status_code == 200
    assert sid in [
        s["id"] for s in client.get("/api/v1/review/queue", headers=world.headers("approver")).get_json()["submissions"]
    ]


def test_when_an_approver_declares_an_interest_in_one_submission_then_they_cannot_approve_it(client, world, services):
    sid = proposed_submission(client, world, services)
    other = proposed_submission(client, world, services)
    decide_all(client, world, sid)
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert post(client, world, "approver", "/conflicts", {"submission_id": sid}).status_code == 201
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 404
    assert client.get(f"/api/v1/submissions/{other}", headers=world.headers("approver")).status_code == 200
    assert [e.actor_id for e in audit_events(services, sid, "conflict.access_refused")] == [
        world.accounts["approver"].user_id
    ]
    mine = client.get("/api/v1/conflicts", headers=world.headers("approver")).get_json()["conflicts"]
    assert [c["submission_id"] for c in mine] == [sid]


def test_when_a_panel_member_is_conflicted_then_they_cannot_decide_a_non_publication_request(client, world, services):
    sid = proposed_submission(client, world, services)
    created = post(
        client,
        world,
        "uploader_a",
        f"/submissions/{sid}/non-publication-requests",
        {"category": "other", "grounds": "g"},
    )
    assert created.status_code == 201
    assert post(client, world, "panel", "/conflicts", {"partnership_id": world.partnerships["A"]}).status_code == 201
    decision = post(
        client,
        world,
        "panel",
        f"/non-publication-requests/{created.get_json()['id']}/decision",
        {"outcome": "publish_as_is", "reasons": "r", "letter_date": "2025-01-10"},
    )
    assert decision.status_code == 404
    pending = client.get("/api/v1/non-publication-requests", headers=world.headers("panel")).get_json()["requests"]
    assert pending == []


def test_when_a_member_withdraws_a_declaration_then_access_returns_only_after_the_secretariat_approves(
    client, world, services
):
    sid = proposed_submission(client, world, services)
    conflict = post(client, world, "panel", "/conflicts", {"submission_id": sid}).get_json()["id"]
    assert client.get(f"/api/v1/submissions/{sid}", headers=world.headers("panel")).status_code == 404
    requested = post(client, world, "panel", f"/conflicts/{conflict}/withdraw")
    assert requested.status_code == 202 and requested.get_json()["status"] == "withdrawal_requested"
    # still conflicted: the member cannot regain access on their own
    assert client.get(f"/api/v1/submissions/{sid}", headers=world.headers("panel")).status_code == 404
    assert post(client, world, "panel", f"/conflicts/{conflict}/approve-withdrawal").status_code == 403
    pending = client.get("/api/v1/conflicts/pending-withdrawals", headers=world.headers("reviewer")).get_json()
    assert [w["id"] for w in pending["withdrawals"]] == [conflict]
    assert post(client, world, "reviewer", f"/conflicts/{conflict}/approve-withdrawal").status_code == 200
    assert client.get(f"/api/v1/submissions/{sid}", headers=world.headers("panel")).status_code == 200
    with services.sessions() as session:
        record = session.scalars(select(ConflictOfInterest)).one()
        assert record.withdrawn_at is not None and record.withdrawal_approved_by == world.accounts["reviewer"].user_id
    assert [e for e in audit_events(services) if e.action == "conflict.withdrawn"][0].actor_id == (
        world.accounts["reviewer"].user_id
    )


def test_a_secretariat_user_cannot_approve_the_withdrawal_of_their_own_declaration(client, world, services):
    sid = proposed_submission(client, world, services)
    conflict = post(client, world, "reviewer", "/conflicts", {"submission_id": sid}).get_json()["id"]
    post(client, world, "reviewer", f"/conflicts/{conflict}/withdraw")
    own = client.get("/api/v1/conflicts/pending-withdrawals", headers=world.headers("reviewer")).get_json()
    assert own["withdrawals"] == []
    assert post(client, world, "reviewer", f"/conflicts/{conflict}/approve-withdrawal").status_code == 400
    assert client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).status_code == 404


def test_declarations_are_validated(client, world, services):
    assert (
        post(client, world, "uploader_a", "/conflicts", {"partnership_id": world.partnerships["B"]}).status_code == 403
    )
    assert post(client, world, "panel", "/conflicts", {}).status_code == 400
    assert post(client, world, "panel", "/conflicts", {"partnership_id": "x", "submission_id": "y"}).status_code == 400
    assert post(client, world, "panel", "/conflicts", {"partnership_id": "missing"}).status_code == 400
    assert post(client, world, "panel", "/conflicts", {"partnership_id": ["a"]}).status_code == 400
