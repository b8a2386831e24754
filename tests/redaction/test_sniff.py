"""Input sniffing and safe PDF opening: hostile and broken uploads give a clear one-line reason."""

from __future__ import annotations

import os

import pymupdf
import pytest

from redaction.errors import UnsupportedDocumentError
from redaction.sniff import detect_kind, open_pdf


def _pdf(pages: int = 3, **save_options) -> bytes:
    doc = pymupdf.open()
    for number in range(pages):
        doc.new_page().insert_text((72, 72), f"Page {number}: the review of Child K")
    return doc.tobytes(**save_options)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(32)


@pytest.fixture
def good_pdf() -> bytes:
    return _pdf()


# --- detect_kind ------------------------------------------------------------------------------------
def test_when_bytes_start_with_pdf_header_then_kind_is_pdf(good_pdf):
    assert detect_kind(good_pdf) == "pdf"


def test_when_pdf_header_follows_junk_within_1024_bytes_then_kind_is_pdf(good_pdf):
    assert detect_kind(b"\x00" * 500 + good_pdf) == "pdf"


def test_when_pdf_header_is_beyond_1024_bytes_then_kind_is_not_pdf(good_pdf):
    with pytest.raises(UnsupportedDocumentError):
        detect_kind(b"\x00" * 2000 + good_pdf)


@pytest.mark.parametrize(
    "data",
    [
        b"Child K lived with Mother.\n\tTable\trow\r\n",
        "\ufeffWith a BOM and an em dash \u2014 and caf\u00e9".encode(),
        b"page one\fpage two",
    ],
)
def test_when_bytes_are_utf8_text_then_kind_is_text(data):
    assert detect_kind(data) == "text"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\t ", "empty file"),
        (PNG, "this looks like a PNG image, not a PDF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"PK\x03\x04" + bytes(30), "not a Word document"),
        (os.urandom(4096).replace(b"%PDF-", b"xxxxx"), "not a PDF or UTF-8 text file"),
        ("Caf\u00e9 in Latin-1".encode("latin-1"), "not a PDF or UTF-8 text file"),
        (b"text with a NUL\x00 byte", "not a PDF or UTF-8 text file"),
        (b"text with an escape \x1b[0m", "not a PDF or UTF-8 text file"),
        ("UTF-16 text".encode("utf-16"), "UTF-16"),
    ],
)
def test_when_bytes_are_neither_pdf_nor_utf8_text_then_a_clear_reason_is_given(data, reason):
    with pytest.raises(UnsupportedDocumentError) as raised:
        detect_kind(data)
    message = str(raised.value)
    assert reason in message
    assert "\n" not in message


# --- open_pdf ---------------------------------------------------------------------------------------
def test_when_pdf_is_good_then_it_opens_from_memory(good_pdf):
    doc = open_pdf(good_pdf)
    assert doc.page_count == 3
    assert "Child K" in doc[0].get_text()
    doc.close()


@pytest.mark.parametrize("pages", [1, 6])
def test_when_pdf_is_truncated_into_its_objects_then_it_is_refused_as_damaged(pages):
    data = _pdf(pages=pages)
    with pytest.raises(UnsupportedDocumentError, match="damaged"):
        open_pdf(data[: len(data) // 2])


@pytest.mark.parametrize("keep", [0.8, 0.97])
def test_when_pdf_lacks_only_its_xref_and_trailer_then_it_is_repaired_and_every_page_is_read(keep):
    """Producers write files without a usable xref or %%EOF all the time: when MuPDF rebuilds the file
    and every page loads, it is not "damaged" (issue 11: no false rejections)."""
    data = _pdf(pages=6)
    doc = open_pdf(data[: int(len(data) * keep)])
    assert doc.page_count == 6 and all("Child K" in page.get_text() for page in doc)
    doc.close()


def test_when_pdf_has_no_header_but_starts_with_an_object_then_it_is_read_as_a_pdf(good_pdf):
    headerless = good_pdf[good_pdf.index(b"1 0 obj") :]
    for data in (headerless, b"%\xe2\xe3\xcf\xd3\n" + headerless):  # a binary-marker comment first
        assert detect_kind(data) == "pdf"
        doc = open_pdf(data)
        assert doc.page_count == 3
        doc.close()
    assert detect_kind(b"1 0 obj is how the notes begin, and nothing else") == "text"


def test_when_pdf_is_cut_in_its_header_then_it_is_refused_as_damaged():
    with pytest.raises(UnsupportedDocumentError, match="damaged"):
        open_pdf(_pdf()[:200])


def test_when_pdf_needs_a_user_password_then_it_is_refused_as_password_protected():
    data = _pdf(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    with pytest.raises(UnsupportedDocumentError) as raised:
        open_pdf(data)
    assert str(raised.value) == "the PDF is password-protected; please upload an unprotected copy"


def test_when_pdf_has_only_an_owner_password_then_it_opens_because_everything_is_readable():
    data = _pdf(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", permissions=0)
    doc = open_pdf(data)
    assert "Child K" in doc[0].get_text()
    doc.close()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (PNG, "PNG image"),
        (os.urandom(4096).replace(b"%PDF-", b"xxxxx"), "not a PDF"),
        (b"plain UTF-8 text", "not a PDF"),
        ("Latin-1 caf\u00e9".encode("latin-1"), "not a PDF"),
        (b"%PDF-1.7\n" + os.urandom(3000), "damaged"),
    ],
)
def test_when_bytes_are_not_a_readable_pdf_then_open_pdf_refuses_them(data, reason):
    with pytest.raises(UnsupportedDocumentError, match=reason):
        open_pdf(data)


def test_when_pdf_has_no_pages_then_it_is_refused():
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    with pytest.raises(UnsupportedDocumentError, match="no pages"):
        open_pdf(data)


def test_when_pdf_has_too_many_pages_then_the_limit_is_named():
    with pytest.raises(UnsupportedDocumentError, match="at most 2 pages"):
        open_pdf(_pdf(pages=3), max_pages=2)


def test_when_pdf_is_a_dynamic_xfa_form_then_it_is_refused():
    doc = pymupdf.open(stream=_pdf(), filetype="pdf")
    xfa = doc.get_new_xref()
    doc.update_object(xfa, "<<>>")
    doc.update_stream(xfa, b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
    catalog = doc.pdf_catalog()
    doc.xref_set_key(catalog, "AcroForm", f"<</Fields[]/XFA {xfa} 0 R>>")
    doc.xref_set_key(catalog, "NeedsRendering", "true")
    with pytest.raises(UnsupportedDocumentError, match="XFA"):
        open_pdf(doc.tobytes())


def test_when_pdf_has_a_slightly_wrong_xref_then_it_is_repaired_and_accepted(good_pdf):
    # Shift every object by a few bytes: the xref offsets are now wrong, the file is complete.
    damaged = good_pdf.replace(b"%PDF-1.7\n", b"%PDF-1.7\n% padding\n", 1)
    doc = open_pdf(damaged)
    assert doc.page_count == 3
    doc.close()
