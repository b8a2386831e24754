"""POST /api/v1/submissions: the happy path and every way an upload is refused."""

from __future__ import annotations

import hashlib
import io
import json

import pymupdf
import pytest
from werkzeug.test import EnvironBuilder

from intake.app import InMemoryRequest
from worker.queue import SERIALIZER

DRAFT = "Review of the circumstances concerning Child K.\nZephyrine Quillfeather attended school.\n"
REGISTER = {"people": [{"name": "Zephyrine Quillfeather", "role": "child", "aliases": []}]}


def make_pdf(text: str = "A short draft about Child K.") -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text)
    data = doc.tobytes()
    doc.close()
    return data


def post(client, headers, *, data: bytes, register=None, filename="draft.txt", **form):
    body = {"file": (io.BytesIO(data), filename), **form}
    if register is not None:
        body["register"] = register if isinstance(register, str) else json.dumps(register)
    return client.post("/api/v1/submissions", data=body, headers=headers, content_type="multipart/form-data")


def test_when_a_partnership_uploads_text_then_202_with_id_status_and_sha256(client, world):
    data = DRAFT.encode()
    response = post(client, world.headers("uploader_a"), data=data, register=REGISTER, title="Child K")
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "received"
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    detail = client.get(f"/api/v1/submissions/{body['id']}", headers=world.headers("uploader_a")).get_json()
    assert detail["status"] == "received"
    assert detail["title"] == "Child K"
    assert detail["partnership_id"] == world.partnerships["A"]
    assert detail["document_kind"] == "text"


def test_when_uploaded_then_a_job_with_only_the_id_is_queued(client, world, services, settings, redis_conn):
    from rq import Queue

    from intake.models import Submission

    response = post(client, world.headers("uploader_a"), data=DRAFT.encode(), register=REGISTER)
    sid = response.get_json()["id"]
    with services.sessions() as session:
        job_id = session.get(Submission, sid).queued_job_id
    queue = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER)
    assert job_id in queue.job_ids
    job = queue.fetch_job(job_id)
    assert job.func_name == "worker.jobs.process_submission"
    assert list(job.args) == [sid] and job.kwargs == {}


def test_when_a_pdf_is_named_txt_then_it_is_still_recognised_as_pdf(client, world):
    response = post(client, world.headers("uploader_a"), data=make_pdf(), filename="notes.txt")
    assert response.status_code == 202
    detail = client.get(f"/api/v1/submissions/{response.get_json()['id']}", headers=world.headers("uploader_a"))
    assert detail.get_json()["document_kind"] == "pdf"


def test_when_the_file_is_over_the_limit_then_413_with_a_clear_message(client, world, settings):
    data = b"%PDF-1.7\n" + b"0" * (settings.max_upload_bytes + 10)
    response = post(client, world.headers("uploader_a"), data=data, filename="big.pdf")
    assert response.status_code == 413
    body = response.get_json()
    assert body["error"] == "too_large"
    assert "2 MB" in body["message"]


def test_when_the_whole_body_is_far_over_the_limit_then_413_before_reading_it(client, world, settings):
    data = b"x" * (settings.max_upload_bytes + 3 * 1024 * 1024)
    response = post(client, world.headers("uploader_a"), data=data)
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "draft.pdf"),
        (b"PK\x03\x04" + b"\x00" * 100, "draft.pdf"),
        (b"\xff\xfe\x00\x01\x02binary", "draft.txt"),
        (bytes(range(256)) * 4, "draft.txt"),
    ],
    ids=["png-named-pdf", "zip", "utf16-or-binary", "binary"],
)
def test_when_the_content_is_not_pdf_or_utf8_text_then_415(client, world, data, filename):
    response = post(client, world.headers("uploader_a"), data=data, filename=filename)
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


def test_when_the_register_is_malformed_json_then_400_with_the_json_error(client, world):
    response = post(client, world.headers("uploader_a"), data=DRAFT.encode(), register='{"people": [')
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_register"
    assert "JSON" in body["message"]


def test_when_the_register_has_the_wrong_shape_then_400(client, world):
    response = post(client, world.headers("uploader_a"), data=DRAFT.encode(), register='{"people": "nobody"}')
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_register"


def test_when_the_register_is_sent_as_a_file_part_then_it_is_accepted(client, world):
    body = {
        "file": (io.BytesIO(DRAFT.encode()), "d.txt"),
        "register": (io.BytesIO(json.dumps(REGISTER).encode()), "register.json"),
    }
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sp_not-a-real-token-at-all-000000000000"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
    ],
    ids=["missing", "wrong", "basic", "empty"],
)
def test_when_the_token_is_missing_or_wrong_then_401(client, world, headers):
    response = post(client, headers, data=DRAFT.encode())
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/submissions", headers=headers).status_code == 401


def test_when_a_token_is_revoked_then_401(client, world, services):
    from sqlalchemy import select

    from intake.accounts.auth import revoke_token
    from intake.models import ApiToken

    with services.sessions() as session, session.begin():
        token = session.scalars(select(ApiToken).where(ApiToken.user_id == world.accounts["uploader_a"].user_id)).one()
        assert revoke_token(session, token.id)
    assert client.get("/api/v1/submissions", headers=world.headers("uploader_a")).status_code == 401


@pytest.mark.parametrize("who", ["reviewer", "approver", "panel", "admin"])
def test_when_a_non_partnership_role_uploads_then_403(client, world, who):
    assert post(client, world.headers(who), data=DRAFT.encode()).status_code == 403


def test_when_kind_is_unknown_then_400(client, world):
    response = post(client, world.headers("uploader_a"), data=DRAFT.encode(), kind="novel")
    assert response.status_code == 400


def test_when_the_file_part_is_missing_then_400(client, world):
    response = client.post("/api/v1/submissions", data={"title": "x"}, headers=world.headers("uploader_a"))
    assert response.status_code == 400


def test_when_a_large_file_is_uploaded_then_it_stays_in_memory_not_a_temp_file():
    """Werkzeug would spool a >500 KB part to a temporary file; our request class must not."""
    builder = EnvironBuilder(method="POST", data={"file": (io.BytesIO(b"a" * 2_000_000), "big.txt")})
    request = InMemoryRequest(builder.get_environ())
    stream = request.files["file"].stream
    assert isinstance(stream, io.BytesIO)


def test_responses_are_not_cacheable(client, world):
    response = client.get("/api/v1/submissions", headers=world.headers("reviewer"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
