"""Prometheus metrics (issue 14, part 3), scraped over real HTTP from the exporter ``safepub metrics``
serves (``intake.cli.metrics.serve``) and parsed with prometheus_client's own parser. Each test changes
the shared state for real (an upload through the API, a failed login on the page, a processing run, a full
review to the verified final) and shows the number move; one shows that no name, title or e-mail address
reaches a label or anywhere else in the scrape, and that every label value is from a fixed vocabulary."""

from __future__ import annotations

import io
import json
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from config.settings import ARCHIVE_SINKS
from intake.cli.metrics import serve
from intake.db import make_session_factory
from intake.handover.attempts import DeliveryState
from intake.models import HandoverAttempt, HandoverDelivery, utcnow
from intake.monitoring.collector import (
    ATTEMPT_OUTCOMES,
    JOB_STATES,
    OTHER,
    REGISTRIES,
    VERIFICATION_FAILURES,
    SafePubCollector,
)
from intake.states import Status
from redaction.errors import VerificationFailed
from tests.intake.conftest import csrf_from
from tests.worker.fakes import FakeEngine
from worker.context import WorkerContext
from worker.jobs import process_submission

FAMILY = "Quillfeather"
TEXT = f"Draft review. Zephyrine {FAMILY} and her brother Orrin {FAMILY} lived in Saltmarsh.\n"
REGISTER = {
    "people": [
        {"name": f"Zephyrine {FAMILY}", "role": "child", "aliases": []},
        {"name": f"Orrin {FAMILY}", "role": "sibling", "aliases": []},
    ]
}

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


class Scrape:
    def __init__(self, text: str) -> None:
        self.text = text
        self.samples: Samples = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                self.samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value

    def value(self, name: str, **labels: str) -> float:
        return self.samples[(name, tuple(sorted(labels.items())))]

    def names(self) -> set[str]:
        return {name for name, _labels in self.samples}


@pytest.fixture
def exporter(settings: Any, services: Any) -> Iterator[str]:
    server = serve(settings, 0, "127.0.0.1")
    yield f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()
    server.server_close()


def scrape(url: str) -> Scrape:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return Scrape(response.read().decode())


def upload(client: Any, world: Any, title: str = "Child Z") -> str:
    body = {
        "file": (io.BytesIO(TEXT.encode()), "draft.txt"),
        "register": json.dumps(REGISTER),
        "title": title,
    }
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def test_an_upload_counts_as_received_and_its_job_is_queued(exporter, client, world, settings) -> None:
    before = scrape(exporter)
    assert before.value("safepub_submissions", status="received") == 0
    assert before.value("safepub_queue_jobs", queue=settings.queue_name, state="queued") == 0
    assert before.value("safepub_queue_oldest_job_age_seconds", queue=settings.queue_name, state="queued") == 0
    upload(client, world)
    time.sleep(0.05)
    after = scrape(exporter)
    assert after.value("safepub_submissions", status="received") == 1
    assert after.value("safepub_queue_jobs", queue=settings.queue_name, state="queued") == 1
    assert after.value("safepub_queue_oldest_job_age_seconds", queue=settings.queue_name, state="queued") > 0
    assert after.value("safepub_metrics_source_up", source="database") == 1
    assert after.value("safepub_metrics_source_up", source="redis") == 1


def test_a_failed_login_counts(exporter, client, world) -> None:
    assert scrape(exporter).value("safepub_login_failures_total") == 0
    token = csrf_from(client.get("/login").get_data(as_text=True))
    account = world.accounts["reviewer"]
    wrong = {"email": account.email, "password": "not the password", "csrf_token": token}
    assert client.post("/login", data=wrong).status_code == 401
    assert scrape(exporter).value("safepub_login_failures_total") == 1


def test_a_processing_run_records_its_duration_pages_and_status(exporter, client, world, services) -> None:
    sid = upload(client, world)
    engine = FakeEngine(pages=4, page_delay=0.05)
    assert (
        process_submission(sid, context=WorkerContext(services=services, engine=engine), owner="job-1")["outcome"]
        == "proposed"
    )
    seen = scrape(exporter)
    assert seen.value("safepub_submissions", status="received") == 0
    assert seen.value("safepub_submissions", status="proposed") == 1
    assert seen.value("safepub_processing_attempts", state="succeeded") == 1
    assert seen.value("safepub_processing_duration_seconds_count") == 1
    assert seen.value("safepub_processing_duration_seconds_sum") > 0
    assert seen.value("safepub_processed_pages_total") == 4
    assert seen.value("safepub_processing_pages_per_second_count") == 1


