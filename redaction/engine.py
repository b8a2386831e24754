"""RedactionEngine: the one object the CLI and the worker use.

    engine = RedactionEngine()                    # loads spaCy + Presidio once (seconds)
    analysis = engine.analyze(data, register=reg) # proposals: what to redact and why
    output = engine.render(data, analysis.proposals)   # redacted, sanitised, verified bytes

The pipeline fails closed: bad input raises UnsupportedDocumentError, anything redacted that survives in
the output raises VerificationFailed, and pages the engine could not read (images without OCR) are
reported in ``Analysis.needs_review`` so that nothing is silently publication-ready.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from redaction import screen
from redaction.budgets import Budgets, check_document
from redaction.extract import ExtractedDocument, TextSink, extract_pdf, extract_text
from redaction.forbidden import forbidden_items
from redaction.ner import NerStream
from redaction.ocr import OcrEngine
from redaction.policy import Policy, load_policy
from redaction.prefetch import ExtractionJob
from redaction.propose import build_proposals
from redaction.register import parse_register
from redaction.render import render_pdf, render_text
from redaction.second_parser import PypdfJob
from redaction.sniff import detect_kind, open_pdf
from redaction.types import POSITIONAL, Analysis, Proposal, Span
from redaction.verify import VerificationReport, verify_pdf, verify_text
from redaction.word.pieces import author_spans, detection_pieces
from redaction.word.prepare import prepare_word

if TYPE_CHECKING:
    from redaction.detect import Detector

Progress = Callable[[int, int], None]


class RedactionEngine:
    """Builds the NLP model and analyzer once; then analyzes, renders and verifies many documents."""

    def __init__(
        self,
        *,
        profile: str = "publication",
        ocr: bool = True,
        n_process: int | None = None,
        detector: Detector | None = None,
        load_model: bool = True,
        budgets: Budgets | None = None,
    ) -> None:
        """``load_model=False`` defers loading spaCy to the first analysis (a sandboxed child that only
        renders or draws a page image never loads it). With ``budgets``, every call first checks the
        document against them (the sandboxed child checks them itself, before the model loads)."""
        self.default_profile = profile
        self._policies: dict[str, Policy] = {}
        self.policy(profile)  # fail fast on a bad policy name
        # NER of long documents uses every core (forked workers, see ner.py)
        self._n_process = n_process or min(4, os.cpu_count() or 1)
        self._detector = detector
        if load_model:
            self._detector = self.detector
        self.budgets = budgets
        self.ocr = OcrEngine() if ocr else None

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            # imported here: spaCy and Presidio load only in a process that detects (not in one that
            # only renders, verifies or draws page images)
            from redaction.detect import Detector

            self._detector = Detector(n_process=self._n_process)
        return self._detector

    def _admit(self, data: bytes) -> None:
        if self.budgets is not None:
            check_document(data, self.budgets)

    def policy(self, profile: str | None = None) -> Policy:
        name = profile or self.default_profile
        if name not in self._policies:
            self._policies[name] = load_policy(name)
        return self._policies[name]

    # -----------------------------------------------------------------------------------------------------
    def extract(self, data: bytes) -> ExtractedDocument:
        """The detection text and its positions (no NLP)."""
        if detect_kind(data) == "text":  # offsets index the text exactly as decoded from UTF-8 (a BOM included)
            return extract_text(data.decode("utf-8"))
        with open_pdf(data) as doc:
            return extract_pdf(doc, self.ocr)

    def _extract_and_detect(
        self, data: bytes, extraction: ExtractionJob | None = None, hidden: Sequence[Mapping[str, str]] = ()
    ) -> tuple[ExtractedDocument, list[Span]]:
        """Extraction with NER already running on the text extracted so far (on the other cores), then
        the pattern recognizers while NER finishes: the raw detections, before the policy.

        ``extraction`` is the same extraction already running in a child (see prefetch.py), started with
        the same ``hidden`` items. ``hidden``: the hidden channels of the Word draft this PDF was printed
        from (``convert_word``), read as side channels of the PDF."""
        if extraction is not None:
            found = self._detect_while_extracting(extraction.page_count, extraction.run)
        elif detect_kind(data) == "text":
            extracted = extract_text(data.decode("utf-8"))
            return extracted, self.detector.detect(extracted.text)
        else:
            extra = detection_pieces(hidden)
            with open_pdf(data) as doc:
                found = self._detect_while_extracting(
                    doc.page_count, lambda sink: extract_pdf(doc, self.ocr, sink=sink, extra=extra)
                )
        extracted, raw = found
        if hidden:
            pieces = [(p.start, p.end, p.channel, p.ref) for p in extracted.pieces]
            raw = raw + list(author_spans(extracted.text, pieces))
        return extracted, raw

    def _detect_while_extracting(
        self, page_count: int, extract: Callable[[TextSink], ExtractedDocument]
    ) -> tuple[ExtractedDocument, list[Span]]:
        # about 3,000 characters a page: decide up front whether NER runs on both cores
        stream = self.detector.ner_stream(expected_chars=3000 * page_count)
        try:
            extracted = extract(lambda offset, text: _submit(stream, offset, text))
            patterns = self.detector.patterns(extracted.text)  # while the NER workers finish
            return extracted, self.detector.detect(extracted.text, stream.entities(), patterns)
        finally:
            stream.close()

    def analyze(
        self,
        data: bytes,
        *,
        register: Any = None,
        profile: str | None = None,
        progress: Progress | None = None,
        extraction: ExtractionJob | None = None,
        hidden: Sequence[Mapping[str, str]] = (),
    ) -> Analysis:
        """Finds everything to redact. Raises UnsupportedDocumentError or RegisterError on bad input.
        ``extraction``: this document's extraction, already running (see prefetch.py). ``hidden``: the
        hidden channels of the Word draft the PDF was printed from (see ``convert_word``)."""
        self._admit(data)
        reg = parse_register(register)
        policy = self.policy(profile)
        extracted, raw = self._extract_and_detect(data, extraction, hidden)
        from redaction.resolve import agency_ranges, resolve  # with the model (see ``detector``)

        if progress:
            progress(0, extracted.page_count)
        spans = resolve(extracted.text, raw, reg, policy, extracted.ranges("image"), extracted.hyphen_joins)
        proposals = build_proposals(extracted, spans, policy)
        kept = sorted({extracted.text[a:b] for a, b in agency_ranges(extracted.text, policy)})
        if progress:
            progress(extracted.page_count, extracted.page_count)
        return Analysis(
            kind=extracted.kind,  # type: ignore[arg-type]
            page_count=extracted.page_count,
            proposals=tuple(proposals),
            needs_review=tuple(extracted.needs_review),
            kept_phrases=tuple(kept),
        )

    def convert_word(self, data: bytes, *, timeout_seconds: float = 300.0) -> tuple[bytes, list[dict[str, str]]]:
        """A Word draft's publication PDF (as it would print: changes accepted, comments and hidden text
        gone) and its hidden channels (``hidden`` for ``analyze``: every one is read by detection)."""
        draft = prepare_word(data, timeout_seconds=timeout_seconds)
        self._admit(draft.pdf)
        return draft.pdf, [item.to_dict() for item in draft.hidden]

    def redact_docx(
        self, data: bytes, proposals: Iterable[Proposal], *, kept: Iterable[Proposal] = (), register: Any = None
    ) -> bytes:
        """The partnership's redacted copy of a Word draft: every text that must not survive the PDF
        (``forbidden_items``: the applied proposals and the register, minus what a reviewer kept) replaced
        by its proposal's label, verified by reading every part back (VerificationFailed otherwise)."""
        from redaction.word.redacted import redacted_docx

        proposals = list(proposals)
        labels = {p.text.lower(): p.label for p in proposals if p.action == "label" and p.label}
        forbidden = forbidden_items(proposals, kept=kept, register=register)
        # boxes drawn on a page and text hidden in the PDF are removed by position: not in a Word file
        positional = sum(1 for p in proposals if p.category in POSITIONAL and p.category != "IMAGE_TEXT")
        replacements = [(text, labels.get(text.lower())) for text, _category in forbidden]
        return redacted_docx(data, replacements, positional=positional)

    # The Secretariat's own redactions and the review screen's images (see screen.py; no NLP needed)
    def find_occurrences(self, data: bytes, text: str, *, category: str = "MANUAL") -> list[Proposal]:
        self._admit(data)
        return screen.find_occurrences(data, text, category=category, ocr=self.ocr, policy=self.policy())

    def manual_box(
        self,
        data: bytes,
        page: int,
        rect: tuple[float, float, float, float],
        *,
        category: str = "MANUAL_BOX",
        label: str | None = None,
    ) -> Proposal:
        self._admit(data)
        return screen.manual_box(data, page, rect, category=category, label=label)

    def page_image(self, data: bytes, page: int, *, proposals: Iterable[Proposal] = (), dpi: int = 110) -> bytes:
        self._admit(data)
        budgets = self.budgets or Budgets()
        return screen.page_image(data, page, proposals=proposals, dpi=dpi, max_pixels=budgets.max_render_pixels)

    def page_images(self, data: bytes, *, dpi: int = 110) -> list[tuple[float, float, bytes]]:
        """``(width, height, png)`` of every page, from one opening of the document."""
        self._admit(data)
        budgets = self.budgets or Budgets()
        return list(screen.page_images(data, dpi=dpi, max_pixels=budgets.max_render_pixels))

    def page_sizes(self, data: bytes) -> list[tuple[float, float]]:
        self._admit(data)
        return screen.page_sizes(data)

    def detect_spans(
        self, data: bytes, *, register: Any = None, profile: str | None = None, extraction: ExtractionJob | None = None
    ) -> tuple[str, list]:
        """The detection text and the resolved spans (for ``safepub detect`` and evaluation)."""
        self._admit(data)
        reg = parse_register(register)
        policy = self.policy(profile)
        extracted, raw = self._extract_and_detect(data, extraction)
        from redaction.resolve import resolve

        spans = resolve(extracted.text, raw, reg, policy, extracted.ranges("image"), extracted.hyphen_joins)
        return extracted.text, spans

    def render(
        self,
        data: bytes,
        proposals: Iterable[Proposal],
        *,
        kept: Iterable[Proposal] = (),
        kept_phrases: Iterable[str] = (),
        register: Any = None,
    ) -> bytes:
        """Applies proposals, sanitises every channel and verifies the result; returns the new bytes.

        ``kept`` are proposals a reviewer rejected: their texts are not required to disappear.
        ``kept_phrases`` are agency names the analysis kept (``Analysis.kept_phrases``).
        With ``register``, every name, alias, date of birth and address in it must be gone too, even
        where extraction never saw it (fail closed).
        Raises VerificationFailed if any applied text survives anywhere in the output.
        """
        return self.render_with_report(data, proposals, kept=kept, kept_phrases=kept_phrases, register=register)[0]

    def render_with_report(
        self,
        data: bytes,
        proposals: Iterable[Proposal],
        *,
        kept: Iterable[Proposal] = (),
        kept_phrases: Iterable[str] = (),
        register: Any = None,
    ) -> tuple[bytes, VerificationReport]:
        self._admit(data)
        proposals = list(proposals)
        forbidden = forbidden_items(proposals, kept=kept, register=register)
        allowed = list(kept_phrases)
        if detect_kind(data) == "text":
            output = render_text(data.decode("utf-8"), proposals)
            return output.encode("utf-8"), verify_text(output, forbidden, allowed=allowed)
        # verification's second parser starts now: its interpreter and pypdf load on the other core
        # while this one renders
        pypdf_job = PypdfJob()
        try:
            with open_pdf(data) as doc:
                output_pdf = render_pdf(doc, proposals)
        except BaseException:
            pypdf_job.close()
            raise
        return output_pdf, self._verify_pdf(output_pdf, forbidden, allowed, pypdf_job)

    def verify_output(
        self, output: bytes, forbidden: list[tuple[str, str]], *, allowed: Iterable[str] = ()
    ) -> VerificationReport:
        """Verification alone, of an output made earlier (the re-verification before handover): PDF
        with every channel, OCR included when available; text with its one channel.
        Raises VerificationFailed if anything forbidden survives."""
        if detect_kind(output) == "text":
            return verify_text(output.decode("utf-8"), forbidden, allowed=list(allowed))
        return self._verify_pdf(output, forbidden, list(allowed), None)

    def _verify_pdf(
        self, output: bytes, forbidden: list[tuple[str, str]], allowed: list[str], pypdf_job: PypdfJob | None
    ) -> VerificationReport:
        tessdata = self.ocr.tessdata if self.ocr is not None and self.ocr.available else None
        return verify_pdf(
            output, forbidden, ocr=tessdata is not None, tessdata=tessdata, allowed=allowed, pypdf_job=pypdf_job
        )

    def redact(
        self,
        data: bytes,
        *,
        register: Any = None,
        profile: str | None = None,
        progress: Progress | None = None,
        extraction: ExtractionJob | None = None,
        hidden: Sequence[Mapping[str, str]] = (),
    ) -> tuple[bytes, Analysis]:
        """Analyse, render and verify in one go; verification problems that need a human (an image
        that could not be read) are added to the analysis's ``needs_review``."""
        analysis = self.analyze(
            data, register=register, profile=profile, progress=progress, extraction=extraction, hidden=hidden
        )
        output, report = self.render_with_report(
            data, analysis.proposals, kept_phrases=analysis.kept_phrases, register=register
        )
        return output, with_verification_review(analysis, report)


def with_verification_review(analysis: Analysis, report: VerificationReport) -> Analysis:
    """The analysis with verification's problems that need a human (an image that could not be read,
    a verification layer that did not run) added to its ``needs_review``."""
    if not report.needs_review:
        return analysis
    reasons = [f"verification: {w}" for w in report.warnings]
    if report.unread_image_pages:
        reasons.append(f"verification: {report.unread_image_pages} page(s) with images not OCR-checked")
    return dataclasses.replace(analysis, needs_review=analysis.needs_review + tuple(reasons))


def _submit(stream: NerStream, offset: int, text: str) -> None:
    from redaction.detect import chunks

    for start, chunk in chunks(text):
        stream.submit(offset + start, chunk)
