"""A partnership re-uploads its draft: a new revision, processed again, the review carried over.

Detection is stood in for by ``ContextEngine`` (no NLP model), which proposes known names through the
engine's own ``build_proposals`` so ids, page positions and contexts are the real ones; manual
redactions, page searches and storage are the real code.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from rq import Queue
from sqlalchemy import select, update

from intake.models import Decision, DocumentVersion, ProposalRecord, Submission
from redaction.extract import extract_pdf
from redaction.policy import load_policy
from redaction.propose import build_proposals
from redaction.register import TermMatcher
from redaction.sniff import open_pdf
from redaction.types import Analysis, Span
from tests.intake.reviewkit import (
    LINES,
    PROPOSED,
    NamesEngine,
    audit_events,
    build_pdf,
    post,
    post_manual,
    proposals,
    run_screen_jobs,
    upload_pdf,
)
from worker.context import WorkerContext
from worker.jobs import process_submission
from worker.queue import SERIALIZER

# Line 3 changes: the mentions in it (and within the context window of it) get new contexts.
CHANGED = [*LINES[:2], "The health visitor from Oakhaven Clinic saw Tyler Quennell three times.", *LINES[3:]]


@dataclass
class ContextEngine(NamesEngine):
    names: dict[str, str] = field(default_factory=lambda: dict(PROPOSED))

    def analyze(
        self, data: bytes, *, register: Any = None, profile: str | None = None, progress: Any = None
    ) -> Analysis:
        with open_pdf(data) as doc:
            extracted = extract_pdf(doc, None)
            pages = doc.page_count
        matcher = TermMatcher(list(self.names.items()), case_sensitive=True)
        spans = [
            Span(start, end, category, 0.9, "ner", "test", extracted.text[start:end])
            for start, end, category in matcher.finditer(extracted.text)
        ]
        found = build_proposals(extracted, spans, load_policy("publication"), include_invisible=False)
        return Analysis(kind="pdf", page_count=pages, proposals=tuple(found))


def process(services: Any, sid: str) -> None:
    outcome = process_submission(sid, context=WorkerContext(services=services, engine=ContextEngine()), owner="t")
    assert outcome["outcome"] == "proposed", outcome


def proposed(client: Any, world: Any, services: Any) -> str:
    sid = upload_pdf(client, world)
    process(services, sid)
    return sid


def new_version(client: Any, world: Any, sid: str, data: bytes, who: str = "uploader_a", **extra: Any) -> Any:
    body = {"file": (io.BytesIO(data), "draft-v2.pdf"), **extra}
    return client.post(f"/api/v1/submissions/{sid}/versions", data=body, headers=world.headers(who))


def key(p: dict[str, Any]) -> tuple[str, str, str, str]:
    return (p["text"], p["category"], p["channel"], p["context"])


def decide(client: Any, world: Any, sid: str, items: list[dict[str, Any]], reject: str = "Larkspur Mews") -> None:
    body = {
        "decisions": [
            {
                "proposal_id": p["id"],
                "decision": "reject" if p["text"] == reject else "accept",
                "reason_code": "not_identifying" if p["text"] == reject else "identifies_child",
            }
            for p in items
            if p["source"] != "manual"
        ]
    }
    response = post(client, world, "reviewer", f"/submissions/{sid}/decisions", body)
    assert response.status_code == 200, response.get_json()


def detail(client: Any, world: Any, sid: str, who: str = "uploader_a") -> dict[str, Any]:
    response = client.get(f"/api/v1/submissions/{sid}", headers=world.headers(who))
    assert response.status_code == 200
    return dict(response.get_json())


def test_when_a_new_version_is_uploaded_then_it_is_revision_2_encrypted_and_queued_for_processing(
    client, world, services, settings, redis_conn
):
    sid = proposed(client, world, services)
    decide(client, world, sid, proposals(client, world, sid))
    Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER).empty()

    data = build_pdf(CHANGED)
    response = new_version(client, world, sid, data)
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["id"] == sid and body["status"] == "received" and body["revision"] == 2
    jobs = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER).jobs
    assert [(j.func_name, list(j.args)) for j in jobs] == [("worker.jobs.process_submission", [sid])]  # IDs only
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert (submission.revision, submission.status, submission.attempts) == (2, "received", 0)
        originals = session.scalars(
            select(DocumentVersion).where(DocumentVersion.submission_id == sid, DocumentVersion.role == "original")
        ).all()
        assert sorted(v.revision for v in originals) == [1, 2]
    blobs = [p for p in settings.data_dir.rglob("*") if p.is_file() and p.suffix not in (".json", ".sqlite3")]
    assert blobs and all(b"Quennell" not in p.read_bytes() for p in blobs)  # never plaintext at rest

    process(services, sid)
    after = detail(client, world, sid)
    assert after["status"] == "proposed" and after["revision"] == 2
    assert after["carried_over"] > 0 and after["manual_boxes_dropped"] == 0
    assert "carried over" in after["review_note"]
    original = client.get(f"/api/v1/submissions/{sid}/original.pdf", headers=world.headers("reviewer"))
    assert original.status_code == 200 and original.data == data  # the new version is the one served
    revised = audit_events(services, sid, "submission.revised")
    assert len(revised) == 1 and revised[0].actor_id == world.accounts["uploader_a"].user_id
    assert json.loads(revised[0].details)["revision"] == 2


def test_identical_proposals_keep_their_decisions_and_changed_ones_come_back_undecided(client, world, services):
    sid = proposed(client, world, services)
    before = proposals(client, world, sid)
    decide(client, world, sid, before)
    decided = {key(p): p for p in proposals(client, world, sid)}

    assert new_version(client, world, sid, build_pdf(CHANGED)).status_code == 202
    process(services, sid)
    after = proposals(client, world, sid)
    carried = [p for p in after if key(p) in decided]
    fresh = [p for p in after if key(p) not in decided]
    assert carried and fresh
    assert all("three times" in p["context"] for p in fresh)  # only what the change touched is reopened
    reviewer = world.accounts["reviewer"].user_id
    for p in carried:
        old = decided[key(p)]
        assert (p["decision"], p["reason_code"], p["decided_by"]) == (old["decision"], old["reason_code"], reviewer)
    assert {p["decision"] for p in carried} == {"accept", "reject"}
    assert all(p["decision"] is None for p in fresh)

    summary = detail(client, world, sid, "reviewer")
    assert summary["carried_over"] == len(carried)
    queue = client.get("/api/v1/review/queue", headers=world.headers("reviewer")).get_json()["submissions"]
    assert [item["open_proposals"] for item in queue if item["id"] == sid] == [len(fresh)]
    # the reviewer decides only what changed, completes, and the four-eyes rule still sees who decided
    decide(client, world, sid, fresh)
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200

    (event,) = audit_events(services, sid, "review.carried_over")
    counts = json.loads(event.details)
    assert event.actor_id is None and event.actor_role == "system"
    assert counts["decisions_carried"] == len(carried) and counts["open_proposals"] == len(fresh)
    assert counts["from_revision"] == 1 and counts["revision"] == 2
    assert counts["not_carried"] == len(before) - len(carried)
    assert all(isinstance(v, int) for v in counts.values())  # counts only, never text
    assert "Quennell" not in event.details and "Oakhaven" not in event.details
    finished = json.loads(audit_events(services, sid, "processing.finished")[-1].details)
    assert finished["proposals"] == len(after) and set(finished["by_category"]) <= set(PROPOSED.values())


def test_when_identical_mentions_were_decided_differently_then_the_new_one_stays_open(client, world, services):
    sid = proposed(client, world, services)
    items = proposals(client, world, sid)
    # Pages 1 and 2 are identical: the same name in the same sentence on both has one key.
    marisol = sorted((p for p in items if p["text"] == "Marisol Quennell"), key=lambda p: p["page"])
    assert len(marisol) == 2 and key(marisol[0]) == key(marisol[1])
    decide(client, world, sid, [p for p in items if p["text"] != "Marisol Quennell"])
    body = {
        "decisions": [
            {"proposal_id": marisol[0]["id"], "decision": "accept", "reason_code": "identifies_family_member"},
            {"proposal_id": marisol[1]["id"], "decision": "reject", "reason_code": "not_identifying"},
        ]
    }
    assert post(client, world, "reviewer", f"/submissions/{sid}/decisions", body).status_code == 200

    assert new_version(client, world, sid, build_pdf(CHANGED)).status_code == 202
    process(services, sid)
    again = [p for p in proposals(client, world, sid) if p["text"] == "Marisol Quennell"]
    assert len(again) == 2 and all(p["decision"] is None for p in again)
    (event,) = audit_events(services, sid, "review.carried_over")
    assert json.loads(event.details)["ambiguous"] == 2


def test_every_occurrence_redactions_are_reapplied_and_manual_boxes_dropped_and_counted(client, world, services):
    sid = proposed(client, world, services)
    decide(client, world, sid, proposals(client, world, sid))
    manual = [
        {"text": "brindlecombe primary", "reason_code": "identifies_child"},
        {"page": 0, "rect": [70, 120, 300, 135], "reason_code": "third_party_information"},
        {"page": 1, "rect": [70, 140, 300, 155], "reason_code": "third_party_information"},
    ]
    assert post_manual(client, world, sid, manual, services).get_json()["state"] == "done"

    more = [*LINES, "Staff at Brindlecombe Primary were interviewed in May."]
    assert new_version(client, world, sid, build_pdf(more)).status_code == 202
    process(services, sid)
    items = proposals(client, world, sid)
    reapplied = [p for p in items if p["source"] == "manual"]
    assert len(reapplied) == 4  # twice on each of the two pages now, one of them new
    assert all(p["recognizer"] == "ManualText" for p in reapplied)  # no box survives
    assert {(p["decision"], p["reason_code"], p["decided_by"]) for p in reapplied} == {
        ("accept", "identifies_child", world.accounts["reviewer"].user_id)
    }
    with services.sessions() as session:
        rows = session.scalars(
            select(ProposalRecord).where(ProposalRecord.submission_id == sid, ProposalRecord.revision == 2)
        ).all()
        assert rows and all(b"Brindlecombe" not in r.payload_enc and b"Quennell" not in r.payload_enc for r in rows)

    summary = detail(client, world, sid, "reviewer")
    assert summary["manual_boxes_dropped"] == 2
    assert "2 manual boxes drawn on revision 1 not carried over" in summary["review_note"]
    (event,) = audit_events(services, sid, "review.carried_over")
    counts = json.loads(event.details)
    assert (counts["manual_texts"], counts["manual_proposals"], counts["manual_boxes_dropped"]) == (1, 4, 2)
    # the re-applied redactions are in the live preview like any manual one
    target = f"/api/v1/submissions/{sid}/pages/0.png?preview=1"
    assert client.get(target, headers=world.headers("reviewer")).status_code == 202
    assert run_screen_jobs(services) == 1
    png = client.get(target, headers=world.headers("reviewer"))
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("status", ["received", "processing", "approving", "approved", "published"])
def test_when_the_review_is_busy_or_approved_then_a_new_version_is_refused_with_409(client, world, services, status):
    sid = proposed(client, world, services)
    with services.sessions() as session, session.begin():
        session.execute(update(Submission).where(Submission.id == sid).values(status=status))
    response = new_version(client, world, sid, build_pdf(CHANGED))
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "conflict"
    assert ("processed" if status in ("received", "processing") else "approved") in body["message"]
    with services.sessions() as session:
        assert session.get(Submission, sid).revision == 1
    assert audit_events(services, sid, "submission.revised") == []


def test_a_completed_review_and_one_the_panel_reopened_accept_a_new_version(client, world, services):
    sid = proposed(client, world, services)
    decide(client, world, sid, proposals(client, world, sid))
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert new_version(client, world, sid, build_pdf(CHANGED)).status_code == 202
    process(services, sid)
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission.completed_by is None and submission.status == "proposed"

    decide(client, world, sid, [p for p in proposals(client, world, sid) if p["decision"] is None])
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    with services.sessions() as session, session.begin():
        session.execute(update(Submission).where(Submission.id == sid).values(status="approved"))
    assert new_version(client, world, sid, build_pdf()).status_code == 409
    request = post(
        client,
        world,
        "uploader_a",
        f"/submissions/{sid}/non-publication-requests",
        {"category": "risk_to_sibling_safety", "grounds": "The sibling's school could be identified."},
    )
    decided = post(
        client,
        world,
        "panel",
        f"/non-publication-requests/{request.get_json()['id']}/decision",
        {"outcome": "publish_with_further_redaction", "reasons": "Remove the school.", "letter_date": "2026-12-01"},
    )
    assert decided.get_json()["submission_status"] == "in_review"
    response = new_version(client, world, sid, build_pdf())
    assert response.status_code == 202 and response.get_json()["revision"] == 3


def test_only_the_owner_partnerships_uploader_sends_a_new_version(client, world, services):
    sid = proposed(client, world, services)
    data = build_pdf(CHANGED)
    assert new_version(client, world, sid, data, "uploader_b").status_code == 404
    assert new_version(client, world, "does-not-exist", data).status_code == 404
    for who in ("reviewer", "approver", "panel", "admin"):
        response = new_version(client, world, sid, data, who)
        assert response.status_code == 403, who
        assert set(response.get_json()) == {"error", "message"}
    with services.sessions() as session:
        assert session.get(Submission, sid).revision == 1
    assert audit_events(services, sid, "submission.revised") == []


def test_a_new_version_passes_the_same_checks_as_the_first_upload(client, world, services, settings):
    sid = proposed(client, world, services)
    assert new_version(client, world, sid, b"\x00\x01\x02 not a document").status_code == 415
    bad_register = new_version(client, world, sid, build_pdf(CHANGED), register="{not json")
    assert bad_register.status_code == 400 and bad_register.get_json()["error"] == "invalid_register"
    assert new_version(client, world, sid, b"").status_code == 400
    too_big = new_version(client, world, sid, b"%PDF-1.7\n" + b"0" * settings.max_upload_bytes)
    assert too_big.status_code == 413
    with services.sessions() as session:
        assert session.get(Submission, sid).revision == 1
        assert session.scalars(select(Decision).where(Decision.submission_id == sid)).all() == []
