"""RqJobQueue's review-screen jobs on the real Redis: ids only in the job, ahead of queued processing,
and one job per preview however often the page asks."""

from __future__ import annotations

from rq import Queue

from worker.queue import MANUAL_JOB, PREVIEW_JOB, PROCESS_JOB, SERIALIZER, RqJobQueue


def test_a_preview_is_queued_once_ahead_of_processing_with_ids_only(settings, redis_conn):
    jobs = RqJobQueue(settings, redis_conn)
    assert jobs.process("sub1") is not None
    digest = "ab" * 32
    first = jobs.preview("sub2", 3, digest)
    assert first is not None
    assert jobs.preview("sub2", 3, digest) is None  # asked again while queued: not queued twice
    assert jobs.preview("sub2", 4, digest) is not None  # another page is another job
    task = jobs.manual("task1")
    queue = Queue(settings.queue_name, connection=redis_conn, serializer=SERIALIZER)
    queued = [queue.fetch_job(job_id) for job_id in queue.job_ids]
    assert [job.func_name for job in queued] == [MANUAL_JOB, PREVIEW_JOB, PREVIEW_JOB, PROCESS_JOB]
    assert queued[0].id == task and queued[2].id == first
    assert list(queued[2].args) == ["sub2", 3, digest] and list(queued[0].args) == ["task1"]


def test_job_data_in_redis_is_json_not_pickle(settings, redis_conn):
    """Anyone who can write to Redis must not be able to make the worker unpickle (run) code: the job's
    stored call is JSON, and a worker reading it uses the JSON serializer."""
    import json
    import pickle
    import zlib

    job_id = RqJobQueue(settings, redis_conn).process("sub1")
    raw = redis_conn.hget(f"rq:job:{job_id}", "data")
    try:
        raw = zlib.decompress(raw)
    except zlib.error:
        pass
    call = json.loads(raw)
    assert call[0] == PROCESS_JOB and call[2] == ["sub1"]
    try:
        pickle.loads(raw)
        raise AssertionError("job data is a pickle")
    except pickle.UnpicklingError:
        pass
