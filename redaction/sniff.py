"""What kind of document an upload is, decided by its bytes, and opening PDFs safely.

File names and MIME types come from the uploader and prove nothing: a PNG renamed ``review.pdf`` must be
refused with a message the uploader can act on, not crash the engine (a 500) or, worse, be processed as
something it is not. Every refusal is an :class:`UnsupportedDocumentError` whose message is one line,
written for the uploader, and never quotes the document's contents.
"""

from __future__ import annotations

import re
from typing import Literal

import pymupdf

from redaction.errors import UnsupportedDocumentError

Kind = Literal["pdf", "text", "docx", "odt"]

#: Word drafts: converted to PDF (inside the sandbox) before anything else reads them
WORD_KINDS = ("docx", "odt")

_PDF_MAGIC = b"%PDF-"
# The PDF specification allows junk before the header; readers accept it within the first 1024 bytes.
_HEADER_WINDOW = 1024
# A file without a header that starts with an object and ends with a trailer is a PDF too (MuPDF reads
# it): some producers leave the header out.
_HEADERLESS = re.compile(rb"\A(?:\s*%[^\r\n]*[\r\n]+)*\s*\d+\s+\d+\s+obj\b")
_TRAILER = re.compile(rb"\b(?:startxref|trailer)\b")
_TRAILER_WINDOW = 2048
# C0 and C1 control characters (Unicode category Cc) except tab, line feed, carriage return, form feed.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# Signatures of formats people upload by mistake, to say what the file is rather than "not a PDF".
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "this looks like a PNG image, not a PDF"),
    (b"\xff\xd8\xff", "this looks like a JPEG image, not a PDF"),
    (b"GIF87a", "this looks like a GIF image, not a PDF"),
    (b"GIF89a", "this looks like a GIF image, not a PDF"),
    (b"II*\x00", "this looks like a TIFF image, not a PDF"),
    (b"MM\x00*", "this looks like a TIFF image, not a PDF"),
    (b"{\\rtf", "this looks like an RTF document, not a PDF; please export it as PDF"),
)

# What MuPDF says, while repairing or reading a file, about an object cut off in the middle.
_TRUNCATED = re.compile(
    r"cannot load content stream|premature end of data|object is not a stream|missing 'endobj'"
    r"|expected 'endobj' or 'stream'"
)

_CORRUPT = "the PDF is damaged or incomplete and cannot be read; please upload it again"
_ENCRYPTED = "the PDF is password-protected; please upload an unprotected copy"


