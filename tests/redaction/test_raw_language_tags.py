"""The raw pass of verification reads every string of a content stream. A marked-content language tag
(``/Span <</Lang (en-US)>> BDC``) is a string too, but it never shows and names nobody: read as a word, it
sat between two shown strings and broke a kept phrase apart ("Yes | en-US | Inner Mongolia Shengyuan
Energy Group"), so a kept agency's place name counted as a survivor (PyMuPDF's test_3994, exit 3)."""

from __future__ import annotations

import pymupdf

from redaction.pdf_strings import GUESSED_GAP, raw_strings


def _tagged_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "x", fontname="helv")  # registers the font resource /helv
    content = (
        b"BT /helv 12 Tf 72 700 Td /Span <</Lang (en-US)>> BDC (Yes) Tj EMC "
        b"0 -14 Td /Span <</Lang (en-GB)>> BDC (Mercia Fields Police) Tj EMC "
        b"/Span <</ActualText (Tyler Morris)>> BDC (T. M.) Tj EMC ET"
    )
    doc.update_stream(page.get_contents()[0], content)
    return doc.tobytes()


def test_language_tags_are_not_read_as_words_between_shown_strings() -> None:
    data = _tagged_pdf()
    with pymupdf.open("pdf", data) as doc:
        parts, uses_actual_text = raw_strings(doc, data)
    shown = [p for p in parts if "Mercia" in p]
    assert shown and all("en-US" not in p and "en-GB" not in p for p in shown)
    assert any(f"Yes{GUESSED_GAP}Mercia Fields Police" in p for p in shown)
    assert any("Tyler Morris" in p for p in parts) and uses_actual_text  # other property strings still read