def test_a_verification_failure_in_processing_counts(exporter, client, world, services) -> None:
    sid = upload(client, world)
    engine = FakeEngine(fail_with=VerificationFailed("survivors", [("metadata", "PERSON_FAMILY")]))
    process_submission(sid, context=WorkerContext(services=services, engine=engine), owner="job-1")
    seen = scrape(exporter)
    assert seen.value("safepub_verification_failures_total", stage="processing") == 1
    assert seen.value("safepub_verification_failures_total", stage="finalise") == 0
    assert seen.value("safepub_submissions", status="failed") == 1


def test_a_dead_letter_counts_with_its_age(exporter, client, world, services) -> None:
    sid = upload(client, world)
    last = utcnow() - timedelta(minutes=10)
    with services.sessions() as session, session.begin():
        delivery = HandoverDelivery(
            submission_id=sid, revision=1, kind="publication", sink="http", idempotency_key="pub-x",
            document_sha256="0" * 64, state=DeliveryState.DEAD_LETTER, attempts=2,
        )  # fmt: skip
        session.add(delivery)
        session.flush()
        for number, when in ((1, last - timedelta(minutes=5)), (2, last)):
            session.add(
                HandoverAttempt(
                    delivery_id=delivery.id,
                    attempt=number,
                    outcome="transient",
                    error="timeout",
                    started_at=when,
                    finished_at=when,
                )  # fmt: skip
            )
    seen = scrape(exporter)
    assert seen.value("safepub_handover_dead_letters") == 1
    assert 590 < seen.value("safepub_handover_dead_letter_oldest_age_seconds") < 900
    assert seen.value("safepub_handover_attempts_total", sink="http", outcome="transient") == 2
    assert seen.value("safepub_handover_attempts_total", sink="s3", outcome="delivered") == 0
    assert seen.value("safepub_handover_deliveries", state="dead_letter") == 1


def test_a_full_review_records_the_finalise_duration(exporter, client, world, services) -> None:
    from tests.intake.handoverkit import approved_submission

    approved_submission(client, world, services)
    seen = scrape(exporter)
    assert seen.value("safepub_submissions", status="approved") == 1
    assert seen.value("safepub_finalise_duration_seconds_count") == 1
    assert seen.value("safepub_finalise_duration_seconds_bucket", le="+Inf") == 1


def allowed_label_values(queue_name: str) -> dict[str, set[str]]:
    return {
        "status": {str(s) for s in Status} | {OTHER},
        "state": {str(s) for s in DeliveryState} | set(JOB_STATES) | {"queued", *REGISTRIES} | {OTHER},
        "sink": set(ARCHIVE_SINKS) | {OTHER},
        "outcome": set(ATTEMPT_OUTCOMES) | {OTHER},
        "stage": set(VERIFICATION_FAILURES),
        "queue": {queue_name},
        "source": {"database", "redis"},
    }


def test_no_name_title_or_address_appears_and_labels_come_from_fixed_vocabularies(
    exporter, client, world, services, settings
) -> None:
    sid = upload(client, world, title=f"{FAMILY} family review")
    process_submission(sid, context=WorkerContext(services=services, engine=FakeEngine()), owner="job-1")
    upload(client, world, title=f"Zephyrine {FAMILY}")
    seen = scrape(exporter)
    lowered = seen.text.lower()
    forbidden = [FAMILY, "Zephyrine", "Orrin", "Saltmarsh", "family review", "Partnership A", "@example.test"]
    for word in forbidden + [world.accounts[w].email for w in world.accounts]:
        assert word.lower() not in lowered, word
    assert sid not in seen.text  # not even ids
    allowed = allowed_label_values(settings.queue_name)
    for _name, labels in seen.samples:
        for label, value in labels:
            if label == "le":
                float(value)  # a bucket bound, a number
                continue
            assert value in allowed[label], (label, value)
    assert seen.value("safepub_submissions", status="received") == 1
    assert seen.value("safepub_submissions", status="proposed") == 1


def test_a_database_that_cannot_be_read_is_reported_not_zeroed(services) -> None:
    dead = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing", connect_args={"connect_timeout": 1})
    registry = CollectorRegistry()
    registry.register(SafePubCollector(make_session_factory(dead), None))
    seen = Scrape(generate_latest(registry).decode())
    assert seen.value("safepub_metrics_source_up", source="database") == 0
    assert not any(name.startswith("safepub_submissions") for name in seen.names())
