"""``python -m worker`` / ``safepub worker``: build the engine once, then fork a work horse per job.

The worker holds the key-encryption key and the database and archive credentials, so it never parses an
uploaded document itself: its engine is a :class:`redaction.sandbox.SandboxedEngine`, which runs every
extraction, OCR, rendering, verification and page image in a fresh, limited child process (under bwrap
where available) and never loads spaCy here. ``SAFEPUB_SANDBOX=off`` (development only, or with
``SAFEPUB_ALLOW_UNSANDBOXED=true``) builds the in-process engine instead, loaded before any job runs so
that the forked work horses share the model copy-on-write.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from rq import Worker

from config.settings import ConfigurationError, Settings
from intake.logs import configure_logging
from intake.processing.engine import Engine
from intake.services import build_services
from worker import context as worker_context
from worker.context import WorkerContext
from worker.queue import SERIALIZER, RqJobQueue, connect, processing_queue
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


def record_type_only(job: Any, exc_type: type[BaseException], exc_value: BaseException, traceback: Any) -> bool:
    """RQ's exception handler here: the job id and the exception's type, never its message or traceback
    (RQ's default handler logs both, and a message could quote a document). Jobs raise type names only."""
    log.error("job failed", extra={"job": getattr(job, "id", None), "error": exc_type.__name__})
    return False  # handled: no further handler


def _secret_paths(settings: Settings) -> list[Path]:
    """What a parse must never read: the keyring, the audit key, the data directory (database file,
    sealed store, archive, embedded Redis) and the witness. Hidden inside the bwrap sandbox."""
    key = settings.audit_key_file
    paths = [settings.data_dir, key, key.with_name(key.name + ".pub"), settings.audit_witness]
    paths += [p for p in (settings.key_file, settings.storage_dir, settings.archive_dir) if p is not None]
    return paths


def build_engine(settings: Settings) -> Engine:
    """The engine the jobs use, from the settings. Raises ConfigurationError when the sandbox asked for
    cannot run, or when a production worker would parse documents without bwrap and that was not
    explicitly allowed (SAFEPUB_ALLOW_UNSANDBOXED=true)."""
    from redaction.budgets import Budgets
    from redaction.sandbox import Limits, SandboxedEngine, SandboxUnavailable

    budgets = _budgets(settings, Budgets)
    if settings.sandbox == "off":
        _require_sandbox(settings, "SAFEPUB_SANDBOX=off")
        from redaction.engine import RedactionEngine

        return RedactionEngine(profile=settings.engine_profile, ocr=settings.ocr, budgets=budgets)
    default = Limits()
    limits = Limits(
        memory_bytes=(settings.sandbox_memory_mb or default.memory_bytes // (1024 * 1024)) * 1024 * 1024,
        cpu_seconds=settings.sandbox_cpu_seconds or default.cpu_seconds,
    )
    timeout = {"timeout_seconds": settings.sandbox_timeout_seconds} if settings.sandbox_timeout_seconds else {}
    try:
        engine = SandboxedEngine(
            profile=settings.engine_profile,
            ocr=settings.ocr,
            mode=settings.sandbox,
            limits=limits,
            budgets=budgets,
            hidden=_secret_paths(settings),
            **timeout,  # type: ignore[arg-type]
        )
    except SandboxUnavailable:
        raise ConfigurationError(
            "SAFEPUB_SANDBOX=bwrap but bwrap cannot create a sandbox here: install Debian's bubblewrap "
            "(make system-deps) and allow unprivileged user namespaces, or set SAFEPUB_SANDBOX=auto"
        ) from None
    if engine.mode != "bwrap":
        _require_sandbox(settings, "bwrap is not usable, so documents would be parsed with process limits only")
    log.info("document sandbox", extra={"mode": engine.mode})
    return engine


def _require_sandbox(settings: Settings, why: str) -> None:
    if settings.environment == "production" and not settings.allow_unsandboxed:
        raise ConfigurationError(
            f"refusing to start in production without the document sandbox: {why}. Install Debian's "
            "bubblewrap (make system-deps), or set SAFEPUB_ALLOW_UNSANDBOXED=true to accept the risk"
        )


def _budgets(settings: Settings, budgets_type: Any) -> Any:
    """Budgets with the settings' overrides; unset ones keep redaction.budgets' defaults."""
    mb, million = 1024 * 1024, 1_000_000
    overrides = {
        "max_pages": settings.max_pages,
        "max_objects": settings.max_objects,
        "max_image_pixels": settings.max_image_megapixels and settings.max_image_megapixels * million,
        "max_render_pixels": settings.max_render_megapixels and settings.max_render_megapixels * million,
        "max_stream_bytes": settings.max_stream_mb and settings.max_stream_mb * mb,
        "max_total_stream_bytes": settings.max_inflated_mb and settings.max_inflated_mb * mb,
    }
    return budgets_type(**{key: value for key, value in overrides.items() if value})


def build_worker(settings: Settings, engine: Engine | None = None) -> SafePubWorker:
    started = time.monotonic()
    engine = engine or build_engine(settings)  # first: a missing sandbox is reported before anything else
    redis = connect(settings)
    services = build_services(settings, redis=redis, jobs=RqJobQueue(settings, redis))
    queue = processing_queue(settings, redis)
    name = f"{settings.queue_name}.{socket.gethostname()}.{os.getpid()}.{time.time_ns() % 10**6}"
    ctx = WorkerContext(services=services, engine=engine, worker_name=name)
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
        serializer=SERIALIZER,
        exception_handlers=[record_type_only],
        disable_default_exception_handler=True,
    )


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="safepub worker", description="process uploaded drafts")
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--check", action="store_true", help="check the dependencies a worker needs, then exit")
    args = parser.parse_args(argv)
    if args.check:  # worker.check: one line per failing dependency, exit 1; 0 when all are usable
        from worker.check import run_check

        try:
            return run_check(settings or Settings.from_env(), build_engine)
        except ConfigurationError as exc:
            print(f"safepub worker: {exc}", file=sys.stderr)
            return 2
    from redaction.sandbox import harden_current_process

    harden_current_process()  # no core dumps of a process holding keys, no ptrace by the same user
    try:
        settings = settings or Settings.from_env()
        configure_logging(settings.log_level)
        worker = build_worker(settings)
    except ConfigurationError as exc:  # say what to set, not a traceback
        print(f"safepub worker: {exc}", file=sys.stderr)
        return 2
    # with_scheduler: delayed retries (handover backoff) are released by RQ's scheduler
    worker.work(burst=args.burst, logging_level=settings.log_level, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