def detect_kind(data: bytes) -> Kind:
    """``"pdf"``, ``"text"``, ``"docx"`` or ``"odt"`` from the content alone; anything else raises
    UnsupportedDocumentError."""
    if not data:
        raise UnsupportedDocumentError("empty file")
    if _PDF_MAGIC in data[:_HEADER_WINDOW]:
        return "pdf"
    if _HEADERLESS.match(data[:_HEADER_WINDOW]) and _TRAILER.search(data[-_TRAILER_WINDOW:]):
        return "pdf"
    if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
        return _office_kind(data)
    for signature, reason in _SIGNATURES:
        if data.startswith(signature):
            raise UnsupportedDocumentError(reason)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedDocumentError("this text file is UTF-16; please save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedDocumentError("not a PDF or UTF-8 text file") from None
    # Control characters other than layout whitespace mean binary data that happens to be valid UTF-8
    # (or a mis-encoded file): its "text" offsets would not mean anything to a reviewer.
    if _FORBIDDEN_CONTROLS.search(text):
        raise UnsupportedDocumentError("not a PDF or UTF-8 text file")
    if not text.strip():
        raise UnsupportedDocumentError("empty file")
    return "text"


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An OpenDocument package starts with its uncompressed "mimetype" entry (the specification requires it).
_ODT_MIMETYPE = re.compile(rb"\A.{30}mimetypeapplication/vnd\.oasis\.opendocument\.text(?!-)", re.DOTALL)
# Part names in a ZIP's headers are never compressed: what the package holds shows in its raw bytes.
_OFFICE_PARTS: tuple[tuple[bytes, str | None], ...] = (
    (b"word/vbaProject.bin", "macros"),
    (b"word/document.xml", None),
    (b"xl/workbook.", "this looks like a spreadsheet, not a review; please upload a PDF or Word (.docx) file"),
    (b"ppt/presentation.", "this looks like a presentation, not a review; please upload a PDF or Word (.docx) file"),
)


def _office_kind(data: bytes) -> Kind:
    """A Word package by the bytes alone, without unpacking it: the web process only sniffs, and the
    sandboxed child opens the package (``redaction.word.open_package``) and checks it properly."""
    from redaction.word.package import LEGACY, MACROS, NOT_WORD, PASSWORD, ole_kind

    if data.startswith(_OLE_MAGIC):
        raise UnsupportedDocumentError(PASSWORD if ole_kind(data) == "encrypted" else LEGACY)
    if _ODT_MIMETYPE.match(data):
        if b"Basic/" in data or b"Scripts/" in data:  # an OpenDocument file's macro folders
            raise UnsupportedDocumentError(MACROS)
        return "odt"
    for name, verdict in _OFFICE_PARTS:
        if name in data:
            if verdict is None:
                return "docx"
            raise UnsupportedDocumentError(MACROS if verdict == "macros" else verdict)
    raise UnsupportedDocumentError(NOT_WORD)


def open_pdf(data: bytes, *, max_pages: int = 2000) -> pymupdf.Document:
    """Open a PDF from memory (never from disk: the plaintext must not touch the file system) and
    refuse what the engine cannot redact reliably.

    Refused: not a PDF, encrypted with a user password, damaged beyond what MuPDF can repair (it
    rebuilds broken cross-reference tables; a repaired file whose pages all load is accepted, since
    real producers write broken tables all the time, and the reviewer sees every page it has), no
    pages, more than ``max_pages`` pages, and XFA-only forms (their content lives in XML that MuPDF
    does not render, so it could neither be checked nor redacted).

    The caller owns the returned document and should close it.
    """
    if detect_kind(data) != "pdf":
        raise UnsupportedDocumentError("not a PDF file")
    pymupdf.TOOLS.reset_mupdf_warnings()  # read back by _check: what repairing the file ran into
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:  # noqa: BLE001 - any parser failure on uploaded bytes is the uploader's problem
        raise UnsupportedDocumentError(_CORRUPT) from None
    try:
        _check(doc, data, max_pages)
    except UnsupportedDocumentError:
        doc.close()
        raise
    except Exception:  # noqa: BLE001 - hostile structure that makes MuPDF throw while we inspect it
        doc.close()
        raise UnsupportedDocumentError(_CORRUPT) from None
    return doc


def _check(doc: pymupdf.Document, data: bytes, max_pages: int) -> None:
    if not doc.is_pdf:
        raise UnsupportedDocumentError("not a PDF file")
    # needs_pass: a user password is required to read anything. A PDF encrypted only with an *owner*
    # password (permissions such as "no copying") opens without one; it is accepted, because every
    # byte is readable and the redacted output is written as a fresh, unencrypted file.
    if doc.needs_pass:
        raise UnsupportedDocumentError(_ENCRYPTED)
    if doc.page_count == 0:
        raise UnsupportedDocumentError("the PDF has no pages (it may be damaged)")
    if doc.page_count > max_pages:
        raise UnsupportedDocumentError(
            f"the PDF has {doc.page_count} pages; at most {max_pages} pages can be processed"
        )
    # is_repaired (pdf_was_repaired): the xref was unusable and MuPDF rebuilt it by scanning the file
    # for "N 0 obj". Real producers write wrong xref offsets, no xref at all, junk after %%EOF or no
    # %%EOF: a repaired file whose pages load, with their contents whole, is read like any other (a
    # file MuPDF opens, with pages, is not "damaged"). A page that will not load, or an object cut off
    # in the middle (a file cut short in transfer: the uploader would publish part of a review), is.
    if doc.is_repaired:
        for number in range(doc.page_count):
            page = doc.load_page(number)
            for xref in page.get_contents():
                doc.xref_stream(xref)
        doc.load_page(0).get_pixmap(dpi=10, alpha=False)
        if _TRUNCATED.search(pymupdf.TOOLS.mupdf_warnings()):
            raise UnsupportedDocumentError(_CORRUPT)
    if _is_xfa_only(doc):
        raise UnsupportedDocumentError(
            "the PDF is a dynamic XFA form, which cannot be redacted; please print it to PDF first"
        )


def _is_xfa_only(doc: pymupdf.Document) -> bool:
    """Dynamic XFA: the catalog says the viewer must render the XML itself (NeedsRendering), or there
    is XFA data but no AcroForm fields to fall back on."""
    catalog = doc.pdf_catalog()
    if doc.xref_get_key(catalog, "NeedsRendering") == ("bool", "true"):
        return True
    has_xfa = doc.xref_get_key(catalog, "AcroForm/XFA")[0] != "null"
    if not has_xfa:
        return False
    fields_type, fields = doc.xref_get_key(catalog, "AcroForm/Fields")
    return fields_type == "null" or fields.replace(" ", "") in ("[]", "")
