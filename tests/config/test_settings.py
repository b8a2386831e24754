"""Settings are parsed once, typed, and fail fast naming the variable to set."""

from __future__ import annotations

import pytest

from config.settings import ConfigurationError, Settings


def test_defaults_come_from_the_data_dir(tmp_path):
    settings = Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'safepub.sqlite3'}"
    assert settings.key_file == tmp_path.parent / f"{tmp_path.name}.keyring.json"  # beside, not inside
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
        ("SAFEPUB_ENV", "staging"),
        ("SAFEPUB_SANDBOX", "chroot"),
        ("SAFEPUB_SANDBOX_MEMORY_MB", "100"),
        ("SAFEPUB_MAX_PAGES", "0"),
        ("SAFEPUB_ALLOW_UNSANDBOXED", "perhaps"),
    ],
)
def test_malformed_values_fail_fast_naming_the_variable(tmp_path, name, value):
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path), name: value})


def test_a_missing_secret_key_fails_with_what_to_set(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path)}).require_secret_key()


def test_the_sandbox_defaults_to_auto_in_development_with_the_engine_s_own_limits(tmp_path):
    settings = Settings.from_env({"SAFEPUB_DATA_DIR": str(tmp_path)})
    assert settings.environment == "development" and settings.sandbox == "auto"
    assert settings.allow_unsandboxed is False
    assert settings.sandbox_memory_mb is None and settings.max_pages is None  # defaults live in redaction/


def test_sandbox_and_budget_variables_are_parsed(tmp_path):
    settings = Settings.from_env(
        {
            "SAFEPUB_DATA_DIR": str(tmp_path),
            "SAFEPUB_ENV": "Production",
            "SAFEPUB_SANDBOX": "rlimits",
            "SAFEPUB_ALLOW_UNSANDBOXED": "true",
            "SAFEPUB_SANDBOX_MEMORY_MB": "2048",
            "SAFEPUB_SANDBOX_CPU_SECONDS": "120",
            "SAFEPUB_SANDBOX_TIMEOUT_SECONDS": "300",
            "SAFEPUB_MAX_PAGES": "500",
            "SAFEPUB_MAX_OBJECTS": "200000",
            "SAFEPUB_MAX_IMAGE_MEGAPIXELS": "100",
            "SAFEPUB_MAX_RENDER_MEGAPIXELS": "20",
            "SAFEPUB_MAX_STREAM_MB": "64",
            "SAFEPUB_MAX_INFLATED_MB": "512",
        }
    )
    assert (settings.environment, settings.sandbox, settings.allow_unsandboxed) == ("production", "rlimits", True)
    assert (settings.sandbox_memory_mb, settings.sandbox_cpu_seconds, settings.sandbox_timeout_seconds) == (
        2048,
        120,
        300,
    )
    assert (settings.max_pages, settings.max_objects, settings.max_image_megapixels) == (500, 200000, 100)
    assert (settings.max_render_megapixels, settings.max_stream_mb, settings.max_inflated_mb) == (20, 64, 512)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://redis.internal:6379/0", "must be rediss://"),
        ("rediss://redis.internal:6380/0", "needs a password"),
    ],
)
def test_production_refuses_a_network_redis_without_tls_or_a_password(url, message, tmp_path):
    env = {"SAFEPUB_DATA_DIR": str(tmp_path), "SAFEPUB_ENV": "production", "REDIS_URL": url}
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("env_name", "url"),
    [
        ("production", "rediss://:secret@redis.internal:6380/0"),
        ("production", "redis://127.0.0.1:6379/0"),  # this machine
        ("development", "redis://redis.internal:6379/0"),
    ],
)
def test_redis_urls_that_are_allowed(env_name, url, tmp_path):
    env = {"SAFEPUB_DATA_DIR": str(tmp_path), "SAFEPUB_ENV": env_name, "REDIS_URL": url}
    assert Settings.from_env(env).redis_url == url


def test_the_keyring_defaults_to_beside_the_data_directory_but_an_old_one_inside_is_still_used(tmp_path):
    data_dir = tmp_path / "instance"
    data_dir.mkdir()
    assert Settings.from_env({"SAFEPUB_DATA_DIR": str(data_dir)}).key_file == tmp_path / "instance.keyring.json"
    (data_dir / "keyring.json").write_text("{}")  # left there by an earlier version
    assert Settings.from_env({"SAFEPUB_DATA_DIR": str(data_dir)}).key_file == data_dir / "keyring.json"
