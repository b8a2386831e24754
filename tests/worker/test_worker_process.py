"""Real worker processes on real Redis, killed at the worst moment (kill -9).

The fake engine is slow on purpose (pages with a delay) so the kill lands mid-job. Whatever is
killed, the submission must end in a definite state: proposed after a retry, or failed with a
reason once the attempts are used up. Never lost, never stuck in "processing".
"""

from __future__ import annotations

import io
import os
import signal

import pytest

from intake.models import AuditEvent, JobRecord, Submission, utcnow
from tests.worker.procs import horse_pids, start_worker, stop_worker, wait_for

TEXT = "Draft. Zephyrine Quillfeather moved to Saltmarsh with Orrin Quillfeather.\n"
REGISTER = '{"people": [{"name": "Zephyrine Quillfeather"}, {"name": "Orrin Quillfeather"}]}'
SLOW = {"pages": 30, "page_delay": 0.2}


def upload(client, world) -> str:
    body = {"file": (io.BytesIO(TEXT.encode()), "d.txt"), "register": REGISTER}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202
    return response.get_json()["id"]


def row(services, sid) -> Submission:
    with services.sessions() as session:
        return session.get(Submission, sid)


def mid_job(services, sid):
    submission = row(services, sid)
    return submission.status == "processing" and submission.progress_page >= 2


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(settings, **kwargs):
        process = start_worker(settings, tmp_path / f"worker-{len(started)}.log", **kwargs)
        started.append(process)
        return process

    yield start
    for process in started:
        stop_worker(process)


def test_when_the_work_horse_is_killed_then_the_job_is_retried_and_completes(
    client, world, services, settings, workers
):
    sid = upload(client, world)
    worker = workers(settings, fake=SLOW)
    wait_for(lambda: mid_job(services, sid), timeout=60, what="the job to be mid-way")
    horses = horse_pids(worker)
    assert horses, "no work horse found"
    os.kill(horses[0], signal.SIGKILL)
    wait_for(lambda: row(services, sid).status in ("proposed", "failed"), timeout=90, what="a definite state")
    submission = row(services, sid)
    assert submission.status == "proposed"
    assert submission.attempts == 2
    with services.sessions() as session:
        states = sorted(r.state for r in session.query(JobRecord).filter_by(submission_id=sid))
    assert states == ["abandoned", "succeeded"]


def test_when_the_whole_worker_is_killed_then_another_worker_recovers_the_submission(
    client, world, services, settings, workers
):
    sid = upload(client, world)
    first = workers(settings, fake=SLOW)
    wait_for(lambda: mid_job(services, sid), timeout=60, what="the job to be mid-way")
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its horse, no chance to clean up
    first.wait(timeout=10)
    assert row(services, sid).status == "processing"
    workers(settings, fake={"pages": 2})
    wait_for(lambda: row(services, sid).status in ("proposed", "failed"), timeout=120, what="a definite state")
    assert row(services, sid).status == "proposed"


def test_when_every_attempt_is_killed_then_the_submission_fails_with_a_reason(
    client, world, services, settings, workers
):
    sid = upload(client, world)
    worker = workers(settings, fake=SLOW)
    killed = 0

    def kill_each_attempt():
        nonlocal killed
        submission = row(services, sid)
        if submission.status == "failed":
            return True
        if submission.status == "processing" and submission.attempts > killed and submission.progress_page >= 1:
            for pid in horse_pids(worker):
                os.kill(pid, signal.SIGKILL)
                killed = submission.attempts
        return False

    wait_for(kill_each_attempt, timeout=150, what="the submission to fail", interval=0.05)
    submission = row(services, sid)
    assert submission.status == "failed"
    assert "stopped unexpectedly" in submission.failure_reason
    assert submission.attempts == settings.job_max_attempts


def test_a_job_that_holds_the_gil_longer_than_its_lease_is_never_run_twice_at_once(
    client, world, services, settings, workers
):
    """The engine call holds the GIL for three leases (as MuPDF or Tesseract in C code would), so the
    job's lease heartbeat cannot run and the lease expires while the job is alive. A recovery sweep then
    finds its worker alive and the job started: it extends the lease instead of re-queuing, and the
    second worker standing by never gets the submission. One attempt, one run, proposed."""
    from worker.recovery import recover

    quiet = settings.with_overrides(recovery_interval_seconds=3600)  # only this test's sweeps run
    sid = upload(client, world)
    workers(quiet, fake={"pages": 1, "hold_gil": settings.job_lease_seconds * 3})
    wait_for(lambda: row(services, sid).status == "processing", timeout=60, what="the job to start")
    workers(quiet, fake={"pages": 1})  # idle, ready to take a re-queued job at once

    def lease_expired():
        submission = row(services, sid)
        return submission.status == "processing" and submission.lease_until < utcnow()

    wait_for(lease_expired, timeout=60, what="the starved heartbeat to let the lease expire")
    report = recover(services.sessions, settings, services.jobs, services.redis)
    assert report.extended == [sid] and sid not in report.requeued and sid not in report.failed
    wait_for(lambda: row(services, sid).status in ("proposed", "failed"), timeout=90, what="a definite state")
    submission = row(services, sid)
    assert submission.status == "proposed" and submission.attempts == 1
    with services.sessions() as session:
        records = session.query(JobRecord).filter_by(submission_id=sid).all()
        started = session.query(AuditEvent).filter_by(submission_id=sid, action="processing.started").count()
    assert [r.state for r in records] == ["succeeded"] and started == 1
