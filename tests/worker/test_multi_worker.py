"""Several workers, several machines (issue 14): two worker processes that share only PostgreSQL, Redis
and the S3 store (moto's server). Each has its own data directory and gets the keyring through
SAFEPUB_KEK, so no file is shared. They use the fake engine (tests/worker/fakes.py), which reads the
document and its register from the store as the real one does but costs no model load, so the test
measures distribution, not NLP: each submission processed exactly once, a worker killed with kill -9
mid-job loses nothing (the other one recovers it), and the proposals equal one worker's.
"""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import signal
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from intake.models import AuditEvent, JobRecord, Submission
from tests.intake.storage.s3server import CREDENTIALS, new_bucket
from tests.intake.storage.s3server import moto_endpoint as s3_fixture
from tests.worker.procs import FAKE_WORKER, horse_pids, settings_env, stop_worker, wait_for

moto_endpoint = s3_fixture  # the module's moto server

FAST = {"pages": 3, "page_delay": 0.05}
SLOW = {"pages": 30, "page_delay": 0.2}
FIRST = ["Zephyrine", "Orrin", "Talulah", "Bartholomew", "Ingrid", "Cosmo", "Marisol", "Evander", "Lark", "Percival"]


def document(index: int) -> tuple[bytes, str]:
    """A small text draft and its register; each one different, so a mix-up would show."""
    child, parent = f"{FIRST[index]} Quillfeather{index}", f"{FIRST[-1 - index]} Quillfeather{index}"
    text = f"Draft {index}. {child} moved to Saltmarsh with {parent}. Later {child} changed school.\n"
    register = {"people": [{"name": child}, {"name": parent}]}
    return text.encode(), json.dumps(register)


@pytest.fixture
def settings(settings, database, moto_endpoint, monkeypatch):
    if database.kind != "postgresql":
        pytest.skip("workers on several machines share PostgreSQL, not a SQLite file")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
    kek = "multi:" + base64.b64encode(secrets.token_bytes(32)).decode()
    return settings.with_overrides(
        kek=kek,
        store_backend="s3",
        store_s3_endpoint=moto_endpoint,
        store_s3_bucket=new_bucket(moto_endpoint),
        store_s3_prefix="blobs/",
    )


@pytest.fixture
def machines(settings, tmp_path):
    """Start a worker "machine": its own data directory, the keyring and the store from the environment,
    nothing on disk shared with the test or the other workers."""
    started: list[subprocess.Popen[bytes]] = []

    def start(fake: dict[str, Any]) -> subprocess.Popen[bytes]:
        home = tmp_path / f"machine-{len(started)}"
        home.mkdir()
        env = settings_env(settings)
        del env["SAFEPUB_KEY_FILE"]
        env.update(
            {
                "SAFEPUB_DATA_DIR": str(home / "instance"),
                "SAFEPUB_KEK": settings.kek,
                "SAFEPUB_STORE": "s3",
                "SAFEPUB_STORE_S3_ENDPOINT": settings.store_s3_endpoint,
                "SAFEPUB_STORE_S3_BUCKET": settings.store_s3_bucket,
                "SAFEPUB_STORE_S3_PREFIX": settings.store_s3_prefix,
                **{key.upper(): value for key, value in CREDENTIALS.items()},
            }
        )
        log = open(home / "worker.log", "ab")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            [sys.executable, "-c", FAKE_WORKER, json.dumps(fake)],
            cwd=home,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        stop_worker(process)
    for home in tmp_path.glob("machine-*"):
        blobs = [p for p in (home / "instance").rglob("*") if p.is_file() and "store" in p.parts]
        assert blobs == [], "a worker wrote blobs to its own disk"


def kill_machine(worker: subprocess.Popen[bytes]) -> None:
    """kill -9 the worker and every process under it, as a machine that dies. Killing the worker's
    process group is not enough: RQ's work horse moves to a group of its own (os.setpgrp) and would
    finish the job alone."""
    import psutil

    tree = psutil.Process(worker.pid).children(recursive=True)
    os.killpg(worker.pid, signal.SIGKILL)
    for process in tree:
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    worker.wait(timeout=10)
    psutil.wait_procs(tree, timeout=10)
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in tree)


