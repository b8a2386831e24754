"""The worker's engine comes from the settings: sandboxed by default, with the settings' limits and
budgets; production refuses to start without bwrap unless explicitly allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import ConfigurationError, Settings
from redaction.sandbox import SandboxedEngine, bwrap_usable
from worker.__main__ import build_engine

REPO = Path(__file__).resolve().parents[2]


def settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(data_dir=tmp_path, database_url="sqlite://").with_overrides(ocr=False, **changes)


def test_by_default_the_worker_s_engine_is_sandboxed(tmp_path: Path) -> None:
    engine = build_engine(settings(tmp_path))
    assert isinstance(engine, SandboxedEngine)
    assert engine.mode == ("bwrap" if bwrap_usable() else "rlimits")


def test_the_settings_limits_and_budgets_reach_the_sandbox(tmp_path: Path) -> None:
    engine = build_engine(
        settings(
            tmp_path,
            sandbox="rlimits",
            sandbox_memory_mb=1024,
            sandbox_cpu_seconds=30,
            sandbox_timeout_seconds=45,
            max_pages=10,
            max_image_megapixels=5,
        )
    )
    assert isinstance(engine, SandboxedEngine)
    assert (engine.limits.memory_bytes, engine.limits.cpu_seconds, engine.timeout_seconds) == (1 << 30, 30, 45)
    assert (engine.budgets.max_pages, engine.budgets.max_image_pixels) == (10, 5_000_000)
    assert engine.budgets.max_objects == 1_000_000  # unset: the engine's default


@pytest.mark.parametrize("mode", ["off", "rlimits"])
def test_production_refuses_to_parse_documents_without_bwrap(tmp_path: Path, mode: str) -> None:
    with pytest.raises(ConfigurationError, match="SAFEPUB_ALLOW_UNSANDBOXED"):
        build_engine(settings(tmp_path, environment="production", sandbox=mode))


def test_production_may_run_unsandboxed_when_explicitly_allowed(tmp_path: Path) -> None:
    engine = build_engine(settings(tmp_path, environment="production", sandbox="rlimits", allow_unsandboxed=True))
    assert isinstance(engine, SandboxedEngine) and engine.mode == "rlimits"


@pytest.mark.skipif(not bwrap_usable(), reason="bwrap cannot create a sandbox here")
def test_production_with_bwrap_starts(tmp_path: Path) -> None:
    engine = build_engine(settings(tmp_path, environment="production", sandbox="bwrap"))
    assert isinstance(engine, SandboxedEngine) and engine.mode == "bwrap"


def test_the_worker_process_never_loads_spacy() -> None:
    code = (
        "import sys\n"
        "from config.settings import Settings\n"
        "from worker.__main__ import build_engine\n"
        "build_engine(Settings(data_dir=__import__('pathlib').Path('/tmp'), database_url='sqlite://'))\n"
        "print(sorted(m for m in ('spacy', 'presidio_analyzer') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.stdout.strip() == "[]", result.stderr[-2000:]


def test_a_production_worker_without_a_sandbox_exits_with_what_to_set(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "SAFEPUB_DATA_DIR": str(tmp_path),
        "SAFEPUB_ENV": "production",
        "SAFEPUB_SANDBOX": "off",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "worker", "--burst"], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("safepub worker: refusing to start in production")
    assert "SAFEPUB_ALLOW_UNSANDBOXED" in result.stderr and "Traceback" not in result.stderr


def test_off_in_development_builds_the_in_process_engine_with_the_settings_budgets(tmp_path: Path) -> None:
    from redaction.engine import RedactionEngine

    engine = build_engine(settings(tmp_path, sandbox="off", max_pages=7))
    assert isinstance(engine, RedactionEngine)
    assert engine.budgets is not None and engine.budgets.max_pages == 7
