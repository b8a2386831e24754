"""Shared fixtures for the service tests. They compose: database -> settings -> services -> app -> client.

Real services only: SQLite always, PostgreSQL as well when TEST_DATABASE_URL is set (the ``database``
fixture is parametrised), and the real Redis at TEST_REDIS_URL. Tests run in parallel under
pytest-xdist, possibly next to another developer's run on the same machine, so every test gets

* its own SQLite file, or its own PostgreSQL schema (dropped afterwards);
* its own Redis key namespace: the queue name (which prefixes every RQ key, job ids and worker names
  too) and the rate-limit prefix are ``sptest-<xdist worker>-<random>``; only keys containing it
  are deleted at the end, never the whole database.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import create_engine, text

from config.settings import Settings
from intake.db import migrate
from intake.services import Services, build_services
from intake.storage.crypto import Keyring
from worker.queue import RqJobQueue

REPO = Path(__file__).resolve().parent.parent
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
CORPUS = REPO.parent / "shared" / "corpus" / "dev"
SCORER = REPO.parent / "shared" / "eval" / "score.py"

DATABASES = ["sqlite", "postgresql"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without TEST_DATABASE_URL the PostgreSQL variants are skipped with a reason, not silently dropped."""
    if TEST_DATABASE_URL:
        return
    skip = pytest.mark.skip(reason="TEST_DATABASE_URL is not set (.ci/run sets it to the machine's PostgreSQL)")
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database") == "postgresql":
            item.add_marker(skip)


def _worker_id(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture
def namespace(request: pytest.FixtureRequest) -> str:
    return f"sptest-{_worker_id(request)}-{uuid.uuid4().hex[:10]}"


@dataclass
class Database:
    kind: str
    url: str
    schema: str | None = None


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path: Path, namespace: str) -> Iterator[Database]:
    if request.param == "sqlite":
        yield Database("sqlite", f"sqlite:///{tmp_path / 'safepub.sqlite3'}")
        return
    assert TEST_DATABASE_URL
    from config.settings import normalise_database_url

    url = normalise_database_url(TEST_DATABASE_URL)
    schema = namespace.replace("-", "_")
    yield Database("postgresql", url, schema)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def settings(database: Database, tmp_path: Path, namespace: str) -> Settings:
    data_dir = tmp_path / "instance"
    data_dir.mkdir()
    key_file = data_dir / "keyring.json"
    Keyring.create_file(key_file)
    return Settings(
        data_dir=data_dir,
        database_url=database.url,
        database_schema=database.schema,
        secret_key=secrets.token_urlsafe(32),
        redis_url=TEST_REDIS_URL,
        queue_name=namespace,
        key_file=key_file,
        cookie_secure=False,
        max_upload_bytes=2 * 1024 * 1024,
        job_lease_seconds=5,
        job_max_attempts=3,
        recovery_interval_seconds=1,
        login_attempts_per_minute=1000,
    )


def _cleanup_redis(connection: Redis, namespace: str) -> None:
    keys = list(connection.scan_iter(match=f"*{namespace}*", count=1000))
    if keys:
        connection.delete(*keys)


@pytest.fixture
def redis_conn(settings: Settings) -> Iterator[Redis]:
    connection = Redis.from_url(TEST_REDIS_URL)
    try:
        connection.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis at TEST_REDIS_URL={TEST_REDIS_URL} is not reachable: {type(exc).__name__}")
    yield connection
    _cleanup_redis(connection, settings.queue_name)
    connection.close()


@pytest.fixture
def services(settings: Settings, redis_conn: Redis) -> Iterator[Services]:
    built = build_services(settings, redis=redis_conn, jobs=RqJobQueue(settings, redis_conn))
    migrate(built.engine, settings.database_schema)
    yield built
    built.close()


@pytest.fixture
def app(settings: Settings, services: Services) -> Any:
    from intake.app import create_app

    application = create_app(settings, services=services)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


# -- people ---------------------------------------------------------------------------------------------
@dataclass
class Account:
    email: str
    role: str
    password: str
    token: str
    user_id: str
    partnership_id: str | None


@dataclass
class World:
    """Two partnerships (A, B) and one account per role; uploaders in each partnership."""

    partnerships: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.accounts[who].token}"}


ROLE_ACCOUNTS = {
    "uploader_a": ("partnership_uploader", "A"),
    "uploader_b": ("partnership_uploader", "B"),
    "reviewer": ("secretariat_reviewer", None),
    "approver": ("secretariat_approver", None),
    "panel": ("panel_member", None),
    "admin": ("admin", None),
}


WORLD_PASSWORD = "correct horse battery staple"
_hash_cache: dict[str, str] = {}


def shared_password_hash() -> str:
    """argon2 costs ~0.2 s a hash by design; the fixture accounts share one, computed once per process."""
    from intake.accounts.auth import hash_password

    if WORLD_PASSWORD not in _hash_cache:
        _hash_cache[WORLD_PASSWORD] = hash_password(WORLD_PASSWORD)
    return _hash_cache[WORLD_PASSWORD]


@pytest.fixture
def world(services: Services) -> World:
    from intake.accounts.auth import create_partnership, create_token
    from intake.models import User

    result = World()
    with services.sessions() as session, session.begin():
        parts = {name: create_partnership(session, f"Partnership {name}") for name in ("A", "B")}
        result.partnerships = {name: p.id for name, p in parts.items()}
        for key, (role, part) in ROLE_ACCOUNTS.items():
            user = User(
                email=f"{key}@example.test",
                role=role,
                password_hash=shared_password_hash(),
                partnership_id=parts[part].id if part else None,
            )
            session.add(user)
            session.flush()
            token, _record = create_token(session, user)
            result.accounts[key] = Account(user.email, role, WORLD_PASSWORD, token, user.id, user.partnership_id)
    return result
