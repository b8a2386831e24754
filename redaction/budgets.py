"""Budgets checked before any heavy work on an untrusted document.

A hostile PDF is cheap to write and expensive to read: a 730-byte file can declare a page that renders
to gigabytes, a kilobyte of Flate data can inflate to a gigabyte, a page tree can hold ten thousand pages.
Everything here reads only what the file *declares* (page boxes, image dictionaries, the object table)
or inflates streams into a fixed-size scratch buffer, so the check itself costs little memory; the
sandbox's address-space limit catches whatever a declaration hides.

Each refusal is a :class:`BudgetExceeded` (an :class:`UnsupportedDocumentError`, so a submission fails
at once) whose message tells the uploader which limit the document exceeds, never what it contains.
Renderings over the pixel budget are not refused but down-scaled (:func:`render_dpi`).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import pymupdf

from redaction.errors import UnsupportedDocumentError

MB = 1024 * 1024


class BudgetExceeded(UnsupportedDocumentError):
    """The document needs more than a processing limit allows (pages, size, memory, time)."""


@dataclass(frozen=True)
class Budgets:
    """The limits, in one place (``config/settings.py`` overrides them from the environment)."""

    #: pages in one document
    max_pages: int = 2000
    #: the longest side of a page, in points: 14,400 pt (200 in) is the largest page PDF allows
    max_page_side: float = 14_400.0
    #: pixels of one page image or OCR rendering; bigger renderings are made at a lower dpi
    max_render_pixels: int = 40_000_000
    #: pixels one embedded image declares (Width x Height); a 600 dpi A0 scan is about 560 million
    max_image_pixels: int = 600_000_000
    #: objects in the cross-reference table
    max_objects: int = 1_000_000
    #: bytes one non-image stream may inflate to (page content, fonts, object streams, attachments)
    max_stream_bytes: int = 256 * MB
    #: bytes all non-image streams together may inflate to
    max_total_stream_bytes: int = 1024 * MB


DEFAULT = Budgets()
_SCRATCH = 4 * MB  # inflate at most this much at a time: the check never holds a whole stream


def check_document(data: bytes, budgets: Budgets = DEFAULT) -> None:
    """Raise BudgetExceeded if a PDF exceeds a budget. Text and unreadable input pass through: the
    engine's own checks (``sniff``) refuse those with their own reasons."""
    if b"%PDF-" not in data[:1024]:
        return
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:  # noqa: BLE001 - unreadable: sniff.open_pdf gives the reason
        return
    try:
        check_pdf(doc, budgets)
    except BudgetExceeded:
        raise
    except Exception:  # noqa: BLE001 - MuPDF chokes on the structure (a page-tree cycle...): open_pdf says why
        return
    finally:
        doc.close()


def check_pdf(doc: pymupdf.Document, budgets: Budgets = DEFAULT) -> None:
    """The checks, cheapest first."""
    if doc.needs_pass:
        return  # nothing can be read; open_pdf refuses it
    objects = doc.xref_length()
    if objects > budgets.max_objects:
        raise BudgetExceeded(f"the PDF has {objects} objects; at most {budgets.max_objects} can be processed")
    if doc.page_count > budgets.max_pages:
        raise BudgetExceeded(f"the PDF has {doc.page_count} pages; at most {budgets.max_pages} pages can be processed")
    for number in range(doc.page_count):
        rect = doc.page_cropbox(number)
        if max(rect.width, rect.height) > budgets.max_page_side:
            raise BudgetExceeded(
                f"page {number + 1} is larger than the largest page a PDF may have "
                f"({budgets.max_page_side:,.0f} points a side)"
            )
    total = 0
    for xref in range(1, objects):
        if not doc.xref_is_stream(xref):
            continue
        if doc.xref_get_key(xref, "Subtype")[1] == "/Image":
            _check_image(doc, xref, budgets)
        else:
            total += _inflated_size(doc, xref, budgets.max_stream_bytes)
            if total > budgets.max_total_stream_bytes:
                raise BudgetExceeded(
                    f"the PDF's content inflates to more than {budgets.max_total_stream_bytes // MB} MB, "
                    "the processing limit"
                )


def render_dpi(width: float, height: float, wanted: int, max_pixels: int) -> int:
    """``wanted``, lowered so that a ``width`` x ``height`` point area renders to at most ``max_pixels``."""
    square_inches = max(width * height, 1.0) / (72.0 * 72.0)
    return max(1, min(int(wanted), int((max_pixels / square_inches) ** 0.5)))


def _check_image(doc: pymupdf.Document, xref: int, budgets: Budgets) -> None:
    width, height = (_number(doc.xref_get_key(xref, key)) for key in ("Width", "Height"))
    if width * height > budgets.max_image_pixels:
        raise BudgetExceeded(
            f"the PDF holds an image of {width:,} x {height:,} pixels; at most "
            f"{budgets.max_image_pixels // 1_000_000:,} million pixels can be processed"
        )


def _number(entry: tuple[str, str]) -> int:
    kind, value = entry
    if kind not in ("int", "float"):
        return 0
    try:
        return max(0, int(float(value)))
    except ValueError:
        return 0


def _inflated_size(doc: pymupdf.Document, xref: int, limit: int) -> int:
    """How many bytes a Flate stream inflates to, counted ``_SCRATCH`` bytes at a time and given up
    past ``limit`` (BudgetExceeded). Streams with other or chained filters count as their raw size:
    their decoders are MuPDF's own, bounded by the sandbox's memory limit."""
    raw = doc.xref_stream_raw(xref) or b""
    if doc.xref_get_key(xref, "Filter")[1].strip("[] ") != "/FlateDecode":
        return len(raw)
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending:
            size += len(inflater.decompress(pending, _SCRATCH))
            pending = inflater.unconsumed_tail
            if size > limit:
                raise BudgetExceeded(
                    f"a stream in the PDF inflates to more than {limit // MB} MB (a decompression bomb?); "
                    "it cannot be processed"
                )
    except zlib.error:
        pass  # damaged data: MuPDF reads what it can, as it would without this check
    return size
