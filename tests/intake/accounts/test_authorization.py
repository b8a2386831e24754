"""The authorization matrix: every endpoint x every role x own/other partnership.

The submission belongs to partnership A and has been processed, so an allowed read is a 200.
Partnership B's uploader must not learn it exists (404, like an unknown id); a role that may never
read something gets 403; no credentials get 401.
"""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from intake.models import AuditEvent
from tests.worker.fakes import FakeEngine
from worker.context import WorkerContext
from worker.jobs import process_submission

TEXT = "Draft. Zephyrine Quillfeather lives in Saltmarsh.\n"
REGISTER = {"people": [{"name": "Zephyrine Quillfeather"}]}

WHO = ["uploader_a", "uploader_b", "reviewer", "approver", "panel", "admin", "anonymous"]

# endpoint -> expected status per caller (uploader_a owns the submission)
MATRIX = {
    "get": {
        "uploader_a": 200,
        "uploader_b": 404,
        "reviewer": 200,
        "approver": 200,
        "panel": 200,
        "admin": 200,
        "anonymous": 401,
    },
    "proposals": {
        "uploader_a": 200,
        "uploader_b": 404,
        "reviewer": 200,
        "approver": 200,
        "panel": 403,
        "admin": 403,
        "anonymous": 401,
    },
    "preview": {
        "uploader_a": 200,
        "uploader_b": 404,
        "reviewer": 200,
        "approver": 200,
        "panel": 200,
        "admin": 403,
        "anonymous": 401,
    },
    "original": {
        "uploader_a": 200,
        "uploader_b": 404,
        "reviewer": 200,
        "approver": 200,
        "panel": 403,
        "admin": 403,
        "anonymous": 401,
    },
    "list": {
        "uploader_a": 200,
        "uploader_b": 200,
        "reviewer": 200,
        "approver": 200,
        "panel": 200,
        "admin": 200,
        "anonymous": 401,
    },
    "upload": {
        "uploader_a": 202,
        "uploader_b": 202,
        "reviewer": 403,
        "approver": 403,
        "panel": 403,
        "admin": 403,
        "anonymous": 401,
    },
}
# Whether the caller sees partnership A's submission in GET /submissions.
LISTED = {
    "uploader_a": True,
    "uploader_b": False,
    "reviewer": True,
    "approver": True,
    "panel": True,
    "admin": True,
}
PATHS = {"get": "", "proposals": "/proposals", "preview": "/preview.pdf", "original": "/original.pdf"}


@pytest.fixture
def submission_id(client, world, services):
    body = {"file": (io.BytesIO(TEXT.encode()), "d.txt"), "register": json.dumps(REGISTER)}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    sid = response.get_json()["id"]
    process_submission(sid, context=WorkerContext(services=services, engine=FakeEngine()), owner="job")
    return sid


def headers_for(world, who):
    return {} if who == "anonymous" else world.headers(who)


def call(client, world, who, endpoint, sid):
    headers = headers_for(world, who)
    if endpoint == "list":
        return client.get("/api/v1/submissions", headers=headers)
    if endpoint == "upload":
        body = {"file": (io.BytesIO(TEXT.encode()), "d.txt")}
        return client.post("/api/v1/submissions", data=body, headers=headers)
    return client.get(f"/api/v1/submissions/{sid}{PATHS[endpoint]}", headers=headers)


def test_the_authorization_matrix(client, world, services, submission_id):
    failures = []
    for endpoint, expected in MATRIX.items():
        for who in WHO:
            response = call(client, world, who, endpoint, submission_id)
            if response.status_code != expected[who]:
                failures.append(f"{endpoint} as {who}: {response.status_code}, expected {expected[who]}")
            if endpoint == "list" and response.status_code == 200:
                ids = {item["id"] for item in response.get_json()["submissions"]}
                if (submission_id in ids) != LISTED[who]:
                    failures.append(f"list as {who}: listed={submission_id in ids}, expected {LISTED[who]}")
            if response.status_code in (200, 202, 403, 404):
                if response.headers.get("Cache-Control") != "no-store":
                    failures.append(f"{endpoint} as {who}: missing Cache-Control: no-store")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", [w for w in WHO if w != "anonymous"])
def test_an_unknown_id_is_404_for_everyone(client, world, who):
    for endpoint in PATHS:
        response = client.get(f"/api/v1/submissions/{'0' * 32}{PATHS[endpoint]}", headers=world.headers(who))
        assert response.status_code == 404, (endpoint, response.status_code)


def test_the_other_partnership_gets_the_same_answer_as_for_a_missing_id(client, world, submission_id):
    hidden = client.get(f"/api/v1/submissions/{submission_id}", headers=world.headers("uploader_b"))
    missing = client.get(f"/api/v1/submissions/{'0' * 32}", headers=world.headers("uploader_b"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()


def test_every_document_read_is_audited_with_ids_only(client, world, services, submission_id):
    for endpoint in ("preview", "original", "proposals"):
        assert call(client, world, "reviewer", endpoint, submission_id).status_code == 200
    with services.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.submission_id == submission_id).order_by(AuditEvent.id)
        ).all()
    actions = [e.action for e in events]
    assert actions.count("document.viewed") == 2
    assert "proposals.viewed" in actions
    assert {"submission.received", "processing.started", "processing.finished"} <= set(actions)
    viewed = [e for e in events if e.action == "document.viewed"]
    assert {json.loads(e.details)["role"] for e in viewed} == {"preview", "original"}
    assert all(e.actor_id == world.accounts["reviewer"].user_id for e in viewed)
    assert all("Quillfeather" not in e.details for e in events)


def test_a_denied_read_is_not_audited_as_a_view(client, world, services, submission_id):
    call(client, world, "uploader_b", "original", submission_id)
    call(client, world, "admin", "original", submission_id)
    with services.sessions() as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "document.viewed")).all()
    assert views == []
