"""Archive handover against real local servers: an HTTP archive on 127.0.0.1 that fails twice with 503 and
then accepts, a folder drop whose renames are watched, and moto's S3 server on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rq import SimpleWorker

from intake.handover import signing
from intake.handover.sinks import TransientSinkError
from intake.handover.sinks.filesystem import FilesystemSink
from intake.handover.sinks.http import HttpSink
from intake.handover.sinks.s3 import S3Sink
from tests.intake.handoverkit import approved_submission, attempts, context, events, final_version, status
from tests.intake.reviewkit import pdf_text
from tests.intake.storage.s3server import admin_client, moto_server
from worker import context as worker_context
from worker.jobs import HandoverRetry, handover_submission
from worker.queue import SERIALIZER, RqJobQueue, processing_queue

KEY = "k" * 16 + "-archive-shared-secret-for-tests"


class _Headers(dict[str, str]):
    """HTTP header names are case-insensitive (urllib sends "X-safepub-timestamp")."""

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())


class Archive:
    """A minimal archive implementing the README's contract, failing the first ``fail_first`` requests."""

    def __init__(self, fail_first: int = 2, fail_status: int = 503) -> None:
        self.fail_first, self.fail_status = fail_first, fail_status
        self.requests: list[dict[str, Any]] = []
        self.accepted: dict[str, dict[str, Any]] = {}  # idempotency key -> stored request
        self.lock = threading.Lock()
        archive = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = _Headers((k.lower(), v) for k, v in self.headers.items())
                with archive.lock:
                    archive.requests.append({"headers": headers, "body": body})
                    if len(archive.requests) <= archive.fail_first:
                        return self._answer(archive.fail_status, {"error": "busy"})
                    try:
                        signing.verify(
                            KEY,
                            headers[signing.TIMESTAMP_HEADER],
                            body,
                            headers[signing.SIGNATURE_HEADER],
                            idempotency_key=headers[signing.IDEMPOTENCY_HEADER],
                            event=headers[signing.EVENT_HEADER],
                        )
                    except signing.SignatureError:
                        return self._answer(401, {"error": "bad signature"})
                    key = headers[signing.IDEMPOTENCY_HEADER]
                    if key not in archive.accepted:
                        archive.accepted[key] = {
                            "headers": headers,
                            "body": body,
                            "reference": f"ARCH-{len(archive.accepted) + 1}",
                        }
                    return self._answer(201, {"reference": archive.accepted[key]["reference"]})

            def _answer(self, code: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/reviews"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Archive:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def settings(settings: Any) -> Any:
    return settings.with_overrides(
        ocr=False, archive_sinks=("http",), archive_hmac_key=KEY, handover_max_attempts=5, handover_backoff_seconds=0
    )


def test_when_the_archive_fails_twice_with_503_then_one_document_arrives_signed_and_the_trail_shows_three_attempts(
    client, world, services
):
    sid = approved_submission(client, world, services)
    final = final_version(services, sid)
    with Archive(fail_first=2) as archive:
        sinks = {"http": HttpSink(archive.url, KEY, timeout=5)}
        for _ in range(2):
            with pytest.raises(HandoverRetry):
                handover_submission(sid, context=context(services), sinks=sinks)
            assert status(services, sid) == "approved"
        result = handover_submission(sid, context=context(services), sinks=sinks)
        again = handover_submission(sid, context=context(services), sinks=sinks)  # a duplicate job: no-op

    assert result["outcome"] == "published" and again["outcome"].startswith("nothing_to_do")
    assert status(services, sid) == "published"
    assert len(archive.requests) == 3 and len(archive.accepted) == 1
    [stored] = archive.accepted.values()
    keys = {r["headers"][signing.IDEMPOTENCY_HEADER] for r in archive.requests}
    assert len(keys) == 1, "every retry carries the same idempotency key"
    signing.verify(
        KEY,
        stored["headers"][signing.TIMESTAMP_HEADER],
        stored["body"],
        stored["headers"][signing.SIGNATURE_HEADER],
        idempotency_key=stored["headers"][signing.IDEMPOTENCY_HEADER],
        event=stored["headers"][signing.EVENT_HEADER],
    )
    payload = json.loads(stored["body"])
    document = base64.b64decode(payload["document"]["base64"])
    assert hashlib.sha256(document).hexdigest() == payload["metadata"]["sha256"] == final.sha256
    assert payload["metadata"]["page_count"] == 2 and payload["metadata"]["title"] == "Child T"
    assert payload["metadata"]["partnership"] == "Partnership A" and payload["metadata"]["kind"]
    assert payload["metadata"]["publication_date"] and payload["event"] == "publication"
    assert "Tyler Quennell" not in pdf_text(document) and "Oakhaven Clinic" in pdf_text(document)

    trail = events(services, sid)
    assert [a for a, _ in trail].count("handover.attempt") == 3
    assert [d["outcome"] for a, d in trail if a == "handover.attempt"] == ["transient", "transient", "delivered"]
    assert [d["status_code"] for a, d in trail if a == "handover.attempt"][:2] == [503, 503]
    [receipt] = [d for a, d in trail if a == "handover.receipt"]
    assert receipt["reference"] == "ARCH-1" and receipt["status"] == "delivered" and receipt["sink"] == "http"
    assert [a for a, _ in trail][-1] == "handover.published"
    assert "Tyler" not in json.dumps(trail) and "Child T" not in json.dumps(trail)
    assert [a.outcome for a in attempts(services)] == ["transient", "transient", "delivered"]


def test_when_run_by_a_real_rq_worker_then_rq_retries_the_job_until_the_archive_accepts(
    client, world, services, settings, redis_conn
):
    sid = approved_submission(client, world, services)
    with Archive(fail_first=2) as archive:
        ctx = context(services)
        settings_http = settings.with_overrides(archive_url=archive.url)
        ctx.services.settings = settings_http
        previous = worker_context._installed
        worker_context.install(ctx)
        try:
            queue = processing_queue(settings_http, redis_conn)
            queue.empty()
            job_id = RqJobQueue(settings_http, redis_conn).handover(sid)
            assert job_id
            SimpleWorker(
                [queue], connection=redis_conn, name=f"{settings.queue_name}.handover", serializer=SERIALIZER
            ).work(burst=True)
        finally:
            worker_context._installed = previous
            ctx.services.settings = settings
    assert status(services, sid) == "published"
    assert len(archive.requests) == 3 and len(archive.accepted) == 1


def test_when_the_archive_answers_400_then_it_is_not_retried_and_the_submission_is_dead_lettered(
    client, world, services
):
    sid = approved_submission(client, world, services)
    with Archive(fail_first=10, fail_status=400) as archive:
        result = handover_submission(sid, context=context(services), sinks={"http": HttpSink(archive.url, KEY)})
    assert result["outcome"] == "dead_letter" and len(archive.requests) == 1
    assert status(services, sid) == "handover_failed"
    assert [a for a, _ in events(services, sid)] == ["handover.attempt", "handover.dead_letter"]


def test_when_nothing_listens_then_connection_refused_is_transient_until_the_dead_letter(
    client, world, services, settings
):
    sid = approved_submission(client, world, services)
    with Archive() as closed:
        url = closed.url
    sinks = {"http": HttpSink(url, KEY, timeout=2)}
    ctx = context(services)
    ctx.services.settings = settings.with_overrides(handover_max_attempts=2)
    try:
        with pytest.raises(HandoverRetry):
            handover_submission(sid, context=ctx, sinks=sinks)
        result = handover_submission(sid, context=ctx, sinks=sinks)
    finally:
        ctx.services.settings = settings
    assert result["outcome"] == "dead_letter"
    assert [a.error for a in attempts(services)] == ["connection_refused", "connection_refused"]
    assert status(services, sid) == "handover_failed"


# -- filesystem ------------------------------------------------------------------------------------------
def test_when_dropping_into_a_folder_then_no_partial_file_is_ever_visible_under_its_final_name(
    client, world, services, tmp_path, monkeypatch
):
    sid = approved_submission(client, world, services)
    root = tmp_path / "archive"
    seen: list[tuple[str, list[str], int]] = []
    real_replace = os.replace

    def watching_replace(src: Any, dst: Any) -> None:
        final = Path(dst)
        listing = sorted(p.name for p in root.iterdir())
        assert final.name not in listing, "the final name must not exist before the rename"
        assert Path(src).name.startswith(".tmp-") and Path(src).name.endswith(".part")
        seen.append((final.name, listing, Path(src).stat().st_size))
        real_replace(src, dst)

    monkeypatch.setattr("intake.handover.sinks.filesystem.os.replace", watching_replace)
    result = handover_submission(sid, context=context(services), sinks={"filesystem": FilesystemSink(root)})
    assert result["outcome"] == "published"
    assert [name for name, _, _ in seen] == [f"{sid}.pdf", f"{sid}.json"], "document first, manifest last"
    assert f"{sid}.pdf" not in seen[0][1] and f"{sid}.json" not in seen[1][1] and f"{sid}.pdf" in seen[1][1]
    data = (root / f"{sid}.pdf").read_bytes()
    assert seen[0][2] == len(data)
    manifest = json.loads((root / f"{sid}.json").read_text())
    assert manifest["sha256"] == hashlib.sha256(data).hexdigest() == final_version(services, sid).sha256
    assert manifest["page_count"] == 2 and manifest["title"] == "Child T" and manifest["event"] == "publication"
    assert sorted(p.name for p in root.iterdir()) == [f"{sid}.json", f"{sid}.pdf"], "no temporary file left"


def test_when_the_manifest_rename_fails_then_no_manifest_and_no_temp_file_remain_and_the_retry_completes(
    client, world, services, tmp_path, monkeypatch
):
    sid = approved_submission(client, world, services)
    root = tmp_path / "archive"
    real_replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        if str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr("intake.handover.sinks.filesystem.os.replace", failing_replace)
    sinks = {"filesystem": FilesystemSink(root)}
    with pytest.raises(HandoverRetry):
        handover_submission(sid, context=context(services), sinks=sinks)
    assert sorted(p.name for p in root.iterdir()) == [f"{sid}.pdf"], "no manifest, no .part file"
    assert attempts(services)[0].error == "os_error_28"
    monkeypatch.setattr("intake.handover.sinks.filesystem.os.replace", real_replace)
    assert handover_submission(sid, context=context(services), sinks=sinks)["outcome"] == "published"
    assert sorted(p.name for p in root.iterdir()) == [f"{sid}.json", f"{sid}.pdf"]


# -- S3 (moto's server mode on 127.0.0.1) ----------------------------------------------------------------
@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    yield from moto_server()


def test_when_the_sink_is_s3_then_document_and_manifest_land_under_the_prefix_and_a_withdrawal_removes_them(
    client, world, services, settings, s3_endpoint
):
    s3 = admin_client(s3_endpoint)
    bucket = f"reviews-{uuid.uuid4().hex[:12]}"  # moto's state is per process, shared by every test in it
    s3.create_bucket(Bucket=bucket)
    sid = approved_submission(client, world, services)
    sink = S3Sink.from_settings(
        settings.with_overrides(archive_s3_endpoint=s3_endpoint, archive_s3_bucket=bucket, archive_s3_prefix="pub/"),
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    result = handover_submission(sid, context=context(services), sinks={"s3": sink})
    assert result["outcome"] == "published"
    data = s3.get_object(Bucket=bucket, Key=f"pub/{sid}.pdf")["Body"].read()
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=f"pub/{sid}.json")["Body"].read())
    assert hashlib.sha256(data).hexdigest() == manifest["sha256"] == final_version(services, sid).sha256
    head = s3.head_object(Bucket=bucket, Key=f"pub/{sid}.pdf")
    assert head["ContentType"] == "application/pdf" and head["Metadata"]["sha256"] == manifest["sha256"]
    [receipt] = [d for a, d in events(services, sid) if a == "handover.receipt"]
    assert receipt["reference"] == f"s3://{bucket}/pub/{sid}.json"

    response = client.post(f"/api/v1/submissions/{sid}/withdraw", headers=world.headers("panel"))
    assert response.status_code == 202 and response.get_json()["status"] == "withdrawing"
    assert handover_submission(sid, context=context(services), sinks={"s3": sink})["outcome"] == "withdrawn"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == [f"pub/{sid}.withdrawal.json"]
    notice = json.loads(s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read())
    assert notice["event"] == "withdrawal" and notice["withdrawn_sha256"] == manifest["sha256"]
    assert status(services, sid) == "withdrawn"
    assert [a for a, _ in events(services, sid)][-1] == "handover.withdrawn"


def test_when_the_bucket_does_not_exist_then_s3_rejects_permanently_and_an_unreachable_endpoint_is_transient(
    client, world, services, settings, s3_endpoint
):
    from intake.handover.package import Package
    from intake.handover.sinks import PermanentSinkError

    package = Package(
        "publication", "0" * 32, "pub-x", {"filename": "0" * 32 + ".pdf", "content_type": "application/pdf"}, b"%PDF"
    )
    with pytest.raises(PermanentSinkError) as rejected:
        S3Sink(admin_client(s3_endpoint), "missing-bucket").deliver(package)
    assert rejected.value.status_code == 404 and rejected.value.code == "s3_NoSuchBucket"
    with Archive() as closed:
        dead = closed.url.rsplit("/", 1)[0]
    sink = S3Sink.from_settings(
        settings.with_overrides(archive_s3_endpoint=dead, archive_s3_bucket="b", archive_timeout_seconds=2),
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    with pytest.raises(TransientSinkError):
        sink.deliver(package)
