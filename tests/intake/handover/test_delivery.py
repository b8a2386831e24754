"""Archive handover service and API: a document failing re-verification is never sent, dead letters show
in the Secretariat queue with a "retry now" action, non-publication requests hold the handover,
withdrawal goes through the same sinks, settings fail fast, signatures check."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from config.settings import ConfigurationError, Settings
from intake.handover import signing
from intake.handover.delivery import backoff_seconds, retry_intervals
from intake.handover.sinks import TransientSinkError
from intake.handover.sinks.filesystem import FilesystemSink
from intake.models import DocumentVersion, Submission
from intake.storage.documents import document_aad, load_document
from tests.intake.handoverkit import RecordingSink, approved_submission, context, events, status
from tests.intake.reviewkit import build_pdf, post
from worker.context import WorkerContext
from worker.jobs import HandoverRetry, handover_submission


@pytest.fixture
def settings(settings: Any) -> Any:
    return settings.with_overrides(ocr=False, handover_max_attempts=2, handover_backoff_seconds=0)


def _swap_final(services: Any, sid: str, data: bytes, *, update_hash: bool = True) -> None:
    """What an attacker with disk access (or a storage fault) does: the stored final is replaced."""
    with services.sessions() as session, session.begin():
        version = session.scalars(
            select(DocumentVersion).where(DocumentVersion.submission_id == sid, DocumentVersion.role == "final")
        ).one()
        key = services.keys.load(session, version.data_key_id)
        services.store.put(version.id, data, key=key, aad=document_aad(version))
        if update_hash:
            version.sha256 = hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("update_hash", [True, False], ids=["unredacted-final", "hash-mismatch"])
def test_when_the_stored_final_fails_reverification_then_nothing_is_sent_and_the_queue_shows_it(
    client, world, services, update_hash
):
    sid = approved_submission(client, world, services)
    _swap_final(services, sid, build_pdf(), update_hash=update_hash)  # the unredacted draft
    sink = RecordingSink()
    result = handover_submission(sid, context=context(services), sinks={"http": sink})
    assert result["outcome"] == "blocked"
    assert sink.calls == 0, "a document that fails verification is never handed to a sink"
    assert status(services, sid) == "handover_blocked"
    [(action, details)] = events(services, sid)
    assert action == "handover.blocked" and details["reason"] == "verification_failed"
    if update_hash:
        assert "body" in details["channels"] and "PERSON_CHILD" in details["categories"]
    queue = client.get("/api/v1/review/queue", headers=world.headers("reviewer")).get_json()["submissions"]
    [item] = [i for i in queue if i["id"] == sid]
    assert item["status"] == "handover_blocked" and "re-verification" in item["review_note"]
    assert queue[0]["id"] == sid, "an alert sorts with the work still to do, not with the done"
    assert "Quennell" not in item["review_note"]
    # retry now re-verifies: still blocked, still nothing sent
    assert post(client, world, "reviewer", f"/submissions/{sid}/handover/retry").status_code == 202
    assert handover_submission(sid, context=context(services), sinks={"http": sink})["outcome"] == "blocked"
    assert sink.calls == 0


def test_when_attempts_run_out_then_dead_letter_shows_in_the_queue_and_only_the_secretariat_can_retry_now(
    client, world, services
):
    sid = approved_submission(client, world, services)
    sink = RecordingSink(failures=[TransientSinkError("http_503", 503), TransientSinkError("timeout")])
    with pytest.raises(HandoverRetry):
        handover_submission(sid, context=context(services), sinks={"http": sink})
    assert handover_submission(sid, context=context(services), sinks={"http": sink})["outcome"] == "dead_letter"
    assert status(services, sid) == "handover_failed"
    failed = client.get("/api/v1/review/queue?status=handover_failed", headers=world.headers("reviewer")).get_json()
    assert [i["id"] for i in failed["submissions"]] == [sid] and "retry now" in failed["submissions"][0]["review_note"]
    state = client.get(f"/api/v1/submissions/{sid}/handover", headers=world.headers("panel")).get_json()
    assert [(d["sink"], d["state"], d["attempts"], d["last_error"]) for d in state["deliveries"]] == [
        ("http", "dead_letter", 2, "timeout")
    ]

    for who, code in (("uploader_a", 403), ("uploader_b", 404), ("panel", 403), ("admin", 403)):
        assert post(client, world, who, f"/submissions/{sid}/handover/retry").status_code == code, who
    response = post(client, world, "approver", f"/submissions/{sid}/handover/retry")
    assert response.status_code == 202 and response.get_json()["status"] == "approved"
    assert response.get_json()["job"], "retry now enqueues the job"
    assert post(client, world, "approver", f"/submissions/{sid}/handover/retry").status_code == 409

    result = handover_submission(sid, context=context(services), sinks={"http": sink})
    assert result["outcome"] == "published" and len(sink.received) == 1
    actions = [a for a, _ in events(services, sid)]
    assert actions == [
        "handover.attempt",
        "handover.attempt",
        "handover.dead_letter",
        "handover.retry_requested",
        "handover.attempt",
        "handover.receipt",
        "handover.published",
    ]
    numbers = [d["attempt"] for a, d in events(services, sid) if a == "handover.attempt"]
    assert numbers == [1, 2, 3], "attempt numbers keep counting across a retry-now"


def test_when_a_non_publication_request_is_open_then_the_handover_waits_for_the_panel_to_decide_publish(
    client, world, services, tmp_path
):
    sid = approved_submission(client, world, services)
    request = post(
        client,
        world,
        "uploader_a",
        f"/submissions/{sid}/non-publication-requests",
        {"category": "risk_to_sibling_safety", "grounds": "The sibling is still at the school."},
    )
    assert request.status_code == 201
    sinks = {"filesystem": FilesystemSink(tmp_path / "archive")}
    assert handover_submission(sid, context=context(services), sinks=sinks)["outcome"] == "held"
    assert not (tmp_path / "archive").exists()
    decided = post(
        client,
        world,
        "panel",
        f"/non-publication-requests/{request.get_json()['id']}/decision",
        {"outcome": "publish_as_is", "reasons": "Redaction is sufficient.", "letter_date": "2026-12-01"},
    )
    assert decided.status_code == 200, decided.get_json()
    assert handover_submission(sid, context=context(services), sinks=sinks)["outcome"] == "published"
    assert (tmp_path / "archive" / f"{sid}.pdf").exists()


def test_when_the_panel_withdraws_a_published_review_then_the_folder_gets_a_notice_and_loses_the_document(
    client, world, services, tmp_path
):
    sid = approved_submission(client, world, services)
    root = tmp_path / "archive"
    sinks = {"filesystem": FilesystemSink(root)}
    assert handover_submission(sid, context=context(services), sinks=sinks)["outcome"] == "published"
    assert post(client, world, "uploader_a", f"/submissions/{sid}/withdraw").status_code == 403
    assert post(client, world, "panel", f"/submissions/{sid}/withdraw").status_code == 202
    assert post(client, world, "panel", f"/submissions/{sid}/withdraw").status_code == 409
    assert handover_submission(sid, context=context(services), sinks=sinks)["outcome"] == "withdrawn"
    assert sorted(p.name for p in root.iterdir()) == [f"{sid}.withdrawal.json"]
    actions = [a for a, _ in events(services, sid)]
    assert actions[-4:] == [
        "handover.withdrawal_requested",
        "handover.attempt",
        "handover.receipt",
        "handover.withdrawn",
    ]
    with services.sessions() as session:
        assert session.get(Submission, sid).status == "withdrawn"


def test_the_final_is_still_readable_after_publication(client, world, services):
    sid = approved_submission(client, world, services)
    handover_submission(sid, context=context(services), sinks={"x": RecordingSink()})
    response = client.get(f"/api/v1/submissions/{sid}/final.pdf", headers=world.headers("uploader_a"))
    assert response.status_code == 200 and status(services, sid) == "published"
    with services.sessions() as session:
        version = session.scalars(select(DocumentVersion).where(DocumentVersion.role == "final")).one()
        assert (
            hashlib.sha256(load_document(services.keys, services.store, session, version)).hexdigest() == version.sha256
        )


# -- pure parts --------------------------------------------------------------------------------------------
def test_backoff_doubles_and_is_capped():
    assert [backoff_seconds(30, n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_seconds(30, 40) == 6 * 3600
    assert retry_intervals(10, 4) == [10, 20, 40] and retry_intervals(0, 3) == [0, 0]


def test_signature_binds_body_timestamp_idempotency_key_and_event():
    body = b'{"event":"publication"}'
    headers = {"idempotency_key": "pub-1-abc", "event": "publication"}
    signature = signing.sign("secret", 1_700_000_000, body, **headers)
    signing.verify("secret", "1700000000", body, signature, now=1_700_000_100, **headers)
    for args, bound in (
        (("secret", "1700000001", body, signature), headers),
        (("secret", "1700000000", body + b" ", signature), headers),
        (("other", "1700000000", body, signature), headers),
        (("secret", "1700000000", body, ""), headers),
        # a replay within the window under a new key (a duplicate) or as another event
        (("secret", "1700000000", body, signature), {**headers, "idempotency_key": "pub-1-new"}),
        (("secret", "1700000000", body, signature), {**headers, "event": "withdrawal"}),
    ):
        with pytest.raises(signing.SignatureError):
            signing.verify(*args, now=1_700_000_100, **bound)
    with pytest.raises(signing.SignatureError):
        signing.verify("secret", "1700000000", body, signature, now=1_700_000_000 + 301, **headers)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://archive.example/api", True),
        ("http://127.0.0.1:8080/api", True),
        ("http://localhost/api", True),
        ("http://archive.example/api", False),
        ("http://10.0.0.5/api", False),
    ],
)
def test_the_archive_url_must_be_https_except_to_this_machine(url, allowed, tmp_path):
    env = {"SAFEPUB_DATA_DIR": str(tmp_path), "SAFEPUB_ARCHIVE_URL": url, "SAFEPUB_ARCHIVE_HMAC_KEY": "k" * 32}
    if allowed:
        assert Settings.from_env(env).archive_url == url
    else:
        with pytest.raises(ConfigurationError, match="must be https://"):
            Settings.from_env(env)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SAFEPUB_ARCHIVE_SINKS": "http"}, "SAFEPUB_ARCHIVE_URL"),
        ({"SAFEPUB_ARCHIVE_URL": "https://archive.example/api"}, "SAFEPUB_ARCHIVE_HMAC_KEY"),
        ({"SAFEPUB_ARCHIVE_SINKS": "s3"}, "SAFEPUB_ARCHIVE_S3_BUCKET"),
        ({"SAFEPUB_ARCHIVE_SINKS": "ftp"}, "unknown sink"),
    ],
)
def test_when_a_sink_is_half_configured_then_settings_fail_fast_naming_the_variable(env, message, tmp_path):
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path), **env})


def test_archive_settings_defaults_and_sinks(tmp_path):
    default = Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path)})
    assert default.archive_sinks == ("filesystem",) and default.archive_dir == tmp_path.resolve() / "archive"
    full = Settings.from_env(
        {
            "SAFEPUB_DATA_DIR": str(tmp_path),
            "SAFEPUB_ARCHIVE_URL": "https://archive.example/api",
            "SAFEPUB_ARCHIVE_HMAC_KEY": "x" * 32,
            "SAFEPUB_ARCHIVE_S3_BUCKET": "reviews",
            "SAFEPUB_ARCHIVE_S3_PREFIX": "pub/",
            "SAFEPUB_HANDOVER_MAX_ATTEMPTS": "7",
        }
    )
    assert full.archive_sinks == ("filesystem", "http", "s3") and full.handover_max_attempts == 7
    assert "x" * 32 not in repr(full)
    assert Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path), "SAFEPUB_ARCHIVE_SINKS": "none"}).archive_sinks == ()


class _IncompleteVerifier:
    """The real engine, whose re-verification of the stored final reports a layer that did not run (the
    second parser crashed): the checks that did run are real."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def verify_output(self, output: bytes, forbidden: Any, *, allowed: Any = ()) -> Any:
        import dataclasses

        self.calls += 1
        complete = self.inner.verify_output(output, forbidden, allowed=allowed)
        return dataclasses.replace(complete, warnings=("second parser (pypdf) could not read the output",))


