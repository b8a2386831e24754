"""The whole service on the S3 store (moto's server): an upload against a broken store stores nothing
and says so; a full upload -> process -> review -> approve -> handover cycle leaves only ciphertext in
the bucket."""

from __future__ import annotations

import io

import pymupdf
import pytest
from sqlalchemy import func, select

from intake.handover.sinks.filesystem import FilesystemSink
from intake.models import AuditEvent, DataKeyRecord, Submission
from intake.storage.crypto import MAGIC
from intake.storage.documents import load_original
from tests.intake.handoverkit import context, status
from tests.intake.reviewkit import build_pdf, decide_all, pdf_text, post, proposed_submission
from tests.intake.storage.s3server import CREDENTIALS, every_object_body, new_bucket
from tests.intake.storage.s3server import moto_endpoint as s3_fixture
from worker.jobs import finalise_submission, handover_submission

moto_endpoint = s3_fixture  # the module's moto server

TITLE = "Serious case review Quillbrook Harrowgate"
FAMILY = ["Tyler Quennell", "Marisol Quennell", "Quennell", "Larkspur Mews"]


@pytest.fixture
def bucket(moto_endpoint) -> str:
    return new_bucket(moto_endpoint, versioned=True)


@pytest.fixture
def settings(settings, moto_endpoint, bucket, monkeypatch):
    """The conftest settings with the S3 store; credentials through boto3's own chain, as deployed."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
    return settings.with_overrides(
        store_backend="s3", store_s3_endpoint=moto_endpoint, store_s3_bucket=bucket, store_s3_prefix="blobs/"
    )


def count(services, query) -> int:
    with services.sessions() as session:
        return int(session.scalar(query) or 0)


def test_an_upload_against_a_missing_bucket_answers_503_and_leaves_no_submission_key_or_audit_row(
    client, world, services, moto_endpoint, caplog
):
    from intake.services import blob_backend

    services.store.blobs = blob_backend(services.settings.with_overrides(store_s3_bucket="bucket-that-is-gone"))
    body = {"file": (io.BytesIO(build_pdf()), "draft.pdf"), "title": TITLE}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 503
    assert response.get_json()["error"] == "store_unavailable"
    assert "bucket-that-is-gone" not in response.get_data(as_text=True), "internals stay in the log"
    assert count(services, select(func.count()).select_from(Submission)) == 0
    assert count(services, select(func.count()).select_from(DataKeyRecord)) == 0
    received = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "submission.received")
    assert count(services, received) == 0
    reasons = [getattr(r, "reason", "") for r in caplog.records if r.name == "safepub.store"]
    assert any("'bucket-that-is-gone'" in reason and "does not exist" in reason for reason in reasons)


def test_after_a_full_cycle_on_s3_no_object_in_the_bucket_holds_a_family_name_or_the_title(
    client, world, services, settings, moto_endpoint, bucket, tmp_path
):
    sid = proposed_submission(client, world, services, title=TITLE)
    assert decide_all(client, world, sid, reject=("Oakhaven Clinic",)).status_code == 200
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    assert finalise_submission(sid, context=context(services))["outcome"] == "approved"
    archive = FilesystemSink(tmp_path / "archive")
    assert handover_submission(sid, context=context(services), sinks={"filesystem": archive})["outcome"] == (
        "published"
    )
    assert status(services, sid) == "published"

    # The needles are real: the stored original, opened with its key, holds them.
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        original = load_original(services.keys, services.store, session, submission)
    assert "Tyler Quennell" in pdf_text(original) and "Marisol Quennell" in pdf_text(original)
    bodies = every_object_body(moto_endpoint, bucket)
    roles = count(services, select(func.count()).select_from(DataKeyRecord).where(DataKeyRecord.wrapped.isnot(None)))
    assert len(bodies) >= 3 and roles >= 3, "original, preview and final at least"
    assert all(key.startswith("blobs/") for key, _version in bodies)
    for (key, _version), body in bodies.items():
        # A stored PDF compresses its text, so a byte search alone would miss one: every object must be
        # a sealed envelope, which no PDF or PNG reader opens, and hold none of the words as bytes.
        assert body.startswith(MAGIC), f"{key} is not a sealed envelope"
        assert not body.startswith((b"%PDF", b"\x89PNG"))
        with pytest.raises(pymupdf.FileDataError):
            pymupdf.open(stream=body, filetype="pdf")
        for needle in [*FAMILY, TITLE, "Quillbrook"]:
            for form in (needle.encode("utf-8"), needle.encode("utf-16-be"), needle.encode("utf-16-le")):
                assert form not in body, f"{needle!r} in {key}"