def upload(client, world, index: int) -> str:
    text, register = document(index)
    body = {"file": (io.BytesIO(text), f"d{index}.txt"), "register": register}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def statuses(services, sids: list[str]) -> dict[str, str]:
    with services.sessions() as session:
        rows = session.scalars(select(Submission).where(Submission.id.in_(sids))).all()
        return {row.id: row.status for row in rows}


def wait_all_proposed(services, sids: list[str], timeout: float = 120) -> None:
    def settled() -> bool:
        return all(s in ("proposed", "failed") for s in statuses(services, sids).values())

    wait_for(settled, timeout=timeout, what="every submission to be processed", interval=0.2)
    assert set(statuses(services, sids).values()) == {"proposed"}


def proposal_set(client, world, sid: str) -> set[tuple[Any, ...]]:
    response = client.get(f"/api/v1/submissions/{sid}/proposals", headers=world.headers("reviewer"))
    assert response.status_code == 200
    return {(p["text"], p["category"], p.get("start"), p.get("end")) for p in response.get_json()["proposals"]}


def jobs_of(services, sid: str) -> list[JobRecord]:
    with services.sessions() as session:
        query = select(JobRecord).where(JobRecord.submission_id == sid).order_by(JobRecord.attempt)
        return list(session.scalars(query))


def started_events(services, sid: str) -> int:
    with services.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.submission_id == sid, AuditEvent.action == "processing.started")
        return len(session.scalars(query).all())


def test_two_workers_process_ten_submissions_exactly_once_with_the_proposals_of_one_worker(
    client, world, services, machines
):
    sids = [upload(client, world, index) for index in range(10)]
    first, second = machines(FAST), machines(FAST)
    wait_all_proposed(services, sids)
    ran_on = set()
    for sid in sids:
        records = jobs_of(services, sid)
        assert [(r.attempt, r.state) for r in records] == [(1, "succeeded")], sid
        assert started_events(services, sid) == 1
        ran_on.add(next(w.pid for w in (first, second) if f".{w.pid}." in (records[0].worker or "")))
    assert ran_on == {first.pid, second.pid}, "both workers took submissions"
    shared = [proposal_set(client, world, sid) for sid in sids]
    assert all(shared), "every draft had its register's names proposed"

    # The same ten drafts through one worker alone give the same proposals, draft by draft.
    stop_worker(first)
    stop_worker(second)
    machines(FAST)
    alone = [upload(client, world, index) for index in range(10)]
    wait_all_proposed(services, alone)
    assert [proposal_set(client, world, sid) for sid in alone] == shared


def test_a_worker_killed_mid_job_loses_nothing_the_other_worker_finishes_it(client, world, services, machines):
    sid = upload(client, world, 0)
    reference = upload(client, world, 0)  # the same draft, processed without any kill
    first, second = machines(SLOW), machines(SLOW)

    def busy_worker() -> subprocess.Popen[bytes] | None:
        with services.sessions() as session:
            submission = session.get(Submission, sid)
            if submission is None or submission.status != "processing" or submission.progress_page < 2:
                return None
        running = [r for r in jobs_of(services, sid) if r.state == "running"]
        owner = running[0].worker or "" if running else ""
        return next((w for w in (first, second) if f".{w.pid}." in owner and horse_pids(w)), None)

    victim = wait_for(busy_worker, timeout=60, what="the job to be mid-way on one worker")
    survivor = second if victim is first else first
    kill_machine(victim)
    assert statuses(services, [sid])[sid] == "processing"
    wait_all_proposed(services, [sid, reference], timeout=180)
    assert survivor.poll() is None
    records = jobs_of(services, sid)
    assert [(r.attempt, r.state) for r in records] == [(1, "abandoned"), (2, "succeeded")]
    assert f".{victim.pid}." in records[0].worker and f".{survivor.pid}." in records[1].worker
    assert started_events(services, sid) == 2
    assert proposal_set(client, world, sid) == proposal_set(client, world, reference)
