"""Start real worker processes for tests, configured only through the environment (as in production)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from config.settings import Settings

REPO = Path(__file__).resolve().parents[2]

FAKE_WORKER = """
import json, sys
from config.settings import Settings
from intake.logs import configure_logging
from tests.worker.fakes import FakeEngine
from worker.__main__ import build_worker
settings = Settings.from_env()
configure_logging(settings.log_level)
build_worker(settings, engine=FakeEngine(**json.loads(sys.argv[1]))).work(logging_level=settings.log_level)
"""


def settings_env(settings: Settings) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFEPUB_", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PYTEST_"))
    }
    env.update(
        {
            "SAFEPUB_DATA_DIR": str(settings.data_dir),
            "DATABASE_URL": settings.database_url,
            "SAFEPUB_DATABASE_SCHEMA": settings.database_schema or "",
            "REDIS_URL": settings.redis_url or "",
            "SAFEPUB_QUEUE": settings.queue_name,
            "SAFEPUB_KEY_FILE": str(settings.key_file),
            "SECRET_KEY": settings.secret_key or "",
            "SAFEPUB_JOB_LEASE_SECONDS": str(settings.job_lease_seconds),
            "SAFEPUB_JOB_MAX_ATTEMPTS": str(settings.job_max_attempts),
            "SAFEPUB_RECOVERY_INTERVAL": str(settings.recovery_interval_seconds),
            "SAFEPUB_MAX_UPLOAD_MB": str(max(1, settings.max_upload_bytes // (1024 * 1024))),
            "PYTHONPATH": str(REPO),
        }
    )
    return env


def start_worker(settings: Settings, log_path: Path, *, fake: dict[str, Any] | None = None) -> subprocess.Popen:
    """A worker in its own session (process group), so a test can kill it together with its horse."""
    command = (
        [sys.executable, "-c", FAKE_WORKER, json.dumps(fake)] if fake is not None else [sys.executable, "-m", "worker"]
    )
    log = open(log_path, "ab")  # noqa: SIM115 - closed by stop_worker via the Popen's lifetime
    return subprocess.Popen(
        command,
        cwd=REPO,
        env=settings_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=5)


def horse_pids(process: subprocess.Popen) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(process.pid).children()]
    except psutil.NoSuchProcess:
        return []


def wait_for(predicate: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
