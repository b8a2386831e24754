"""A Word draft through the service: uploaded as .docx, printed to PDF by LibreOffice in the worker's
sandbox, its hidden channels read by detection and shown to the reviewer, reviewed and approved, and
published as a PDF that holds nothing from any hidden channel. Bad Word files get a clear message."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import docx
import pymupdf
import pytest

from intake.models import DocumentVersion, Submission
from redaction.sandbox.client import SandboxedEngine
from redaction.word.convert import soffice_path
from tests.intake.conftest import csrf_from
from tests.intake.reviewkit import decide_all, post, proposals
from tests.redaction.word.drafts import BODY, HIDDEN, rezip, word_draft
from worker.context import WorkerContext
from worker.jobs import finalise_submission, process_submission

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed (make system-deps)"),
]

#: what the partnership knows: the names the recognizers would not find on their own in this draft
REGISTER = {"people": [{"name": HIDDEN["header"], "role": "mother"}, {"name": HIDDEN["custom property"]}]}


@pytest.fixture(scope="module")
def engine() -> SandboxedEngine:
    return SandboxedEngine(mode="auto", ocr=False)


def _upload(client: Any, world: Any, data: bytes, filename: str = "draft.docx") -> Any:
    body = {
        "file": (io.BytesIO(data), filename),
        "register": (io.BytesIO(json.dumps(REGISTER).encode()), "register.json"),
        "title": "Child W review",
    }
    return client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))


def _logged_in(client: Any, world: Any, who: str) -> Any:
    account = world.accounts[who]
    token = csrf_from(client.get("/login").get_data(as_text=True))
    form = {"email": account.email, "password": account.password, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302
    return client


def _every_channel(pdf: bytes) -> str:
    with pymupdf.open("pdf", pdf) as doc:
        text = " ".join(page.get_text() for page in doc)
        metadata = " ".join(str(v) for v in doc.metadata.values()) + (doc.get_xml_metadata() or "")
    return " ".join((text + " " + metadata).split())


def test_a_docx_goes_from_upload_to_a_published_pdf_with_nothing_from_its_hidden_channels(
    client, world, services, engine
) -> None:
    draft = word_draft()
    response = _upload(client, world, draft, filename="review draft (final).bin")  # by content, not name
    assert response.status_code == 202, response.get_json()
    sid = response.get_json()["id"]
    context = WorkerContext(services=services, engine=engine)
    assert process_submission(sid, context=context, owner="t")["outcome"] == "proposed"

    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
    assert detail["status"] == "proposed" and detail["page_count"] >= 1
    listed = proposals(client, world, sid)
    in_hidden = {(p["channel"], p["text"]) for p in listed if p["page"] is None}
    assert ("word comment", HIDDEN["comment"]) in in_hidden  # shown to the reviewer with where it was
    assert ("word tracked deletion", HIDDEN["tracked deletion"]) in in_hidden
    assert ("word comment author", HIDDEN["comment author"]) in in_hidden

    with services.sessions() as session:
        roles = {v.role: v.content_type for v in session.query(DocumentVersion).filter_by(submission_id=sid)}
    assert roles["original"].endswith("wordprocessingml.document")
    assert roles["printable"] == roles["preview"] == "application/pdf"
    preview = client.get(f"/api/v1/submissions/{sid}/preview.pdf", headers=world.headers("reviewer"))
    assert preview.headers["Content-Type"] == "application/pdf"
    original = client.get(f"/api/v1/submissions/{sid}/original.pdf", headers=world.headers("uploader_a"))
    assert original.data == draft
    assert original.headers["Content-Disposition"].endswith('.docx"')

    # the hygiene report: each hidden channel with its places, never the hidden text itself
    hygiene = client.get(f"/api/v1/submissions/{sid}/hygiene", headers=world.headers("uploader_a")).get_json()
    counts = {row["channel"]: row["count"] for row in hygiene["channels"]}
    assert counts["comment"] == 1 and counts["tracked deletion"] == 1 and counts["document property"] >= 2
    assert HIDDEN["comment"] not in json.dumps(hygiene) and HIDDEN["tracked deletion"] not in json.dumps(hygiene)

    # the review screen's page images are the printed PDF's pages
    pages = client.get(f"/api/v1/submissions/{sid}/pages", headers=world.headers("reviewer"))
    assert pages.status_code == 200, pages.get_json()

    screen = _logged_in(client, world, "reviewer").get(f"/review/{sid}").get_data(as_text=True)
    assert "Hidden parts of the Word file" in screen and "tracked deletion" in screen

    assert decide_all(client, world, sid).status_code == 200
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    assert finalise_submission(sid, context=context)["outcome"] == "approved"
    final = client.get(f"/api/v1/submissions/{sid}/final.pdf", headers=world.headers("uploader_a"))
    assert final.status_code == 200 and final.headers["Content-Type"] == "application/pdf"
    published = _every_channel(final.data)
    for channel, name in HIDDEN.items():
        assert name not in published, f"the {channel} name reached the published PDF"
    assert "The review considers the care of Child K" in published

    # the partnership's redacted Word copy: the same names gone from every part, labels in their place
    copy = client.get(f"/api/v1/submissions/{sid}/final.docx", headers=world.headers("uploader_a"))
    assert copy.status_code == 200 and copy.headers["Content-Disposition"].endswith('.docx"')
    with zipfile.ZipFile(io.BytesIO(copy.data)) as package:
        everything = " ".join(package.read(name).decode("utf-8", "ignore") for name in package.namelist())
    for channel, name in HIDDEN.items():
        assert name not in everything, f"the {channel} name is in the redacted Word copy"
    assert BODY in [paragraph.text for paragraph in docx.Document(io.BytesIO(copy.data)).paragraphs]
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("uploader_a")).get_json()
    assert detail["word_copy"] is True


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (rezip(word_draft(), {"word/vbaProject.bin": b"\x00" * 16}), "macros"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"), "password"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le"), ".doc"),
    ],
    ids=["docm", "password-protected", "legacy-doc"],
)
def test_word_files_that_cannot_be_taken_are_refused_at_upload_with_a_reason(client, world, data, reason) -> None:
    response = _upload(client, world, data)
    assert response.status_code == 415
    assert reason in response.get_json()["message"]


def _garbled() -> bytes:
    draft = word_draft()
    # the parts' names survive in the central directory (it sniffs as a .docx); their contents do not
    return draft[:64] + b"\x00" * 2000 + draft[2064:]


def _bomb() -> bytes:
    # 70 MB of zeros in a few kilobytes: beyond the 64 MB a part may expand to
    return rezip(word_draft(), {"word/media/image1.png": b"\x00" * (70 * 1024 * 1024)})


@pytest.mark.parametrize(
    ("make", "reason"),
    [(_garbled, "damaged or incomplete"), (_bomb, "expands to more than the processing limit allows")],
    ids=["corrupt-package", "zip-bomb"],
)
def test_a_word_file_the_worker_cannot_open_fails_with_a_clear_reason_and_keeps_the_upload(
    client, world, services, engine, make, reason
) -> None:
    bad = make()
    response = _upload(client, world, bad)
    assert response.status_code == 202, response.get_json()  # it sniffs as a Word draft
    sid = response.get_json()["id"]
    process_submission(sid, context=WorkerContext(services=services, engine=engine), owner="t")
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission is not None and submission.status == "failed"
        assert reason in (submission.failure_reason or "")
    original = client.get(f"/api/v1/submissions/{sid}/original.pdf", headers=world.headers("uploader_a"))
    assert original.status_code == 200 and original.data == bad  # nothing lost
