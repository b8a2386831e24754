"""``safepub metrics``: serve the Prometheus collector (``intake.monitoring.collector``) over HTTP.

Its own process (the Procfile's ``metrics:``), not a thread of the web or the worker: the numbers come from
the database and Redis, so one exporter per deployment is enough (a second, on another machine, reports
the same), it needs no keys, and the web process's port never serves metrics. Bound to
``SAFEPUB_METRICS_BIND`` (default 127.0.0.1) on ``SAFEPUB_METRICS_PORT``; without a port it refuses to
start, since metrics are off by default.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import Any

from config.settings import Settings

log = logging.getLogger("safepub.metrics")


def add_commands(sub: Any) -> None:
    metrics = sub.add_parser("metrics", help="serve Prometheus metrics on SAFEPUB_METRICS_PORT (off by default)")
    metrics.add_argument("--port", type=int, help="default: SAFEPUB_METRICS_PORT")
    metrics.add_argument("--bind", help="default: SAFEPUB_METRICS_BIND (127.0.0.1)")
    metrics.set_defaults(handler=cmd_metrics)


def serve(settings: Settings, port: int, bind: str) -> Any:
    """Start the exporter; returns prometheus_client's server (``server_port`` is the port bound)."""
    from prometheus_client import CollectorRegistry, start_http_server

    from intake.db import make_engine, make_session_factory
    from intake.monitoring.collector import SafePubCollector
    from worker.queue import connect, processing_queue

    sessions = make_session_factory(make_engine(settings))
    queue = processing_queue(settings, connect(settings))
    registry = CollectorRegistry()  # ours only: what a scrape shows is SafePub's shared state
    registry.register(SafePubCollector(sessions, queue))
    server, _thread = start_http_server(port, addr=bind, registry=registry)
    return server


def cmd_metrics(ns: argparse.Namespace, settings: Settings) -> int:
    from intake.logs import configure_logging

    configure_logging(settings.log_level)
    port = ns.port if ns.port is not None else settings.metrics_port
    if port is None:
        print("safepub metrics: metrics are off; set SAFEPUB_METRICS_PORT (or --port) to serve them", file=sys.stderr)
        return 2
    bind = ns.bind or settings.metrics_bind
    server = serve(settings, port, bind)
    log.info("serving metrics", extra={"bind": bind, "port": server.server_port})
    threading.Event().wait()  # until a signal ends the process
    return 0
