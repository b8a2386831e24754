"""GET /api/v1/submissions/<id>/audit: the evidence export in JSON, CSV and PDF, and who may have it."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pymupdf
import pytest
from sqlalchemy import select

from intake import audit
from intake.audit.checkpoint import signer_from_settings
from intake.audit.merkle import leaf_hash, verify_inclusion
from intake.audit.verify import InclusionProof, verify
from intake.models import AuditEvent

TEXT = "Draft. Zephyrine Quillfeather lives in Saltmarsh.\n"
DECISIONS = [
    ("decision.recorded", "identifies_child", "PERSON"),
    ("decision.recorded", "identifies_practitioner", "PERSON"),
    ("decision.recorded", "not_identifying", "LOCATION"),
]


@pytest.fixture
def submission_id(client, world, services, settings):
    body = {"file": (io.BytesIO(TEXT.encode()), "d.txt")}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    sid = response.get_json()["id"]
    reviewer = world.accounts["reviewer"]
    approver = world.accounts["approver"]
    with services.sessions() as session, session.begin():
        for action, reason, category in DECISIONS:
            audit.append(
                session,
                action,
                actor=audit.Actor(reviewer.user_id, reviewer.role),
                submission_id=sid,
                partnership_id=world.partnerships["A"],
                details={"reason_code": reason, "category": category, "proposal": "p1"},
            )
        audit.append(session, "review.approved", actor=audit.Actor(approver.user_id, approver.role), submission_id=sid)
        audit.append(session, "login.succeeded", actor=audit.Actor(reviewer.user_id, reviewer.role))  # unrelated
    _sign(services, settings)  # what the `safepub audit sign` process does on its schedule
    return sid


def _sign(services, settings):
    from intake.audit.verify import create_checkpoint

    with services.sessions() as session, session.begin():
        create_checkpoint(session, signer_from_settings(settings))


def _export(client, world, who, sid, fmt="json"):
    return client.get(f"/api/v1/submissions/{sid}/audit?format={fmt}", headers=world.headers(who))


def test_the_json_export_matches_the_audit_log(client, world, services, settings, submission_id):
    response = _export(client, world, "panel", submission_id)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    evidence = response.get_json()
    with services.sessions() as session:
        stored = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.submission_id == submission_id, AuditEvent.seq < evidence["export_event_seq"])
            .order_by(AuditEvent.seq)
        ).all()
    assert [e["seq"] for e in evidence["events"]] == [e.seq for e in stored]
    assert [e["entry"] for e in evidence["events"]] == [e.entry for e in stored]
    assert evidence["event_count"] == len(stored) == 1 + len(DECISIONS) + 1
    # every human decision is there with its reason code, actor and role
    decided = [(d["action"], d["reason_code"], d["actor_role"]) for d in evidence["decisions"]]
    for action, reason, _category in DECISIONS:
        assert (action, reason, "secretariat_reviewer") in decided
    assert ("review.approved", None, "secretariat_approver") in decided
    assert evidence["counts"]["by_reason_code"] == {
        "identifies_child": 1,
        "identifies_practitioner": 1,
        "not_identifying": 1,
    }
    assert evidence["counts"]["by_category"] == {"LOCATION": 1, "PERSON": 2}
    # the checkpoint is signed, includes every event, and each inclusion proof checks out
    signer = signer_from_settings(settings)
    checkpoint = signer.verifier.open(evidence["checkpoint"]["note"])
    assert checkpoint.size == evidence["checkpoint"]["tree_size"] > evidence["events"][-1]["seq"]
    assert not any(event["pending_checkpoint"] for event in evidence["events"])
    for event in evidence["events"]:
        path = [bytes.fromhex(node) for node in event["inclusion_proof"]]
        leaf = leaf_hash(event["entry"].encode())
        assert verify_inclusion(event["seq"], checkpoint.size, leaf, path, checkpoint.root)


def test_the_export_itself_is_audited_and_the_log_still_verifies(client, world, services, settings, submission_id):
    evidence = _export(client, world, "uploader_a", submission_id).get_json()
    with services.sessions() as session, session.begin():
        event = session.scalars(select(AuditEvent).where(AuditEvent.seq == evidence["export_event_seq"])).one()
        assert event.action == "audit.exported" and event.actor_id == world.accounts["uploader_a"].user_id
        assert json.loads(event.details)["format"] == "json"
        verify(session, signer_from_settings(settings).verifier)
    again = _export(client, world, "reviewer", submission_id).get_json()
    assert evidence["export_event_seq"] in [e["seq"] for e in again["events"]]


def test_the_csv_export_parses_with_one_row_per_event(client, world, submission_id):
    evidence = _export(client, world, "reviewer", submission_id).get_json()
    response = _export(client, world, "reviewer", submission_id, "csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    json_seqs = [e["seq"] for e in evidence["events"]]
    assert [int(r["seq"]) for r in rows][: len(json_seqs)] == json_seqs
    reasons = [r["reason_code"] for r in rows if r["reason_code"]]
    assert sorted(reasons) == sorted(reason for _a, reason, _c in DECISIONS)
    assert all(len(r["leaf_hash"]) == 64 for r in rows)


def test_the_pdf_export_opens_and_states_the_event_count(client, world, submission_id):
    response = _export(client, world, "approver", submission_id, "pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    evidence = _export(client, world, "approver", submission_id).get_json()
    with pymupdf.open(stream=response.data, filetype="pdf") as document:
        words = unicodedata.normalize("NFKC", " ".join(page.get_text() for page in document))
    count = evidence["event_count"] - 1  # the JSON export above came after the PDF one
    assert f"{count} events" in " ".join(words.split())
    unwrapped = "".join(words.split())  # table cells wrap long codes
    for _action, reason, _category in DECISIONS:
        assert reason in unwrapped
    assert "Signed checkpoint" in words
    assert "Zephyrine" not in words  # ids and codes only, never the document's words


EXPECTED = {
    "uploader_a": 200,
    "uploader_b": 404,
    "reviewer": 200,
    "approver": 200,
    "panel": 200,
    "admin": 403,
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_export_the_evidence(client, world, services, submission_id, who):
    response = _export(client, world, who, submission_id)
    assert response.status_code == EXPECTED[who]
    assert response.headers.get("Cache-Control") == "no-store"
    with services.sessions() as session:
        exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.exported")).all()
    assert len(exports) == (1 if EXPECTED[who] == 200 else 0)


def test_other_partnership_gets_the_same_404_as_a_missing_id(client, world, submission_id):
    hidden = _export(client, world, "uploader_b", submission_id)
    missing = _export(client, world, "uploader_b", "0" * 32)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()


def test_anonymous_and_bad_formats_are_refused(client, world, submission_id):
    assert client.get(f"/api/v1/submissions/{submission_id}/audit").status_code == 401
    bad = _export(client, world, "reviewer", submission_id, "xml")
    assert bad.status_code == 400 and bad.get_json()["error"] == "bad_request"


def test_a_proof_from_the_export_verifies_offline(client, world, settings, submission_id):
    from intake.audit.verify import verify_proof

    evidence = _export(client, world, "reviewer", submission_id).get_json()
    event = evidence["events"][1]
    proof = InclusionProof(
        event["seq"],
        event["entry"],
        evidence["checkpoint"]["tree_size"],
        [bytes.fromhex(n) for n in event["inclusion_proof"]],
        evidence["checkpoint"]["note"],
    )
    from intake.audit.checkpoint import CheckpointVerifier

    assert verify_proof(proof, CheckpointVerifier.from_vkey(evidence["checkpoint"]["verifier_key"]))


def test_a_partnerships_export_leaves_out_the_panels_conflict_declarations(client, world, submission_id):
    panel = client.post("/api/v1/conflicts", json={"submission_id": submission_id}, headers=world.headers("panel"))
    assert panel.status_code == 201
    partnership = _export(client, world, "uploader_a", submission_id).get_json()
    secretariat = _export(client, world, "reviewer", submission_id).get_json()
    assert not any(e["action"].startswith("conflict.") for e in partnership["events"])
    assert world.accounts["panel"].user_id not in json.dumps(partnership)
    assert any(e["action"] == "conflict.declared" for e in secretariat["events"])


def test_an_export_never_signs_and_lists_events_newer_than_the_checkpoint_without_proof(
    client, world, services, settings, submission_id
):
    from sqlalchemy import func

    from intake.models import AuditCheckpoint

    with services.sessions() as session:
        before = session.scalar(select(func.count()).select_from(AuditCheckpoint))
    first = _export(client, world, "reviewer", submission_id).get_json()
    second = _export(client, world, "reviewer", submission_id).get_json()
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == before  # nothing signed
    exported = [e for e in second["events"] if e["seq"] == first["export_event_seq"]][0]
    assert exported["pending_checkpoint"] and exported["inclusion_proof"] is None
    _sign(services, settings)
    third = _export(client, world, "reviewer", submission_id).get_json()
    assert not [e for e in third["events"] if e["seq"] == first["export_event_seq"]][0]["pending_checkpoint"]
