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
from redaction.extract import extract_pdf
from redaction.ocr import OcrEngine
from redaction.render import render_pdf
from redaction.types import Proposal
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
    pdf = _page_with_stream(b"BT /F1 11 Tf 72 700 Td [(a much larger) -250 (crystal)] TJ /F1 7 Tf 4 Ts (48) Tj ET")
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


# --- a redacted word in a string nothing displays ----------------------------------------------------
def _proposal(page: int, rect: tuple[float, float, float, float], text: str) -> Proposal:
    return Proposal(
        id="p1",
        category="PERSON",
        text=text,
        channel="body",
        page=page,
        rects=(rect,),
        score=1.0,
        source="pattern",
        recognizer="test",
        context="",
        entity="person:x",
        label=None,
        action="remove",
    )


def test_when_a_font_family_holds_a_redacted_word_then_the_string_loses_it_and_the_page_keeps_its_font():
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Morris was seen at home.", fontsize=11)
    descriptor = doc.get_new_xref()
    doc.update_object(
        descriptor,
        "<</Type/FontDescriptor/FontName/MorrisSansCond/FontFamily(Morris Sans Cond)/CharSet(/M/o/r/i/s)"
        "/Flags 32/FontBBox[0 0 1000 1000]/ItalicAngle 0/Ascent 900/Descent -200/CapHeight 700/StemV 80>>",
    )
    font = page.get_fonts()[0][0]  # the font the page's text is shown in
    doc.xref_set_key(font, "FontDescriptor", f"{descriptor} 0 R")
    source = doc.tobytes()
    with pymupdf.open(stream=source, filetype="pdf") as target:
        box = tuple(target[0].search_for("Morris")[0])
        output = render_pdf(target, [_proposal(0, box, "Morris")])
    verify_pdf(output, [("Morris", "PERSON")], ocr=False, second_parser=False)
    with pymupdf.open(stream=output, filetype="pdf") as result:
        assert "was seen at home." in result[0].get_text()


# --- a box that reaches into the next line -----------------------------------------------------------
def test_when_a_box_touches_the_next_line_then_the_words_there_stay_whole():
    # a heading set so tightly over the next line that their character boxes overlap: removing the
    # heading's word through the whole box cut "empleadores" below down to "empleador", which is the
    # redacted word itself (test-2333)
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Verificación del Empleador o Representante", fontsize=11)
    page.insert_text((72, 108.5), "(Los empleadores o representantes deberán completar la sección)", fontsize=8)
    source = doc.tobytes()
    with pymupdf.open(stream=source, filetype="pdf") as target:
        box = pymupdf.Rect(target[0].search_for("Empleador o")[0])
        below = pymupdf.Rect(target[0].search_for("empleadores")[0])
        assert box.intersects(below) or box.y1 > below.y0  # the structure: the boxes overlap
        box.x1 = box.x0 + (box.x1 - box.x0) * len("Empleador") / len("Empleador o")
        output = render_pdf(target, [_proposal(0, tuple(box), "Empleador")])
    verify_pdf(output, [("Empleador", "PERSON")], ocr=False, second_parser=False)
    with pymupdf.open(stream=output, filetype="pdf") as result:
        text = result[0].get_text()
    assert "(Los empleadores o representantes deberán completar la sección)" in text
    assert "Verificación del" in text and "o Representante" in text


def test_when_a_box_covers_two_lines_of_its_own_then_both_lose_their_text():
    # a name broken over two lines is one box per line; a box drawn over both lines is not narrowed
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Tyler", fontsize=11)
    page.insert_text((72, 108.5), "Morris", fontsize=8)
    source = doc.tobytes()
    with pymupdf.open(stream=source, filetype="pdf") as target:
        box = pymupdf.Rect(target[0].search_for("Tyler")[0]) | pymupdf.Rect(target[0].search_for("Morris")[0])
        output = render_pdf(target, [_proposal(0, tuple(box), "Tyler Morris")])
    verify_pdf(output, [("Tyler", "PERSON"), ("Morris", "PERSON")], ocr=False, second_parser=False)


# --- a rotated page ------------------------------------------------------------------------------------
def _rotated_page_with_logo() -> pymupdf.Document:
    """An A4 page turned by 90 degrees (as landscape reports are), with a picture holding a name and a
    line of text, both placed low on the unrotated page: below the rotated page's height (test_2634)."""
    logo = pymupdf.open()
    drawing = logo.new_page(width=300, height=60)
    drawing.insert_text((10, 40), "Tyler Morris", fontsize=30)
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(pymupdf.Rect(100, 700, 250, 730), pixmap=drawing.get_pixmap(dpi=150))
    page.insert_text((100, 800), "The review panel met in the spring.", fontsize=11)
    page.set_rotation(90)
    return doc


@pytest.mark.skipif(not OcrEngine().available, reason="Tesseract not installed")
def test_when_a_page_is_rotated_then_a_picture_low_on_it_is_read_where_it_is():
    doc = _rotated_page_with_logo()
    page = doc[0]
    assert page.rect.height < 700  # the structure: the picture lies below the rotated page's height
    readings = OcrEngine().read_images(page)
    words = {w.text: pymupdf.Rect(w.box) for r in readings for w in r.words}
    assert "Tyler" in words and "Morris" in words
    assert pymupdf.Rect(100, 700, 250, 730).contains(words["Tyler"].tl)  # in the picture, unrotated


def test_when_a_page_is_rotated_then_its_text_low_on_it_is_page_text_not_hidden_text():
    doc = _rotated_page_with_logo()
    extracted = extract_pdf(doc, None)
    start = extracted.text.index("The review panel met")
    piece = extracted.piece_at(start)
    assert piece is not None and piece.channel in ("body", "header")  # read as printed, not as hidden
