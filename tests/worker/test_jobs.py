"""process_submission with an injected fake engine: outcomes, idempotency, leases, recovery."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import func, select, update

from intake.models import (
    AuditEvent,
    DocumentVersion,
    JobRecord,
    NonPublicationRequest,
    ProposalRecord,
    Submission,
    utcnow,
)
from intake.processing.analysis import ProcessingError
from redaction.errors import RegisterError, UnsupportedDocumentError, VerificationFailed
from tests.worker.fakes import FakeEngine
from worker.context import WorkerContext
from worker.jobs import process_submission
from worker.queue import SERIALIZER
from worker.recovery import recover

TEXT = "Draft review. Zephyrine Quillfeather and her brother Orrin Quillfeather lived in Saltmarsh.\n"
REGISTER = {
    "people": [
        {"name": "Zephyrine Quillfeather", "role": "child", "aliases": []},
        {"name": "Orrin Quillfeather", "role": "sibling", "aliases": []},
    ]
}


def upload(client, world, who="uploader_a", text=TEXT, register=REGISTER) -> str:
    body = {
        "file": (io.BytesIO(text.encode()), "draft.txt"),
        "register": json.dumps(register),
        "title": "Child Z",
    }
    response = client.post("/api/v1/submissions", data=body, headers=world.headers(who))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def status_of(services, submission_id):
    with services.sessions() as session:
        return session.get(Submission, submission_id)


@pytest.fixture
def engine():
    return FakeEngine()


@pytest.fixture
def ctx(services, engine):
    return WorkerContext(services=services, engine=engine)


def test_when_processed_then_proposed_with_proposals_and_preview(client, world, services, ctx):
    sid = upload(client, world)
    result = process_submission(sid, context=ctx, owner="job-1")
    assert result["outcome"] == "proposed"
    submission = status_of(services, sid)
    assert submission.status == "proposed"
    assert submission.proposal_count == 2
    assert (submission.progress_page, submission.progress_total) == (3, 3)
    proposals = client.get(f"/api/v1/submissions/{sid}/proposals", headers=world.headers("reviewer")).get_json()
    assert sorted(p["text"] for p in proposals["proposals"]) == [
        "Orrin Quillfeather",
        "Zephyrine Quillfeather",
    ]
    preview = client.get(f"/api/v1/submissions/{sid}/preview.pdf", headers=world.headers("reviewer"))
    assert preview.status_code == 200
    assert b"Quillfeather" not in preview.data and b"Saltmarsh" in preview.data
    assert preview.headers["Cache-Control"] == "no-store"
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
    assert detail["proposals_by_category"] == {"PERSON_FAMILY": 2}


def test_when_the_register_reaches_the_engine_then_it_is_the_uploaded_one(client, world, ctx, engine):
    sid = upload(client, world)
    process_submission(sid, context=ctx, owner="job-1")
    assert json.loads(engine.seen_registers[0]) == REGISTER


def test_when_run_twice_then_the_second_run_is_a_no_op(client, world, services, ctx, engine):
    sid = upload(client, world)
    process_submission(sid, context=ctx, owner="job-1")
    again = process_submission(sid, context=ctx, owner="job-2")
    assert again["outcome"] == "already_proposed"
    assert engine.calls == 1
    with services.sessions() as session:
        assert (
            session.scalar(select(func.count()).select_from(ProposalRecord).where(ProposalRecord.submission_id == sid))
            == 2
        )


def test_when_an_abandoned_attempt_is_taken_over_then_results_are_replaced_not_duplicated(client, world, services, ctx):
    sid = upload(client, world)
    process_submission(sid, context=ctx, owner="job-1")
    # Simulate: the first attempt committed, then its worker died before RQ recorded success and
    # something put the submission back to processing with an expired lease.
    with services.sessions() as session, session.begin():
        session.execute(
            update(Submission)
            .where(Submission.id == sid)
            .values(status="processing", lease_owner="dead-job", lease_until=utcnow() - timedelta(seconds=1))
        )
    assert process_submission(sid, context=ctx, owner="job-2")["outcome"] == "proposed"
    with services.sessions() as session:
        assert (
            session.scalar(select(func.count()).select_from(ProposalRecord).where(ProposalRecord.submission_id == sid))
            == 2
        )
        previews = session.scalars(
            select(DocumentVersion).where(DocumentVersion.submission_id == sid, DocumentVersion.role == "preview")
        ).all()
        assert len(previews) == 1
        assert services.store.exists(previews[0].id)


def test_when_another_attempt_holds_a_live_lease_then_the_job_backs_off(client, world, services, ctx, engine):
    sid = upload(client, world)
    with services.sessions() as session, session.begin():
        session.execute(
            update(Submission)
            .where(Submission.id == sid)
            .values(status="processing", lease_owner="other", lease_until=utcnow() + timedelta(minutes=5))
        )
    assert process_submission(sid, context=ctx, owner="job-1")["outcome"] == "busy"
    assert engine.calls == 0


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (
            UnsupportedDocumentError("the PDF is password-protected; please upload an unprotected copy"),
            "password",
        ),
        (RegisterError("the register is not valid JSON"), "register"),
        (VerificationFailed("survivors", [("metadata", "PERSON_FAMILY")]), "metadata"),
    ],
)
def test_when_the_input_is_bad_then_failed_at_once_with_a_readable_reason(client, world, services, error, fragment):
    ctx = WorkerContext(services=services, engine=FakeEngine(fail_with=error))
    sid = upload(client, world)
    assert process_submission(sid, context=ctx, owner="job-1")["outcome"] == "failed"
    submission = status_of(services, sid)
    assert submission.status == "failed"
    assert fragment in submission.failure_reason
    assert submission.attempts == 1
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("uploader_a")).get_json()
    assert fragment in detail["failure_reason"]


def test_when_an_error_is_transient_then_the_retry_succeeds(client, world, services):
    engine = FakeEngine(fail_with=OSError("disk hiccup about Zephyrine"), fail_times=1)
    ctx = WorkerContext(services=services, engine=engine)
    sid = upload(client, world)
    with pytest.raises(ProcessingError) as raised:
        process_submission(sid, context=ctx, owner="job-1")
    assert str(raised.value) == "OSError"  # the type only: RQ stores this in Redis
    submission = status_of(services, sid)
    assert submission.status == "processing" and submission.lease_until <= utcnow()
    assert process_submission(sid, context=ctx, owner="job-1")["outcome"] == "proposed"
    with services.sessions() as session:
        states = session.scalars(
            select(JobRecord.state).where(JobRecord.submission_id == sid).order_by(JobRecord.attempt)
        ).all()
    assert states == ["failed", "succeeded"]


def test_when_every_attempt_fails_then_failed_after_the_last(client, world, services, settings):
    ctx = WorkerContext(services=services, engine=FakeEngine(fail_with=RuntimeError("boom")))
    sid = upload(client, world)
    for _ in range(settings.job_max_attempts - 1):
        with pytest.raises(ProcessingError):
            process_submission(sid, context=ctx, owner="job-1")
    assert process_submission(sid, context=ctx, owner="job-1")["outcome"] == "failed"
    submission = status_of(services, sid)
    assert submission.status == "failed"
    assert "Secretariat" in submission.failure_reason


def test_when_purged_then_the_job_does_nothing(client, world, services, ctx, engine):
    from intake.audit import SYSTEM
    from intake.submissions.purge import purge

    sid = upload(client, world)
    purge(services, sid, SYSTEM)
    assert process_submission(sid, context=ctx, owner="job-1")["outcome"] == "purged"
    assert engine.calls == 0


# -- recovery --------------------------------------------------------------------------------------------
def _expire(services, sid, attempts):
    with services.sessions() as session, session.begin():
        session.execute(
            update(Submission)
            .where(Submission.id == sid)
            .values(
                status="processing",
                lease_owner="dead",
                attempts=attempts,
                lease_until=utcnow() - timedelta(seconds=30),
            )
        )


def test_recovery_requeues_an_expired_lease_with_attempts_left(client, world, services, settings, redis_conn):
    sid = upload(client, world)
    _expire(services, sid, attempts=1)
    report = recover(services.sessions, settings, services.jobs, redis_conn)
    assert report.requeued == [sid]
    submission = status_of(services, sid)
    assert submission.status == "received"
    queue = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER)
    assert submission.queued_job_id in queue.job_ids


def test_recovery_fails_an_expired_lease_without_attempts_left(client, world, services, settings, redis_conn):
    sid = upload(client, world)
    _expire(services, sid, attempts=settings.job_max_attempts)
    report = recover(services.sessions, settings, services.jobs, redis_conn)
    assert report.failed == [sid]
    submission = status_of(services, sid)
    assert submission.status == "failed" and "Secretariat" in submission.failure_reason


def test_recovery_leaves_a_live_lease_alone(client, world, services, settings, redis_conn):
    sid = upload(client, world)
    with services.sessions() as session, session.begin():
        session.execute(
            update(Submission)
            .where(Submission.id == sid)
            .values(status="processing", lease_owner="alive", lease_until=utcnow() + timedelta(minutes=1))
        )
    report = recover(services.sessions, settings, services.jobs, redis_conn)
    assert report.requeued == [] and report.failed == []


def test_recovery_enqueues_a_stale_received_submission_whose_job_was_lost(
    client, world, services, settings, redis_conn
):
    sid = upload(client, world)
    old_job = status_of(services, sid).queued_job_id
    later = utcnow() + timedelta(seconds=settings.job_lease_seconds + 1)
    # While its job is still queued, nothing happens.
    assert recover(services.sessions, settings, services.jobs, redis_conn, now=later).requeued == []
    Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER).remove(old_job)
    redis_conn.delete(f"rq:job:{old_job}")
    report = recover(services.sessions, settings, services.jobs, redis_conn, now=later)
    assert report.requeued == [sid]
    assert status_of(services, sid).queued_job_id != old_job


def test_when_many_attempts_claim_at_once_then_exactly_one_wins(client, world, services, ctx):
    import threading

    from intake.processing.lease import claim

    sid = upload(client, world)
    results: list[str] = []
    barrier = threading.Barrier(6)

    def attempt(owner: str) -> None:
        barrier.wait()
        try:
            results.append(claim(ctx.services, sid, owner, ctx.worker_name))
        except Exception as exc:  # noqa: BLE001 - SQLite may refuse a concurrent writer: that is a loss, not a win
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=attempt, args=(f"job-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("claimed") == 1, results
    assert status_of(services, sid).attempts == 1


def test_the_recovery_sweep_never_signs_a_checkpoint_and_never_creates_a_signing_key(services, settings, redis_conn):
    """Signing happens in one place (`safepub audit sign`); a worker holds no signing key."""
    from intake import audit
    from intake.models import AuditCheckpoint

    with services.sessions() as session, session.begin():
        for n in range(150):
            audit.append(session, "test.event", details={"n": n})
    recover(services.sessions, settings, services.jobs, redis_conn)
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditCheckpoint)) == 0
    assert not settings.audit_key_file.exists()


def test_when_an_approval_never_got_its_final_render_then_the_sweep_queues_it_again_once(
    client, world, services, settings, redis_conn
):
    long_ago = utcnow() - timedelta(seconds=settings.job_timeout_seconds + settings.job_lease_seconds + 60)
    submission_id = upload(client, world)
    with services.sessions() as session, session.begin():
        session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(status="approving", approved_at=long_ago, updated_at=long_ago)
        )
    first = recover(services.sessions, settings, services.jobs, redis_conn)
    second = recover(services.sessions, settings, services.jobs, redis_conn)
    assert first.finalise_requeued == [submission_id]
    assert second.finalise_requeued == []  # the clock restarted: no flood of duplicates
    queued = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER).get_job_ids()
    assert sum("finalise" in job_id and submission_id in job_id for job_id in queued) == 1
    with services.sessions() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.submission_id == submission_id)).all()
    assert "approval.finalise_requeued" in actions


def test_when_an_approved_review_lost_its_handover_job_then_the_sweep_queues_it_again_once(
    client, world, services, settings, redis_conn
):
    assert settings.archive_sinks, "the test settings hand over to the folder-drop archive"
    long_ago = utcnow() - timedelta(seconds=settings.job_timeout_seconds + settings.job_lease_seconds + 60)
    lost, held, recent = upload(client, world), upload(client, world), upload(client, world)
    with services.sessions() as session, session.begin():
        for submission_id in (lost, held):
            session.execute(
                update(Submission).where(Submission.id == submission_id).values(status="approved", updated_at=long_ago)
            )
        session.execute(update(Submission).where(Submission.id == recent).values(status="approved"))
        held_row = session.get(Submission, held)
        assert held_row is not None
        session.add(
            NonPublicationRequest(
                submission_id=held,
                partnership_id=held_row.partnership_id,
                requested_by=world.accounts["uploader_a"].user_id,
                category="risk_to_child_safety",
                grounds_enc=b"sealed",
            )
        )
    first = recover(services.sessions, settings, services.jobs, redis_conn)
    second = recover(services.sessions, settings, services.jobs, redis_conn)
    assert first.handover_requeued == [lost]  # not the held one, not the one approved a moment ago
    assert second.handover_requeued == []  # the clock restarted: no flood of duplicates
    queued = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER).get_job_ids()
    assert sum("handover" in job_id and lost in job_id for job_id in queued) == 1
    with services.sessions() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.submission_id == lost)).all()
    assert "handover.requeued" in actions


def test_when_a_verification_layer_did_not_run_then_the_result_needs_review_and_approval_waits(client, world, services):
    """Fail closed: the preview's verification reports that the second parser timed out. The submission
    is proposed (a human can still review it) but held: the reason, without document text, is in
    needs_review and on the submission, and no approval is possible until a Secretariat override."""
    ctx = WorkerContext(services=services, engine=FakeEngine(warnings=("second parser (pypdf) timed out",)))
    sid = upload(client, world)
    assert process_submission(sid, context=ctx, owner="job-1")["outcome"] == "proposed"
    detail = client.get(f"/api/v1/submissions/{sid}", headers=world.headers("reviewer")).get_json()
    assert detail["status"] == "proposed" and detail["needs_review_count"] == 1
    assert detail["verification_hold"].startswith("A verification layer did not run (second parser (pypdf) timed out")
    assert detail["verification_hold_overridden"] is False
    with services.sessions() as session:
        [finished] = session.scalars(
            select(AuditEvent).where(AuditEvent.submission_id == sid, AuditEvent.action == "processing.finished")
        ).all()
    assert json.loads(finished.details)["verification_held"] is True

    clean = WorkerContext(services=services, engine=FakeEngine())
    other = upload(client, world)
    assert process_submission(other, context=clean, owner="job-2")["outcome"] == "proposed"
    detail = client.get(f"/api/v1/submissions/{other}", headers=world.headers("reviewer")).get_json()
    assert detail["verification_hold"] is None and detail["needs_review_count"] == 0


def _running_in(redis_conn, settings, services, sid, *, worker_alive: bool):
    """The state a live (or dead) worker leaves: the lease owner is an RQ job in the queue's
    StartedJobRegistry (a real Execution), the attempt's record names the worker, the lease has expired.
    ``worker_alive``: the worker's RQ key is registered by a real Worker object in this process (so its
    pid exists), or was registered and then its death recorded."""
    from rq.executions import Execution
    from rq.worker import Worker

    queue = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER)
    job = queue.enqueue("worker.jobs.process_submission", sid, job_id=f"{settings.queue_name}-process-{sid}-x")
    name = f"{settings.queue_name}.live-worker"
    rq_worker = Worker([queue], connection=redis_conn, name=name, serializer=SERIALIZER)
    rq_worker.register_birth()
    if not worker_alive:
        rq_worker.register_death()
    with redis_conn.pipeline() as pipeline:
        Execution.create(job, ttl=600, pipeline=pipeline, worker_name=name)
        pipeline.execute()
    _expire(services, sid, attempts=1)
    with services.sessions() as session, session.begin():
        session.execute(update(Submission).where(Submission.id == sid).values(lease_owner=job.id))
        session.add(JobRecord(submission_id=sid, rq_job_id=job.id, attempt=1, state="running", worker=name))


def test_recovery_leaves_an_expired_lease_alone_while_its_worker_is_alive_and_extends_it(
    client, world, services, settings, redis_conn
):
    """A heartbeat starved by a long C call lets the lease expire while the job still runs: the sweep
    finds the job's worker alive and the job started, so it extends the lease and re-queues nothing."""
    sid = upload(client, world)
    _running_in(redis_conn, settings, services, sid, worker_alive=True)
    report = recover(services.sessions, settings, services.jobs, redis_conn)
    assert report.extended == [sid] and report.requeued == [] and report.failed == []
    submission = status_of(services, sid)
    assert submission.status == "processing" and submission.lease_until > utcnow()


def test_recovery_requeues_an_expired_lease_whose_worker_registered_its_death(
    client, world, services, settings, redis_conn
):
    sid = upload(client, world)
    _running_in(redis_conn, settings, services, sid, worker_alive=False)
    report = recover(services.sessions, settings, services.jobs, redis_conn)
    assert report.extended == [] and report.requeued == [sid]
    assert status_of(services, sid).status == "received"
