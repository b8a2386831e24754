"""RedactionEngine: the one object the CLI and the worker use (interface; implementation in progress)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from redaction.types import Analysis, Proposal

Progress = Callable[[int, int], None]


class RedactionEngine:
    """Builds the NLP model and analyzer once; then analyzes, renders and verifies many documents.

    Construct once per process (the worker does it before forking jobs).
    """

    def __init__(self, *, profile: str = "publication", ocr: bool = True) -> None:
        raise NotImplementedError

    def analyze(self, data: bytes, *, register: Any = None, profile: str | None = None,
                progress: Progress | None = None) -> Analysis:
        """Find everything to redact. ``register`` is a dict/JSON bytes/``Register`` or None.

        Raises UnsupportedDocumentError (bad input) or RegisterError (bad register).
        """
        raise NotImplementedError

    def render(self, data: bytes, proposals: Iterable[Proposal]) -> bytes:
        """Apply the given proposals, sanitise every channel, verify; returns the new PDF (or text) bytes.

        Raises VerificationFailed if anything redacted survives.
        """
        raise NotImplementedError

    def redact(self, data: bytes, *, register: Any = None, profile: str | None = None,
               progress: Progress | None = None) -> tuple[bytes, Analysis]:
        analysis = self.analyze(data, register=register, profile=profile, progress=progress)
        return self.render(data, analysis.proposals), analysis
