"""What a job needs from its process: services, the redaction engine, the queue.

Jobs are called by RQ from a dotted path with only a submission id, so the process must provide the
rest. The worker entry point builds one ``WorkerContext`` before forking and installs it; tests pass
a context to the job function directly instead (no globals to patch). Nothing is created at import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Protocol

from rq import Queue
from sqlalchemy.orm import Session

from intake.services import Services


class Engine(Protocol):
    """The part of redaction.engine.RedactionEngine the worker uses."""

    def analyze(
        self, data: bytes, *, register: Any = None, profile: str | None = None, progress: Any = None
    ) -> Any: ...

    def render(
        self, data: bytes, proposals: Any, *, kept: Any = (), kept_phrases: Any = (), register: Any = None
    ) -> bytes: ...


@dataclass
class WorkerContext:
    services: Services
    engine: Engine
    queue: Queue | None = None
    worker_name: str = "local"
    _pid: int = field(default_factory=os.getpid)

    def session(self) -> Session:
        """A new session, fork-safe: pooled connections inherited from the parent are dropped."""
        if os.getpid() != self._pid:
            # The work horse is a fork: sharing the parent's sockets would interleave two processes'
            # traffic on one database connection.
            self.services.engine.dispose(close=False)
            self._pid = os.getpid()
        return self.services.sessions()


_installed: WorkerContext | None = None


def install(context: WorkerContext) -> None:
    """Called once by the worker entry point, before any job runs."""
    global _installed
    _installed = context


def current() -> WorkerContext:
    if _installed is None:
        raise RuntimeError("no worker context installed: run jobs through `safepub worker`")
    return _installed
