"""``python -m worker`` / ``safepub worker``: load the engine once, then fork a work horse per job.

The spaCy model and analyzers are built in this parent process before any job runs, so every forked
work horse shares them copy-on-write instead of loading them again (seconds and hundreds of MB).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import time
from typing import Any

from rq import Worker

from config.settings import Settings
from intake.logs import configure_logging
from intake.processing.engine import Engine
from intake.services import build_services
from worker import context as worker_context
from worker.context import WorkerContext
from worker.queue import RqJobQueue, connect, processing_queue
from worker.recovery import recover

log = logging.getLogger("safepub.worker")


class SafePubWorker(Worker):
    """RQ's forking worker plus SafePub's recovery sweep in its maintenance hook."""

    def __init__(self, *args: Any, context: WorkerContext, recovery_interval: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.recovery_interval = recovery_interval
        self._last_recovery = 0.0

    @property
    def should_run_maintenance_tasks(self) -> bool:  # type: ignore[override]
        return bool(super().should_run_maintenance_tasks) or (
            time.monotonic() - self._last_recovery >= self.recovery_interval
        )

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        self._last_recovery = time.monotonic()
        services = self.context.fork_safe_services()
        try:
            recover(services.sessions, services.settings, services.jobs, services.redis)
        except Exception as exc:  # noqa: BLE001 - the sweep must never take the worker down
            log.error("recovery sweep failed", extra={"error": type(exc).__name__})


def build_engine(settings: Settings) -> Engine:
    from redaction.engine import RedactionEngine

    return RedactionEngine(profile=settings.engine_profile, ocr=settings.ocr)


def build_worker(settings: Settings, engine: Engine | None = None) -> SafePubWorker:
    redis = connect(settings)
    services = build_services(settings, redis=redis, jobs=RqJobQueue(settings, redis))
    queue = processing_queue(settings, redis)
    name = f"{settings.queue_name}.{socket.gethostname()}.{os.getpid()}.{time.time_ns() % 10**6}"
    started = time.monotonic()
    ctx = WorkerContext(services=services, engine=engine or build_engine(settings), worker_name=name)
    log.info("engine loaded", extra={"seconds": round(time.monotonic() - started, 1)})
    worker_context.install(ctx)
    # worker_ttl bounds how long the dequeue blocks, i.e. how often maintenance (recovery) can run.
    ttl = max(settings.recovery_interval_seconds + 15, 20)
    return SafePubWorker(
        [queue],
        connection=redis,
        name=name,
        context=ctx,
        recovery_interval=settings.recovery_interval_seconds,
        worker_ttl=ttl,
        maintenance_interval=settings.recovery_interval_seconds,
    )


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="safepub worker", description="process uploaded drafts")
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    args = parser.parse_args(argv)
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    worker = build_worker(settings)
    # with_scheduler: delayed retries (handover backoff) are released by RQ's scheduler
    worker.work(burst=args.burst, logging_level=settings.log_level, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
