"""Accents drawn as glyphs of their own: a PDF may draw "é" as "e" followed by a combining acute accent
(U+0301). Verification reads the output as NFKC text, where the two are one letter, so detection must
read them as one letter too, or a name written that way is found by verification but never by the
redaction (PyMuPDF's test-3820: "Médecins" on one page only)."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from redaction.engine import RedactionEngine
from redaction.extract import extract_pdf

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="fonts-liberation2 is not installed (make system-deps)")


def _pdf(line: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="F0", fontfile=str(FONT))
    page.insert_text((72, 100), line, fontname="F0", fontsize=12)
    page.insert_text((72, 130), "The health visitor saw the family in March 2021.", fontname="F0", fontsize=12)
    return doc.tobytes()


def test_a_combining_accent_is_read_as_one_letter_with_the_box_of_both() -> None:
    with pymupdf.open("pdf", _pdf("Seen by Jose\u0301 A\u0301lvarez at home.")) as doc:
        assert "\u0301" in doc[0].get_text()  # the PDF really draws the accent on its own
        extracted = extract_pdf(doc, None)
    start = extracted.text.index("José Álvarez")
    assert "\u0301" not in extracted.text
    letter = extracted.locs[start + 3]  # the "é": its box covers the letter and the accent
    assert letter is not None and letter[3] > letter[1]


def test_a_registered_name_drawn_with_combining_accents_is_redacted_and_verified() -> None:
    engine = RedactionEngine(ocr=False)
    register = {"people": [{"name": "José Álvarez", "role": "father"}]}
    output, _analysis = engine.redact(_pdf("Seen by Jose\u0301 A\u0301lvarez at home."), register=register)
    with pymupdf.open("pdf", output) as doc:
        text = doc[0].get_text()
    assert "lvarez" not in text and "Jose" not in text
    assert "The health visitor saw the family in March 2021." in " ".join(text.split())
