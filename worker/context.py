"""What a job needs from its process: services and the redaction engine.

Jobs are called by RQ from a dotted path with only a submission id, so the process must provide the
rest. The worker entry point builds one ``WorkerContext`` before forking and installs it; tests pass
a context to the job function directly instead (no globals to patch). Nothing is created at import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from intake.processing.engine import Engine
from intake.services import Services


@dataclass
class WorkerContext:
    services: Services
    engine: Engine
    worker_name: str = "local"
    _pid: int = field(default_factory=os.getpid)

    def fork_safe_services(self) -> Services:
        """The services, with pooled database connections inherited from the parent process dropped: the
        work horse is a fork, and sharing the parent's sockets would interleave two processes' traffic
        on one database connection."""
        if os.getpid() != self._pid:
            self.services.engine.dispose(close=False)
            self._pid = os.getpid()
        return self.services


_installed: WorkerContext | None = None


def install(context: WorkerContext) -> None:
    """Called once by the worker entry point, before any job runs."""
    global _installed
    _installed = context


def current() -> WorkerContext:
    if _installed is None:
        raise RuntimeError("no worker context installed: run jobs through `safepub worker`")
    return _installed
