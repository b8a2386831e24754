"""The dependency checks behind /readyz and ``safepub worker --check``: a hung dependency is reported as
failing within the deadline instead of holding the caller, and the store probe prefers the store's own."""

from __future__ import annotations

import threading
import time

from intake.db import MIGRATIONS
from intake.monitoring.checks import FAILING, OK, check_store, code_heads, overall, probe, run_checks


def test_a_check_that_hangs_fails_at_the_deadline_and_the_others_still_answer() -> None:
    release = threading.Event()
    started = time.monotonic()
    try:
        results = run_checks({"hung": lambda: release.wait(30) and None, "fine": lambda: None}, deadline=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 5
    assert results == {"hung": FAILING, "fine": OK}
    assert overall(results) == FAILING


def test_probe_returns_each_failure_s_exception() -> None:
    def broken() -> None:
        raise ConnectionRefusedError("no")

    errors = probe({"broken": broken, "fine": lambda: None}, deadline=2)
    assert isinstance(errors["broken"], ConnectionRefusedError) and errors["fine"] is None


def test_nothing_to_check_is_not_ok() -> None:
    assert overall({}) == FAILING


def test_the_store_s_own_probe_is_used_when_it_has_one() -> None:
    calls: list[str] = []

    class WithCheck:
        def check(self) -> None:
            calls.append("check")

        def exists(self, name: str) -> bool:
            calls.append("exists")
            return False

    class WithoutCheck:
        def exists(self, name: str) -> bool:
            calls.append("exists")
            return False

    check_store(WithCheck())
    check_store(WithoutCheck())
    assert calls == ["check", "exists"]


def test_the_code_head_is_the_newest_migration_file() -> None:
    newest = sorted(p.name for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))[-1]
    assert code_heads() == {newest.split("_", 1)[0]}
