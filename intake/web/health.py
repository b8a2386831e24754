"""``GET /healthz`` and ``GET /readyz`` for load balancers and orchestrators.

No authentication, no CSRF (GET only), no session: the views never touch the session, so a probe that
sends no cookie gets none back. ``/healthz`` does no I/O at all (the process can answer, nothing more).
``/readyz`` checks the database, Redis, the store and that the schema is at this code's migration head,
and says only "ok" or "failing" per dependency: it is public, so why a dependency failed (a host name, a
user, a bucket) goes to the log as an exception type, never into the answer. Successful probes are not
logged (``g.quiet``): a probe every few seconds per instance would drown the request log.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify

from intake.http import current_services
from intake.monitoring.checks import OK, overall, run_checks, service_checks

NAME = "health"


def make_blueprint() -> Blueprint:
    health = Blueprint(NAME, __name__)
    health.before_request(_quiet)
    health.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    health.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])
    return health


def _quiet() -> None:
    g.quiet = True  # the app's request log skips quiet requests (intake.app)


def healthz() -> Response:
    return jsonify(status=OK)


def readyz() -> tuple[Response, int]:
    checks = run_checks(service_checks(current_services()))
    status = overall(checks)
    if status != OK:
        g.quiet = False  # a failing probe is worth a log line (the checks logged which and why)
    return jsonify(status=status, checks=checks), 200 if status == OK else 503
