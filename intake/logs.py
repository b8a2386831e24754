"""Structured (JSON lines) logging shared by web, worker and CLI. No Flask import.

Log records carry ids, counts, statuses and exception *type names*; never a document's text, a name
from a register, a password or a token. As a second line of defence the formatter masks anything
shaped like a SafePub bearer token or an ``Authorization`` header value.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime", "taskName"}
_SECRETS = re.compile(r"(sp_[A-Za-z0-9_\-]{8,}|(?i:bearer)\s+\S+)")


def _mask(text: str) -> str:
    return _SECRETS.sub("[redacted-secret]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _mask(record.getMessage()),
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else _mask(str(value))
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type only: messages and tracebacks of third-party code may quote data.
            entry["exc_type"] = record.exc_info[0].__name__
            # Where it happened (file:line function), which carries no data, to make the log usable.
            frames = traceback.extract_tb(record.exc_info[2])[-4:]
            entry["exc_where"] = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames]
        return json.dumps(entry, sort_keys=True, ensure_ascii=True)


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route every logger (ours, rq, gunicorn's error log, werkzeug) through one JSON handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("rq.worker", "rq", "werkzeug", "gunicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