def test_when_a_verification_layer_did_not_run_on_the_stored_final_then_handover_refuses_until_overridden(
    client, world, services
):
    sid = approved_submission(client, world, services)
    engine = _IncompleteVerifier(context(services).engine)
    incomplete = WorkerContext(services=services, engine=engine)
    sink = RecordingSink()
    assert handover_submission(sid, context=incomplete, sinks={"http": sink})["outcome"] == "blocked"
    assert engine.calls == 1 and sink.calls == 0, "never a silent pass: nothing is sent"
    [(action, details)] = events(services, sid)
    assert action == "handover.blocked" and details["reason"] == "verification_incomplete"
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
    assert detail["status"] == "handover_blocked" and "a verification layer did not run" in detail["review_note"]

    # A Secretariat user who has checked the final overrides (audited); the retry then sends it.
    assert "second parser (pypdf) could not read the output" in detail["verification_hold"]
    path = f"/submissions/{sid}/verification-hold/override"
    assert post(client, world, "reviewer", path, {"reason": "Final checked page by page"}).status_code == 200
    assert post(client, world, "reviewer", f"/submissions/{sid}/handover/retry").status_code == 202
    assert handover_submission(sid, context=incomplete, sinks={"http": sink})["outcome"] == "published"
    assert sink.calls == 1


def test_the_handover_reverifies_through_the_engines_verify_output(client, world, services):
    sid = approved_submission(client, world, services)
    engine = _CountingVerifier(context(services).engine)
    sink = RecordingSink()
    assert (
        handover_submission(sid, context=WorkerContext(services=services, engine=engine), sinks={"http": sink})[
            "outcome"
        ]
        == "published"
    )
    assert engine.forbidden and ("Tyler Quennell", "PERSON_CHILD") in engine.forbidden
    assert ("Oakhaven Clinic", "ORGANISATION") not in engine.forbidden  # rejected by the reviewer: kept


class _CountingVerifier(_IncompleteVerifier):
    def verify_output(self, output: bytes, forbidden: Any, *, allowed: Any = ()) -> Any:
        self.forbidden = list(forbidden)
        return self.inner.verify_output(output, forbidden, allowed=allowed)
