"""What processing needs of the redaction engine (``redaction.engine.RedactionEngine`` implements it).

A protocol, so the service code never imports the engine (and spaCy) itself: the worker builds the real
one at start-up, tests may pass a fake.
"""

from __future__ import annotations

from typing import Any, Protocol


class Engine(Protocol):
    """The part of redaction.engine.RedactionEngine that processing and the final render use."""

    def analyze(
        self, data: bytes, *, register: Any = None, profile: str | None = None, progress: Any = None
    ) -> Any: ...

    def render(
        self, data: bytes, proposals: Any, *, kept: Any = (), kept_phrases: Any = (), register: Any = None
    ) -> bytes: ...
