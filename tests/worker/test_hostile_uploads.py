"""Hostile uploads through the whole service: API upload -> Redis -> a real worker process whose engine
is the real sandboxed engine (the default settings). Each hostile draft fails at once with a reason the
uploader can read (no retries: it is the document's fault), the worker stays up, and the next ordinary
draft is processed as usual."""

from __future__ import annotations

import io

import pytest

from intake.models import Submission
from tests.redaction.sandbox import hostile
from tests.worker.procs import start_worker, stop_worker, wait_for

pytestmark = pytest.mark.slow

HOSTILE = [
    ("bomb.pdf", hostile.decompression_bomb, "inflates to more than 256 MB"),
    ("pages.pdf", hostile.many_pages, "at most 2000 pages"),
    ("image.pdf", hostile.huge_image, "60,000 x 60,000 pixels"),
    ("loop.pdf", hostile.xref_loop, "damaged"),
]
ORDINARY = "Draft. Zephyrine Quillfeather moved to Saltmarsh with Orrin Quillfeather.\n"
REGISTER = b'{"people": [{"name": "Zephyrine Quillfeather"}]}'


def upload(client, world, data: bytes, filename: str) -> str:
    body = {"file": (io.BytesIO(data), filename), "register": (io.BytesIO(REGISTER), "register.json")}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def detail(client, world, sid: str) -> dict:
    return client.get(f"/api/v1/submissions/{sid}", headers=world.headers("uploader_a")).get_json()


def test_hostile_drafts_fail_with_a_reason_and_the_worker_keeps_working(
    client, world, services, settings, tmp_path
) -> None:
    worker = start_worker(settings, tmp_path / "worker.log")
    try:
        hostile_ids = [(upload(client, world, build(), name), reason) for name, build, reason in HOSTILE]
        ordinary = upload(client, world, ORDINARY.encode(), "draft.txt")
        for sid, reason in hostile_ids:
            done = wait_for(
                lambda sid=sid: detail(client, world, sid)["status"] in ("failed", "proposed"),
                timeout=240,
                what="a hostile draft to be processed",
                interval=0.5,
            )
            assert done
            result = detail(client, world, sid)
            assert result["status"] == "failed" and reason in result["failure_reason"], result
            with services.sessions() as session:
                assert session.get(Submission, sid).attempts == 1  # refused at once, never retried
        wait_for(
            lambda: detail(client, world, ordinary)["status"] in ("failed", "proposed"),
            timeout=240,
            what="the ordinary draft to be processed",
            interval=0.5,
        )
        assert detail(client, world, ordinary)["status"] == "proposed"
        assert worker.poll() is None, "the worker died"
    finally:
        stop_worker(worker)
