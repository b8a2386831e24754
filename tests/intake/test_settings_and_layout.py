"""Settings parsing, and the import rules of CONVENTIONS.md (kept true by a test, not by hope)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import ConfigurationError, Settings

REPO = Path(__file__).resolve().parents[2]


def test_defaults_come_from_the_data_dir(tmp_path):
    settings = Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'safepub.sqlite3'}"
    assert settings.key_file == tmp_path / "keyring.json"
    assert settings.storage_dir == tmp_path / "store"
    assert settings.port == 8000 and settings.max_upload_bytes == 50 * 1024 * 1024
    assert settings.redis_url is None and settings.cookie_secure is True


def test_values_are_parsed_once_and_typed(tmp_path):
    settings = Settings.from_env(
        {
            "SAFEPUB_DATA_DIR": str(tmp_path),
            "PORT": "9001",
            "SAFEPUB_MAX_UPLOAD_MB": "7",
            "DATABASE_URL": "postgres://u@h/db",
            "REDIS_URL": "redis://r:6379/2",
            "SAFEPUB_COOKIE_SECURE": "no",
            "SECRET_KEY": "s" * 40,
        }
    )
    assert settings.port == 9001 and settings.max_upload_bytes == 7 * 1024 * 1024
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.cookie_secure is False and settings.redis_url == "redis://r:6379/2"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "eighty"),
        ("SAFEPUB_MAX_UPLOAD_MB", "0"),
        ("SAFEPUB_COOKIE_SECURE", "maybe"),
        ("SAFEPUB_QUEUE", "a b"),
    ],
)
def test_malformed_values_fail_fast_naming_the_variable(tmp_path, name, value):
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path), name: value})


def test_a_missing_secret_key_fails_with_what_to_set(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path)}).require_secret_key()


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _sources(*packages: str) -> list[Path]:
    return [p for package in packages for p in (REPO / package).rglob("*.py")]


def test_worker_never_imports_the_web_or_api_layers():
    for path in _sources("worker"):
        bad = {n for n in _imports(path) if n.startswith(("intake.web", "intake.api", "intake.app", "flask"))}
        assert not bad, f"{path.relative_to(REPO)} imports {bad}"


def test_nothing_imports_worker_jobs_directly():
    for path in _sources("intake", "worker", "config"):
        assert "worker.jobs" not in _imports(path), f"{path.relative_to(REPO)} imports worker.jobs"


@pytest.mark.parametrize(
    "module",
    ["crypto", "store", "audit", "models", "db", "keys", "auth", "submissions", "services", "logs", "access"],
)
def test_core_modules_do_not_import_flask(module):
    names = _imports(REPO / "intake" / f"{module}.py")
    assert not {n for n in names if n.split(".")[0] == "flask" or n.startswith(("intake.web", "intake.api"))}


def test_only_entry_points_read_the_environment():
    allowed = {REPO / "config" / "settings.py", REPO / "intake" / "devserver.py", REPO / "tests"}
    for path in _sources("intake", "worker", "config"):
        if path in allowed:
            continue
        assert "os.environ" not in path.read_text(encoding="utf-8"), f"{path.relative_to(REPO)} reads os.environ"


def test_engine_commands_do_not_import_flask():
    code = (
        "import sys, intake.cli\n"
        "try:\n    intake.cli.main(['redact', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('flask' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "False False", result.stdout + result.stderr


def test_log_lines_are_json_and_mask_anything_shaped_like_a_token():
    import io
    import json
    import logging

    from intake.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("safepub.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("got header Bearer abc.def", extra={"token": "sp_" + "A" * 40, "count": 3})
        try:
            raise ValueError("Zephyrine Quillfeather")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert "abc.def" not in first["event"] and "AAAA" not in first["token"] and first["count"] == 3
    assert second["exc_type"] == "ValueError" and "Zephyrine" not in json.dumps(second)
