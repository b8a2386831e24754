"""``safepub metrics`` as its own process: off unless a port is given, then serves the collector on
SAFEPUB_METRICS_BIND:SAFEPUB_METRICS_PORT (issue 14, part 3)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from config.settings import Settings
from intake.db import make_engine, migrate
from intake.storage.crypto import Keyring
from tests.conftest import TEST_REDIS_URL

REPO = Path(__file__).resolve().parents[3]


def environment(tmp_path: Path, namespace: str) -> dict[str, str]:
    key_file = tmp_path / "keyring.json"
    Keyring.create_file(key_file)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SAFEPUB_DATA_DIR": str(tmp_path / "data"),
        "SAFEPUB_KEY_FILE": str(key_file),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'metrics.sqlite3'}",
        "REDIS_URL": TEST_REDIS_URL,
        "SAFEPUB_QUEUE": namespace,
    }
    migrate(make_engine(Settings.from_env(env)))
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_metrics_are_off_by_default(tmp_path: Path, namespace: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "intake.cli", "metrics"], env=environment(tmp_path, namespace), cwd=REPO,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "SAFEPUB_METRICS_PORT" in result.stderr


def test_the_command_serves_the_collector_on_the_configured_port(tmp_path: Path, namespace: str) -> None:
    port = free_port()
    env = {**environment(tmp_path, namespace), "SAFEPUB_METRICS_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "intake.cli", "metrics"], env=env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline, body = time.monotonic() + 60, None
        while body is None and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the exporter never answered"
        samples = {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body)
            for s in family.samples
        }
        assert samples[("safepub_submissions", (("status", "received"),))] == 0
        assert samples[("safepub_queue_jobs", (("queue", namespace), ("state", "queued")))] == 0
        assert samples[("safepub_metrics_source_up", (("source", "redis"),))] == 1
    finally:
        process.terminate()
        process.wait(timeout=30)
