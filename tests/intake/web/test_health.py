"""/healthz and /readyz (issue 14, part 2): public, cookie-free, quiet, and "ok"/"failing" per dependency
with 200/503, never why. Each failing case breaks one real dependency (an unreachable Redis or database,
a schema behind the code, a store that refuses) and checks that exactly that one is reported."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import create_engine, text

from intake.app import create_app
from intake.monitoring.checks import code_heads

ALL_OK = {"database": "ok", "redis": "ok", "store": "ok", "migrations": "ok"}
SECRET_REASON = "bucket s3://partnership-secrets denied for user ops-admin"


class RefusingStore:
    """A store whose readiness probe fails, with a message that must never reach the answer."""

    def check(self) -> None:
        raise PermissionError(SECRET_REASON)


def app_with(settings: Any, services: Any, **changes: Any) -> Any:
    application = create_app(settings, services=replace(services, **changes))
    application.config["TESTING"] = True
    return application


def test_healthz_answers_without_login_io_or_cookie(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ok_when_every_dependency_is(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ok", "checks": ALL_OK}
    assert "Set-Cookie" not in response.headers


def test_probes_need_no_session_even_where_pages_would_redirect_to_login(client) -> None:
    assert client.get("/review").status_code == 302  # a page: login required
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_only_get_is_served(client) -> None:
    # a POST is refused by the route (405), not by CSRF (400) or a login redirect
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405


def test_an_unreachable_redis_fails_only_redis(settings, services) -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    response = app_with(settings, services, redis=dead).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "checks": {**ALL_OK, "redis": "failing"}}


def test_an_unreachable_database_fails_database_and_migrations(settings, services) -> None:
    dead = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing", connect_args={"connect_timeout": 1})
    response = app_with(settings, services, engine=dead).test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks == {**ALL_OK, "database": "failing", "migrations": "failing"}


def test_a_schema_behind_the_code_fails_migrations(settings, services, client) -> None:
    assert code_heads() != {"0001"}
    with services.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {**ALL_OK, "migrations": "failing"}


def test_a_refusing_store_fails_store_and_the_reason_stays_in_the_log(settings, services, caplog) -> None:
    caplog.set_level(logging.INFO)
    response = app_with(settings, services, store=RefusingStore()).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {**ALL_OK, "store": "failing"}
    assert SECRET_REASON not in response.get_data(as_text=True)
    failures = [r for r in caplog.records if r.getMessage() == "dependency check failed"]
    assert [(r.dependency, r.error) for r in failures] == [("store", "PermissionError")]  # type: ignore[attr-defined]
    assert all(SECRET_REASON not in r.getMessage() for r in caplog.records)


def test_a_passing_probe_logs_nothing_but_a_failing_one_is_logged(settings, services, client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="safepub.http")
    client.get("/healthz")
    client.get("/readyz")
    client.get("/login")
    logged = [r.endpoint for r in caplog.records if r.name == "safepub.http"]  # type: ignore[attr-defined]
    assert logged == ["web.login"]
    caplog.clear()
    app_with(settings, services, store=RefusingStore()).test_client().get("/readyz")
    assert [(r.endpoint, r.status) for r in caplog.records if r.name == "safepub.http"] == [  # type: ignore[attr-defined]
        ("health.readyz", 503)
    ]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_many_probes_are_not_rate_limited(client, path) -> None:
    assert {client.get(path).status_code for _ in range(30)} == {200}
