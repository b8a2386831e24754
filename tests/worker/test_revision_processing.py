"""process_submission on a new version (revision 2) of a plain-text draft, with the fake engine: the
register is kept, decisions carry over to identical mentions, "every occurrence" redactions are found
again, and a retried attempt neither loses nor duplicates what was carried."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from intake.models import Decision, ProposalRecord, Submission
from intake.processing.analysis import ProcessingError
from tests.intake.reviewkit import run_screen_jobs
from tests.worker.fakes import FakeEngine
from worker.context import WorkerContext
from worker.jobs import process_submission

FIRST = "Draft review. Zephyrine Quillfeather and her brother Orrin Quillfeather lived in Saltmarsh.\n"
SECOND = FIRST + "Much later Orrin Quillfeather moved to a school near Saltmarsh.\n"
REGISTER = {
    "people": [
        {"name": "Zephyrine Quillfeather", "role": "child", "aliases": []},
        {"name": "Orrin Quillfeather", "role": "sibling", "aliases": []},
    ]
}


def listed(client, world, sid):
    response = client.get(f"/api/v1/submissions/{sid}/proposals", headers=world.headers("reviewer"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["proposals"]


def decide(client, world, sid, body, ctx=None):
    response = client.post(
        f"/api/v1/submissions/{sid}/decisions",
        data=json.dumps(body),
        headers=world.headers("reviewer"),
        content_type="application/json",
    )
    if body.get("manual"):  # located by the worker's job, then recorded; the page polls the task
        assert response.status_code == 202, response.get_json()
        assert run_screen_jobs(ctx.services, ctx.engine) == 1
        response = client.get(response.get_json()["task_url"], headers=world.headers("reviewer"))
        assert response.get_json()["state"] == "done", response.get_json()
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def engine():
    return FakeEngine(pages=1)


@pytest.fixture
def ctx(services, engine):
    return WorkerContext(services=services, engine=engine)


def reviewed_first_version(client, world, ctx):
    body = {"file": (io.BytesIO(FIRST.encode()), "draft.txt"), "register": json.dumps(REGISTER)}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    sid = response.get_json()["id"]
    assert process_submission(sid, context=ctx, owner="job-1")["outcome"] == "proposed"
    decisions = [
        {
            "proposal_id": p["id"],
            "decision": "accept" if p["text"].startswith("Zephyrine") else "reject",
            "reason_code": "identifies_child" if p["text"].startswith("Zephyrine") else "not_identifying",
        }
        for p in listed(client, world, sid)
    ]
    decide(
        client,
        world,
        sid,
        {"decisions": decisions, "manual": [{"text": "Saltmarsh", "reason_code": "third_party_information"}]},
        ctx,
    )
    return sid


def test_a_new_text_version_keeps_the_register_and_carries_decisions_to_identical_mentions(
    client, world, services, ctx, engine
):
    sid = reviewed_first_version(client, world, ctx)
    body = {"file": (io.BytesIO(SECOND.encode()), "draft-v2.txt")}  # no register: the previous one is kept
    response = client.post(f"/api/v1/submissions/{sid}/versions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202, response.get_json()
    assert process_submission(sid, context=ctx, owner="job-2")["outcome"] == "proposed"
    assert json.loads(engine.seen_registers[-1]) == REGISTER

    items = listed(client, world, sid)
    by_text = {}
    for p in items:
        by_text.setdefault((p["source"] == "manual", p["text"]), []).append(p)
    zephyrine = by_text[(False, "Zephyrine Quillfeather")]
    orrin = sorted(by_text[(False, "Orrin Quillfeather")], key=lambda p: p["start"])
    assert [(p["decision"], p["reason_code"]) for p in zephyrine] == [("accept", "identifies_child")]
    assert (orrin[0]["decision"], orrin[0]["reason_code"]) == ("reject", "not_identifying")
    assert orrin[1]["decision"] is None  # the new mention is the reviewer's to decide
    saltmarsh = by_text[(True, "Saltmarsh")]
    assert len(saltmarsh) == 2 and {p["decision"] for p in saltmarsh} == {"accept"}
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert (submission.revision, submission.carried_over, submission.manual_boxes_dropped) == (2, 4, 0)


def test_a_retried_attempt_on_a_new_version_carries_each_decision_once(client, world, services, ctx, engine):
    sid = reviewed_first_version(client, world, ctx)
    body = {"file": (io.BytesIO(SECOND.encode()), "draft-v2.txt")}
    assert (
        client.post(f"/api/v1/submissions/{sid}/versions", data=body, headers=world.headers("uploader_a")).status_code
        == 202
    )
    engine.fail_with, engine.fail_times = RuntimeError("transient"), engine.calls + 1
    with pytest.raises(ProcessingError):
        process_submission(sid, context=ctx, owner="job-2")
    assert process_submission(sid, context=ctx, owner="job-2")["outcome"] == "proposed"
    with services.sessions() as session:
        decisions = session.scalar(
            select(func.count()).select_from(Decision).where(Decision.submission_id == sid, Decision.revision == 2)
        )
        proposals = session.scalar(
            select(func.count())
            .select_from(ProposalRecord)
            .where(ProposalRecord.submission_id == sid, ProposalRecord.revision == 2)
        )
        assert (decisions, proposals) == (4, 5)  # 2 carried + 2 re-applied manual; 3 machine + 2 manual
        # the first revision's review is untouched: it is the evidence of what was decided on it
        assert (
            session.scalar(
                select(func.count()).select_from(Decision).where(Decision.submission_id == sid, Decision.revision == 1)
            )
            == 3
        )
