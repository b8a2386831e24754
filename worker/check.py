"""``safepub worker --check`` / ``python -m worker --check``: can a worker start and do its work here?

For a deploy step or a container health check on a worker machine, which has no HTTP port: the document
sandbox as configured (production refuses to run without bwrap unless allowed), the keyring, the
database and its schema, Redis and the store. Exit 0 when all are usable; otherwise 1, with one line per
failing dependency on stderr. The lines are for the operator at this machine: our own errors say what to
set; a driver's error is shortened to its type and first line (host and port, never a password).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TextIO

from config.settings import ConfigurationError, Settings
from intake.db import make_engine
from intake.monitoring.checks import Check, check_database, check_migrations, check_redis, check_store, probe
from intake.services import build_services, keyring_source
from intake.storage.crypto import StreamCipher
from intake.storage.keys import KeyService
from worker.queue import connect

#: seconds the network checks may take together (a worker's start is not in a hurry; a hang is a failure)
DEADLINE = 10.0


def describe(error: BaseException) -> str:
    if isinstance(error, ConfigurationError):
        return str(error)
    first = (str(error).strip().splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def failures(settings: Settings, build_engine: Callable[[Settings], Any]) -> list[str]:
    """One "<dependency>: <why>" line per dependency a worker could not use; empty when all are usable.

    ``build_engine`` is the worker's own (``worker.__main__.build_engine``), so the sandbox is judged by
    exactly the rule the worker starts with."""
    lines: list[str] = []
    try:
        build_engine(settings)
    except ConfigurationError as exc:
        lines.append(f"sandbox: {describe(exc)}")
    keyring_ok = True
    try:
        KeyService(keyring_source(settings), StreamCipher()).keyring.current()
    except Exception as exc:  # noqa: BLE001 - any failure to load it is the answer
        lines.append(f"keyring: {describe(exc)}")
        keyring_ok = False
    engine = make_engine(settings)
    checks: dict[str, Check] = {
        "database": lambda: check_database(engine),
        "migrations": lambda: check_migrations(engine),
        "redis": lambda: check_redis(connect(settings)),
    }
    if keyring_ok:  # the store is built with the keyring's cipher (intake.services.build_services)
        checks["store"] = lambda: _check_store(settings)
    else:
        lines.append("store: not checked: the keyring did not load")
    try:
        for name, error in probe(checks, deadline=DEADLINE).items():
            if error is not None:
                lines.append(f"{name}: {describe(error)}")
    finally:
        engine.dispose()
    return lines


def _check_store(settings: Settings) -> None:
    services = build_services(settings)
    try:
        check_store(services.store)
    finally:
        services.close()


def run_check(settings: Settings, build_engine: Callable[[Settings], Any], out: TextIO | None = None) -> int:
    lines = failures(settings, build_engine)
    for line in lines:
        print(line, file=sys.stderr)
    if not lines:
        print("ok: sandbox, keyring, database, migrations, redis, store", file=out or sys.stdout)
    return 1 if lines else 0
