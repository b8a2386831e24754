"""Dependency checks: is the database reachable and its schema current, is Redis answering, is the store
usable. Each check raises on failure and returns None on success; ``run_checks`` runs them side by side
under one deadline, so a dependency that hangs (a TCP connect to a dead host has no timeout of its own)
makes the answer "failing" within seconds instead of tying up a web worker.

Results are "ok" or "failing" only. Why a check failed goes to the log as an exception *type* name: a
driver's message can name hosts and users, and /readyz is unauthenticated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text

from intake.db import MIGRATIONS

if TYPE_CHECKING:
    from redis import Redis

    from intake.services import Services

log = logging.getLogger("safepub.health")

OK = "ok"
FAILING = "failing"
#: seconds a whole round of checks may take; a check still running then counts as failing
DEFAULT_DEADLINE = 3.0
#: a name no object ever has (object names are random hex ids): probing it reads nothing
_PROBE_NAME = "0" * 32

Check = Callable[[], None]


class MigrationsBehind(Exception):
    """The database's Alembic revision is not the code's head: run ``safepub migrate``."""


def check_database(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The Alembic head(s) of the migrations this code ships (read once: the files do not change under a
    running process, and the process's code is what must match the database)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_heads(engine: Engine) -> frozenset[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def check_migrations(engine: Engine) -> None:
    if database_heads(engine) != code_heads():
        raise MigrationsBehind("the database schema is not at this code's migration head: run `safepub migrate`")


def check_redis(redis: Redis | None) -> None:
    if redis is None:
        raise ConnectionError("no Redis connection configured")
    if not redis.ping():
        raise ConnectionError("Redis did not answer PING")


def check_store(store: Any) -> None:
    """The store's own probe (``store.check()``, which an S3 store answers with a bucket request) when it
    has one; otherwise a lookup of a name that is never written, which exercises the same path a read
    takes without reading anything."""
    probe = getattr(store, "check", None)
    if callable(probe):
        probe()
        return
    store.exists(_PROBE_NAME)


def service_checks(services: Services) -> dict[str, Check]:
    """The checks /readyz runs, in the order they are reported."""
    return {
        "database": lambda: check_database(services.engine),
        "redis": lambda: check_redis(services.redis),
        "store": lambda: check_store(services.store),
        "migrations": lambda: check_migrations(services.engine),
    }


def probe(checks: Mapping[str, Check], *, deadline: float = DEFAULT_DEADLINE) -> dict[str, BaseException | None]:
    """Run every check at once, within ``deadline`` seconds in all: None per check that passed, else its
    exception (a ``TimeoutError`` for one still running at the deadline).

    A check still running at the deadline is left to finish in its thread (nothing can interrupt a
    blocked socket call safely); the pool is not waited for.
    """
    pool = ThreadPoolExecutor(max_workers=max(len(checks), 1), thread_name_prefix="safepub-check")
    try:
        futures = {name: pool.submit(check) for name, check in checks.items()}
        wait(futures.values(), timeout=deadline)
        return {
            name: future.exception() if future.done() else TimeoutError(f"no answer within {deadline:g} s")
            for name, future in futures.items()
        }
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def run_checks(checks: Mapping[str, Check], *, deadline: float = DEFAULT_DEADLINE) -> dict[str, str]:
    """ "ok" or "failing" per check; each failure is logged with the dependency and the exception's type."""
    results: dict[str, str] = {}
    for name, error in probe(checks, deadline=deadline).items():
        if error is not None:
            log.warning("dependency check failed", extra={"dependency": name, "error": type(error).__name__})
        results[name] = OK if error is None else FAILING
    return results


def overall(results: Mapping[str, str]) -> str:
    return OK if results and all(value == OK for value in results.values()) else FAILING
