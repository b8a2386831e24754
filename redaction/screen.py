"""What the review screen needs from a document, without the NLP model (the web process never loads
spaCy): page images and live previews, page sizes, and the Secretariat's own redactions — a box drawn
on a page, or every occurrence of a text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pymupdf

from redaction.budgets import DEFAULT as DEFAULT_BUDGETS
from redaction.budgets import render_dpi
from redaction.errors import UnsupportedDocumentError
from redaction.extract import extract_pdf, extract_text
from redaction.ocr import OcrEngine
from redaction.policy import Policy, load_policy
from redaction.propose import build_proposals
from redaction.register import TermMatcher
from redaction.sniff import detect_kind, open_pdf
from redaction.types import Proposal, Rect, Span, proposal_id

MIN_DPI, MAX_DPI = 36, 200


def page_image(
    data: bytes,
    page: int,
    *,
    proposals: Iterable[Proposal] = (),
    dpi: int = 110,
    max_pixels: int = DEFAULT_BUDGETS.max_render_pixels,
) -> bytes:
    """A PNG of one page: the original, or (with ``proposals``) a live preview with those redactions
    applied to that page only. In memory; not verified (it is a picture, not an output).

    A page whose rendering at ``dpi`` would exceed ``max_pixels`` is rendered at a lower dpi: a PDF may
    declare a 200-inch page, and rendering it at screen resolution would allocate gigabytes."""
    dpi = max(MIN_DPI, min(MAX_DPI, int(dpi)))
    with open_pdf(data) as doc:
        target = _page(doc, page)
        dpi = render_dpi(target.rect.width, target.rect.height, dpi, max_pixels)
        chosen = [p for p in proposals if p.page == page and p.rects]
        for proposal in chosen:
            for rect in proposal.rects:
                target.add_redact_annot(pymupdf.Rect(rect), fill=(0, 0, 0), cross_out=False)
        if chosen:
            target.apply_redactions(
                images=pymupdf.PDF_REDACT_IMAGE_PIXELS, graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED
            )
        return target.get_pixmap(dpi=dpi, alpha=False).tobytes("png")


def page_images(
    data: bytes, *, dpi: int = 110, max_pixels: int = DEFAULT_BUDGETS.max_render_pixels
) -> Iterator[tuple[float, float, bytes]]:
    """``(width, height, png)`` of every page of the original, in order, from one opening of the
    document (the review screen's images, rendered once by the worker). Each page is down-scaled like
    :func:`page_image` when its rendering would exceed ``max_pixels``."""
    wanted = max(MIN_DPI, min(MAX_DPI, int(dpi)))
    with open_pdf(data) as doc:
        for page in doc:
            width, height = page.rect.width, page.rect.height
            resolution = render_dpi(width, height, wanted, max_pixels)
            yield width, height, page.get_pixmap(dpi=resolution, alpha=False).tobytes("png")


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Width and height in points of every page, as displayed (rotation applied)."""
    with open_pdf(data) as doc:
        return [(page.rect.width, page.rect.height) for page in doc]


def manual_box(
    data: bytes, page: int, rect: Rect, *, category: str = "MANUAL_BOX", label: str | None = None
) -> Proposal:
    """A box drawn by a reviewer (PDF points, top-left origin). Everything under it goes: text, image
    pixels, drawings. The text under it is recorded for the reviewer but not required to vanish
    elsewhere (a box may cut through words)."""
    with open_pdf(data) as doc:
        target = _page(doc, page)
        box = pymupdf.Rect(rect) & target.rect
        if box.is_empty or box.width < 1 or box.height < 1:
            raise UnsupportedDocumentError("the box lies outside the page")
        under = " ".join(target.get_textbox(box).split())
    return Proposal(
        id=proposal_id("manual", page, *(round(v, 1) for v in box)),
        category=category,
        text=under,
        channel="body",
        page=page,
        rects=((box.x0, box.y0, box.x1, box.y1),),
        score=1.0,
        source="manual",
        recognizer="ManualBox",
        context="",
        entity=f"manual:{page}",
        label=label,
        action="label" if label else "remove",
    )


def find_occurrences(
    data: bytes, text: str, *, category: str = "MANUAL", ocr: OcrEngine | None = None, policy: Policy | None = None
) -> list[Proposal]:
    """ "Redact every occurrence of this text": every place it appears, in every channel, matched
    case-insensitively across line breaks, as proposals (source ``manual``). Verification then
    requires the text to be gone everywhere."""
    if len(text.strip()) < 2:
        return []
    if detect_kind(data) == "text":
        extracted = extract_text(data.decode("utf-8"))
    else:
        with open_pdf(data) as doc:
            extracted = extract_pdf(doc, ocr)
    matcher = TermMatcher([(text, text)], case_sensitive=False)
    spans = [
        Span(start, end, category, 1.0, "manual", "ManualText", extracted.text[start:end])
        for start, end, _ in matcher.finditer(extracted.text)
    ]
    return build_proposals(extracted, spans, policy or load_policy("publication"), include_invisible=False)


def _page(doc: pymupdf.Document, page: int) -> pymupdf.Page:
    if not 0 <= page < doc.page_count:
        raise UnsupportedDocumentError(f"there is no page {page + 1} in this document")
    return doc[page]
