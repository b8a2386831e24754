"""A Word draft made ready for the PDF pipeline: its hygiene report and its publication PDF.

    draft = prepare_word(data)       # in the sandboxed child: LibreOffice is a parser of untrusted input
    draft.pdf                        # as it would print: tracked changes accepted, comments and hidden text gone
    draft.hidden                     # every hidden channel's text, for detection and for the reviewer

An .odt is first turned into a .docx by LibreOffice itself (tracked changes and comments come across as
Word's own), so one printable path serves both.
"""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

from redaction.errors import UnsupportedDocumentError
from redaction.word.convert import FAILED, convert
from redaction.word.hygiene import HiddenItem, hidden_items
from redaction.word.package import PackageLimits, open_package
from redaction.word.printable import printable_docx


@dataclass(frozen=True)
class WordDraft:
    kind: str
    pdf: bytes
    hidden: tuple[HiddenItem, ...]


def prepare_word(data: bytes, *, timeout_seconds: float = 300.0, limits: PackageLimits | None = None) -> WordDraft:
    """The hygiene report and the publication PDF of a .docx or .odt; UnsupportedDocumentError (with the
    uploader's reason) for what cannot be converted."""
    package = open_package(data, limits)
    kind = package.kind
    hidden = tuple(hidden_items(package))
    if kind == "odt":
        package = open_package(convert(data, "docx", timeout_seconds=timeout_seconds, suffix=".odt"), limits)
    pdf = convert(printable_docx(package), "pdf", timeout_seconds=timeout_seconds)
    try:
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            if doc.page_count == 0:
                raise UnsupportedDocumentError(FAILED)
    except UnsupportedDocumentError:
        raise
    except Exception:  # noqa: BLE001 - LibreOffice wrote something MuPDF cannot read
        raise UnsupportedDocumentError(FAILED) from None
    return WordDraft(kind, pdf, hidden)
