"""Settings are parsed once, typed, and fail fast naming the variable to set."""

from __future__ import annotations

import pytest

from config.settings import ConfigurationError, Settings


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
