"""Structures of real-world PDFs that once made verification fail although nothing identifying survived
(issue 11, "no false failures"), each rebuilt in code; and, for each, the leak the fix must still catch.

PyMuPDF test resources behind them: v110-changes.pdf, test_3842.pdf and test_3780.pdf (one word drawn in
pieces by separate show operators), test_4479.pdf (a redacted word in a font's family name), test-2333.pdf
(a redaction box overlapping the next line cut a word there down to a redacted word).
"""

from __future__ import annotations

import pymupdf
import pytest

from redaction.errors import VerificationFailed
from redaction.verify import verify_pdf


def _page_with_stream(content: bytes, *, extra_form: bytes | None = None) -> bytes:
    """One page whose content stream is ``content`` (Helvetica as /F1); ``extra_form`` is a Form XObject
    in the page's resources that the page never draws (extraction cannot see it, the file holds it)."""
    doc = pymupdf.open()
    page = doc.new_page()
    font = doc.get_new_xref()
    doc.update_object(font, "<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>")
    xobjects = ""
    if extra_form is not None:
        form = doc.get_new_xref()
        resources = f"<</Font<</F1 {font} 0 R>>>>"
        doc.update_object(form, f"<</Type/XObject/Subtype/Form/BBox[0 0 500 100]/Resources{resources}>>")
        doc.update_stream(form, extra_form)
        xobjects = f"/XObject<</Fx {form} 0 R>>"
    doc.xref_set_key(page.xref, "Resources", f"<</Font<</F1 {font} 0 R>>{xobjects}>>")
    contents = doc.get_new_xref()
    doc.update_object(contents, "<<>>")
    doc.update_stream(contents, content)
    doc.xref_set_key(page.xref, "Contents", f"{contents} 0 R")
    return doc.tobytes(garbage=3, deflate=True)


def _verify(pdf: bytes, item: str) -> None:
    verify_pdf(pdf, [(item, "PERSON")], ocr=False, second_parser=False)


def test_when_one_word_is_drawn_by_two_show_operators_then_a_part_of_it_is_not_a_survivor():
    # "PyMuPDF" drawn as (Py) and (MuPDF): the raw reading guesses a word break between the operators,
    # page extraction places the glyphs and reads one word, so the redacted "MuPDF" is not in the output.
    pdf = _page_with_stream(b"BT /F1 11 Tf 72 700 Td (used in Py) Tj (MuPDF. This) Tj ET")
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        assert "PyMuPDF" in doc[0].get_text()
    _verify(pdf, "MuPDF")


def test_when_a_reference_number_follows_a_word_in_its_own_operator_then_the_word_is_not_a_survivor():
    pdf = _page_with_stream(b"BT /F1 11 Tf 72 700 Td (a much larger crystal) Tj /F1 7 Tf 4 Ts (48) Tj ET")
    _verify(pdf, "crystal")


def test_when_a_guessed_break_is_not_read_by_extraction_then_the_raw_pass_still_reports_the_name():
    # the same two-operator drawing in a form the page never shows: extraction cannot vouch for it
    unseen = b"BT /F1 11 Tf 0 10 Td (Dear) Tj (Tyler) Tj ET"
    pdf = _page_with_stream(b"BT /F1 11 Tf 72 700 Td (Dear) Tj ET", extra_form=unseen)
    with pytest.raises(VerificationFailed) as raised:
        _verify(pdf, "Tyler")
    assert {channel for channel, _ in raised.value.survivors} == {"raw"}


def test_when_separate_operators_draw_separate_words_then_the_name_is_still_found():
    pdf = _page_with_stream(b"BT /F1 11 Tf 72 700 Td (Dear) Tj 60 0 Td (Tyler) Tj ET")
    with pytest.raises(VerificationFailed) as raised:
        _verify(pdf, "Tyler")
    assert {"body", "raw"} <= {channel for channel, _ in raised.value.survivors}
