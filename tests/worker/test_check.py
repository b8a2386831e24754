"""``safepub worker --check`` (issue 14, part 2): exit 0 when every dependency a worker needs is usable,
otherwise 1 with one line per failing dependency, each naming it. Real PostgreSQL/SQLite and Redis; the
failures are real too (an unreachable Redis, a schema never migrated, a missing keyring, production
without bwrap)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import Settings
from intake.db import make_engine, migrate
from intake.storage.crypto import Keyring
from redaction.sandbox import bwrap_usable
from worker.__main__ import build_engine, main
from worker.check import failures, run_check

REPO = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"


def prefixes(lines: list[str]) -> list[str]:
    return sorted(line.split(":", 1)[0] for line in lines)


def test_all_usable_exits_0(settings, services, capsys) -> None:
    assert run_check(settings, build_engine) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("ok:") and captured.err == ""


def test_each_failing_dependency_is_one_line(settings, services) -> None:
    broken = settings.with_overrides(redis_url=DEAD_REDIS, key_file=settings.data_dir / "no-such-keyring.json")
    lines = failures(broken, build_engine)
    # database reachable and migrated: only Redis and the keyring (and the store, which needs the keyring)
    assert prefixes(lines) == ["keyring", "redis", "store"]
    assert all("\n" not in line for line in lines)


def test_an_unmigrated_database_fails_migrations_only(settings, redis_conn) -> None:
    assert prefixes(failures(settings, build_engine)) == ["migrations"]


def test_production_without_bwrap_fails_the_sandbox(settings, services) -> None:
    lines = failures(settings.with_overrides(environment="production", sandbox="rlimits"), build_engine)
    assert prefixes(lines) == ["sandbox"]
    assert "SAFEPUB_ALLOW_UNSANDBOXED" in lines[0]


@pytest.mark.skipif(bwrap_usable(), reason="bwrap works here, so SAFEPUB_SANDBOX=bwrap is usable")
def test_bwrap_asked_for_but_unusable_fails_the_sandbox(settings, services) -> None:
    assert prefixes(failures(settings.with_overrides(sandbox="bwrap"), build_engine)) == ["sandbox"]


def test_main_with_check_returns_the_check_s_code(settings, services) -> None:
    assert main(["--check"], settings=settings) == 0
    assert main(["--check"], settings=settings.with_overrides(redis_url=DEAD_REDIS)) == 1


def _env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    data = tmp_path / "data"
    key_file = tmp_path / "keyring.json"
    Keyring.create_file(key_file)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SAFEPUB_DATA_DIR": str(data),
        "SAFEPUB_KEY_FILE": str(key_file),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "REDIS_URL": redis_url,
        "SAFEPUB_OCR": "0",
    }


def test_python_m_worker_check_as_a_process(tmp_path: Path) -> None:
    from tests.conftest import TEST_REDIS_URL

    env = _env(tmp_path, TEST_REDIS_URL)
    command = [sys.executable, "-m", "worker", "--check"]
    fresh = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert fresh.returncode == 1
    assert [line.split(":", 1)[0] for line in fresh.stderr.strip().splitlines()] == ["migrations"]

    migrate(make_engine(Settings.from_env(env)))
    ready = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert ready.returncode == 0, ready.stderr
    assert ready.stdout.startswith("ok:")

    down = subprocess.run(
        command, env={**env, "REDIS_URL": DEAD_REDIS}, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert down.returncode == 1
    assert down.stderr.startswith("redis: ") and len(down.stderr.strip().splitlines()) == 1


def test_safepub_worker_check_is_the_same_command(tmp_path: Path) -> None:
    env = _env(tmp_path, DEAD_REDIS)
    result = subprocess.run(
        [sys.executable, "-m", "intake.cli", "worker", "--check"], env=env, cwd=REPO, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert prefixes(result.stderr.strip().splitlines()) == ["migrations", "redis"]


def test_a_malformed_setting_exits_2(tmp_path: Path) -> None:
    env = {**_env(tmp_path, DEAD_REDIS), "SAFEPUB_SANDBOX": "sometimes"}
    result = subprocess.run(
        [sys.executable, "-m", "worker", "--check"], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2 and "SAFEPUB_SANDBOX" in result.stderr
