"""RedactionEngine: the one object the CLI and the worker use.

    engine = RedactionEngine()                    # loads spaCy + Presidio once (seconds)
    analysis = engine.analyze(data, register=reg) # proposals: what to redact and why
    output = engine.render(data, analysis.proposals)   # redacted, sanitised, verified bytes

The pipeline fails closed: bad input raises UnsupportedDocumentError, anything redacted that survives in
the output raises VerificationFailed, and pages the engine could not read (images without OCR) are
reported in ``Analysis.needs_review`` so that nothing is silently publication-ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from redaction.detect import Detector
from redaction.extract import ExtractedDocument, extract_pdf, extract_text
from redaction.ocr import OcrEngine
from redaction.policy import Policy, load_policy
from redaction.propose import build_proposals
from redaction.register import parse_register
from redaction.render import render_pdf, render_text
from redaction.resolve import resolve
from redaction.sniff import detect_kind, open_pdf
from redaction.types import Analysis, Proposal
from redaction.verify import verify_pdf

Progress = Callable[[int, int], None]
NOT_VERIFIED = {"HIDDEN_TEXT", "IMAGE_TEXT"}  # removed by position, not matched by text


class RedactionEngine:
    """Builds the NLP model and analyzer once; then analyzes, renders and verifies many documents."""

    def __init__(self, *, profile: str = "publication", ocr: bool = True, n_process: int = 1,
                 detector: Detector | None = None) -> None:
        self.default_profile = profile
        self._policies: dict[str, Policy] = {}
        self.policy(profile)  # fail fast on a bad policy name
        self.detector = detector or Detector(n_process=n_process)
        self.ocr = OcrEngine() if ocr else None

    def policy(self, profile: str | None = None) -> Policy:
        name = profile or self.default_profile
        if name not in self._policies:
            self._policies[name] = load_policy(name)
        return self._policies[name]

    # -----------------------------------------------------------------------------------------------------
    def extract(self, data: bytes) -> ExtractedDocument:
        kind = detect_kind(data)
        if kind == "text":
            return extract_text(data.decode("utf-8-sig"))
        with open_pdf(data) as doc:
            return extract_pdf(doc, self.ocr)

    def analyze(self, data: bytes, *, register: Any = None, profile: str | None = None,
                progress: Progress | None = None) -> Analysis:
        """Finds everything to redact. Raises UnsupportedDocumentError or RegisterError on bad input."""
        reg = parse_register(register)
        policy = self.policy(profile)
        extracted = self.extract(data)
        if progress:
            progress(0, extracted.page_count)
        raw = self.detector.detect(extracted.text)
        spans = resolve(extracted.text, raw, reg, policy, extracted.ranges("image"))
        proposals = build_proposals(extracted, spans, policy)
        if progress:
            progress(extracted.page_count, extracted.page_count)
        return Analysis(kind=extracted.kind, page_count=extracted.page_count,  # type: ignore[arg-type]
                        proposals=tuple(proposals), needs_review=tuple(extracted.needs_review))

    def detect_spans(self, data: bytes, *, register: Any = None, profile: str | None = None) -> tuple[str, list]:
        """The detection text and the resolved spans (for ``safepub detect`` and evaluation)."""
        reg = parse_register(register)
        policy = self.policy(profile)
        extracted = self.extract(data)
        spans = resolve(extracted.text, self.detector.detect(extracted.text), reg, policy,
                        extracted.ranges("image"))
        return extracted.text, spans

    def render(self, data: bytes, proposals: Iterable[Proposal], *,
               kept: Iterable[Proposal] = ()) -> bytes:
        """Applies proposals, sanitises every channel and verifies the result.

        ``kept`` are proposals a reviewer rejected: their texts are not required to disappear.
        Raises VerificationFailed if any applied text survives anywhere in the output.
        """
        proposals = list(proposals)
        kind = detect_kind(data)
        if kind == "text":
            return render_text(data.decode("utf-8-sig"), proposals).encode("utf-8")
        with open_pdf(data) as doc:
            output = render_pdf(doc, proposals)
        kept_texts = {p.text.lower() for p in kept}
        forbidden = sorted({(p.text, p.category) for p in proposals
                            if p.text and p.category not in NOT_VERIFIED and p.text.lower() not in kept_texts})
        verify_pdf(output, forbidden, ocr=self.ocr is not None and self.ocr.available)
        return output

    def redact(self, data: bytes, *, register: Any = None, profile: str | None = None,
               progress: Progress | None = None) -> tuple[bytes, Analysis]:
        analysis = self.analyze(data, register=register, profile=profile, progress=progress)
        return self.render(data, analysis.proposals), analysis
