"""What the service needs of the redaction engine (``redaction.engine.RedactionEngine`` implements it, and
so does ``redaction.sandbox.SandboxedEngine``, which runs every call in a sandboxed child process).

A protocol, so the service code never imports the engine (and spaCy, and the PDF parsers) itself: only
the worker builds the real one; tests may pass a fake. Every call may raise
``redaction.errors.UnsupportedDocumentError`` (or a subclass: a budget exceeded, the sandbox crashed)
whose message is a user-facing reason without document text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from redaction.types import Proposal

Rect = tuple[float, float, float, float]

#: the resolution of the review screen's page images (the worker renders them once, sealed and cached)
PAGE_DPI = 120


class Report(Protocol):
    """``redaction.verify.VerificationReport``: what a passing verification looked at."""

    @property
    def needs_review(self) -> bool: ...

    @property
    def warnings(self) -> Sequence[str]: ...

    @property
    def pages(self) -> int: ...


class Engine(Protocol):
    """The part of redaction.engine.RedactionEngine that processing, the review screen's jobs, the final
    render and the handover re-verification use."""

    def analyze(self, data: bytes, *, register: Any = None, profile: str | None = None, progress: Any = None) -> Any:
        """A Word draft's PDF is analysed with ``hidden=`` (its hidden channels, from ``convert_word``)
        as a further keyword argument."""
        ...

    def redact_docx(
        self, data: bytes, proposals: Iterable[Proposal], *, kept: Iterable[Proposal] = (), register: Any = None
    ) -> bytes:
        """A Word draft's redacted .docx for the partnership (labels for redacted text, verified)."""
        ...

    def convert_word(self, data: bytes) -> tuple[bytes, list[dict[str, str]]]:
        """A Word draft's publication PDF and its hidden channels (``channel``, ``where``, ``text``)."""
        ...

    def render_with_report(
        self,
        data: bytes,
        proposals: Iterable[Proposal],
        *,
        kept: Iterable[Proposal] = (),
        kept_phrases: Iterable[str] = (),
        register: Any = None,
    ) -> tuple[bytes, Report]: ...

    def verify_output(
        self, output: bytes, forbidden: list[tuple[str, str]], *, allowed: Iterable[str] = ()
    ) -> Report: ...

    def find_occurrences(self, data: bytes, text: str, *, category: str = "MANUAL") -> list[Proposal]: ...

    def manual_box(
        self, data: bytes, page: int, rect: Rect, *, category: str = "MANUAL_BOX", label: str | None = None
    ) -> Proposal: ...

    def page_image(self, data: bytes, page: int, *, proposals: Iterable[Proposal] = (), dpi: int = 110) -> bytes: ...

    def page_sizes(self, data: bytes) -> list[tuple[float, float]]: ...

    def page_images(self, data: bytes, *, dpi: int = 110) -> list[tuple[float, float, bytes]]:
        """Every page's ``(width, height, png)`` from one opening (one sandboxed child for all pages).
        ``intake.processing.analysis.render_pages`` falls back to ``page_sizes`` and ``page_image`` for an
        engine without it (a test double)."""
        ...


def hold_reason(report: Report) -> str | None:
    """A text-free reason when a verification layer did not run (the second parser crashed or timed out,
    OCR unavailable), or ``None`` when the report is complete. The engine's warnings name layers and
    counts, never document text."""
    if not report.needs_review:
        return None
    details = [str(w) for w in report.warnings]
    unread = int(getattr(report, "unread_image_pages", 0) or 0)
    if unread or not details:
        details.append(f"{unread or 'some'} page(s) with images not OCR-checked")
    details_text = "; ".join(details)
    return f"A verification layer did not run ({details_text}); a Secretariat user must check and override."


def survivors_text(exc: Exception) -> str | None:
    """Where redacted text survived, without the text: ``VerificationFailed.describe()`` (channel, page,
    category) when the engine provides it, else the channels and categories of ``survivors``."""
    describe = getattr(exc, "describe", None)
    if callable(describe):
        described = str(describe()).strip()
        if described:
            return f"in: {described}"
    survivors = list(getattr(exc, "survivors", None) or ())
    if not survivors:
        return None
    channels = sorted({str(channel) for channel, _category in survivors})
    categories = sorted({str(category) for _channel, category in survivors})
    return f"in {', '.join(channels)} ({', '.join(categories)})"
