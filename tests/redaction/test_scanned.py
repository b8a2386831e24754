"""Scanned reports: a page image with an OCR text layer (made by Tesseract itself, as scanners and OCR
programs make them) and a page image alone. Identifying words must go from the text AND from the
pixels; the rest of the report must stay readable (at least 90% of its other words, read back by OCR of
the output). Invisible text that lies on no image is still hidden text, removed whole."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pymupdf
import pytest

from redaction.extract import extract_pdf
from redaction.ocr import OcrEngine

NEEDS_TESSERACT = pytest.mark.skipif(
    shutil.which("tesseract") is None or not OcrEngine().available, reason="tesseract is not installed"
)

REPORT = [
    "Tyler Morris was seen by the health visitor at home on several occasions during the spring.",
    "The health visitor recorded that the home was warm and that the children appeared well cared for.",
    "Concerns were raised by the school in the autumn term about attendance and about bruising.",
    "Kelly Morris told the social worker that the family had moved because of problems with neighbours.",
    "The review found that agencies did not share information about the move in a timely way.",
    "The panel recommends that the partnership reviews its arrangements for sharing information",
    "between health services, education and social care when a family moves home.",
]
IDENTIFYING = {"tyler", "kelly", "morris"}
REGISTER = {"people": [{"name": "Tyler Morris", "role": "child"}, {"name": "Kelly Morris", "role": "parent"}]}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def kept_share(output_words: list[str]) -> float:
    """Share of the report's non-identifying words (counted with repeats) found in the output."""
    wanted = Counter(w for line in REPORT for w in words(line) if w not in IDENTIFYING)
    found = Counter(output_words)
    return sum(min(n, found[w]) for w, n in wanted.items()) / sum(wanted.values())


def scan_png(dpi: int = 200) -> bytes:
    """The report printed on an A4 page and scanned: real pixels of real glyphs, in grey."""
    doc = pymupdf.open()
    page = doc.new_page()
    for number, line in enumerate(REPORT):
        page.insert_text((60, 90 + 22 * number), line, fontsize=10.5, fontname="tiro")
    return page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY).tobytes("png")


def tesseract_pdf(png: bytes, folder: Path) -> bytes:
    """A searchable scan exactly as Tesseract writes one: the page image with its words in invisible
    text (render mode 3, GlyphLessFont) over them."""
    source = folder / "scan.png"
    source.write_bytes(png)
    command = ["tesseract", str(source), str(folder / "scan"), "-l", "eng", "pdf"]
    subprocess.run(command, check=True, capture_output=True)
    return (folder / "scan.pdf").read_bytes()


def image_only_pdf(png: bytes) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_image(page.rect, stream=png)
    return doc.tobytes(deflate=True)


def read_pixels(pdf: bytes) -> list[str]:
    """What Tesseract reads in the output's pixels (the page as a reader sees it)."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        png = doc[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY).tobytes("png")
    result = subprocess.run(["tesseract", "stdin", "stdout", "-l", "eng"], input=png, capture_output=True, check=True)
    return words(result.stdout.decode("utf-8", "replace"))


def read_text(pdf: bytes) -> list[str]:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return words(" ".join(page.get_text() for page in doc))


@NEEDS_TESSERACT
def test_when_a_scan_has_an_ocr_text_layer_then_the_layer_is_page_text_not_hidden_text(tmp_path):
    pdf = tesseract_pdf(scan_png(), tmp_path)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        extracted = extract_pdf(doc, None)
    assert extracted.invisible == []  # nothing is removed whole
    body = " ".join(extracted.text[a:b] for a, b in extracted.ranges("body"))
    assert "health visitor" in body and "Tyler Morris" in body
    assert not extracted.ranges("hidden")


@NEEDS_TESSERACT
def test_when_an_ocr_layer_word_is_redacted_then_its_whole_word_box_covers_its_pixels(tmp_path):
    """The layer's glyphs stop at the baseline and are stretched to the word: every character of a word
    maps to the word's box, grown below the baseline (the "y" of "Tyler")."""
    pdf = tesseract_pdf(scan_png(), tmp_path)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        extracted = extract_pdf(doc, None)
        glyphs = [s for b in doc[0].get_text("dict")["blocks"] for line in b.get("lines", []) for s in line["spans"]]
    start = extracted.text.index("Tyler")
    boxes = {extracted.locs[i] for i in range(start, start + 5)}
    assert len(boxes) == 1  # one box for the word
    (_, x0, y0, x1, y1) = boxes.pop()
    span = next(s for s in glyphs if s["text"].startswith("Tyler"))
    assert y1 > span["bbox"][3] + 2  # below the baseline
    assert x1 >= span["bbox"][2] - 0.5  # to the end of the word and its space


@NEEDS_TESSERACT
def test_when_an_ocr_layer_scan_names_the_family_then_only_those_words_go_from_text_and_pixels(engine, tmp_path):
    pdf = tesseract_pdf(scan_png(), tmp_path)
    out, analysis = engine.redact(pdf, register=REGISTER)
    assert not [p for p in analysis.proposals if p.category == "HIDDEN_TEXT"]
    assert len(analysis.proposals) < 10  # the names, not every word of the page
    text, pixels = read_text(out), read_pixels(out)
    assert not IDENTIFYING & set(text)
    assert not IDENTIFYING & set(pixels)
    assert kept_share(text) >= 0.9  # the scan stays searchable
    assert kept_share(pixels) >= 0.9  # and readable


@NEEDS_TESSERACT
def test_when_a_scan_has_no_text_layer_then_identifying_words_go_from_its_pixels_and_the_rest_stays(engine):
    out, analysis = engine.redact(image_only_pdf(scan_png()), register=REGISTER)
    image = [p for p in analysis.proposals if p.channel == "image"]
    assert image and all(p.category in ("PERSON", "IMAGE_TEXT") or "PERSON" in p.category for p in image)
    pixels = read_pixels(out)
    assert not IDENTIFYING & set(pixels)
    assert kept_share(pixels) >= 0.9


def test_when_invisible_text_lies_on_no_image_then_it_is_still_hidden_text_removed_whole(engine, make_pdf):
    pdf = make_pdf(
        [(72, 100, "The chronology is summarised below."), (72, 140, "secret note about them", {"render_mode": 3})]
    )
    out, analysis = engine.redact(pdf)
    assert [p for p in analysis.proposals if p.category == "HIDDEN_TEXT"]
    text = read_text(out)
    assert "secret" not in text and "chronology" in text


def test_when_invisible_text_lies_on_an_image_then_it_is_that_images_text(make_pdf):
    """The rule is general, not Tesseract's: any invisible text over a picture is the picture's text."""

    def setup(doc: pymupdf.Document) -> None:
        picture = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 40, 10), False)
        picture.clear_with(200)
        doc[0].insert_image(pymupdf.Rect(60, 120, 360, 150), pixmap=picture, keep_proportion=False)
        doc[0].insert_text((72, 140), "minutes of the strategy meeting", fontsize=11, render_mode=3)

    with pymupdf.open(stream=make_pdf([(72, 100, "Heading")], setup=setup), filetype="pdf") as doc:
        extracted = extract_pdf(doc, None)
    assert extracted.invisible == []
    body = " ".join(extracted.text[a:b] for a, b in extracted.ranges("body"))
    assert "strategy meeting" in body


def _outlined(make_pdf, shape: str) -> bytes:
    """Invisible text over a filled path: curves (what glyph outlines are) or a plain rectangle."""

    def setup(doc: pymupdf.Document) -> None:
        page = doc[0]
        drawn = page.new_shape()
        if shape == "curves":
            for x in range(72, 260, 8):  # a row of filled letter-sized blobs
                drawn.draw_oval(pymupdf.Rect(x, 128, x + 7, 142))
        else:
            drawn.draw_rect(pymupdf.Rect(60, 120, 360, 150))
        drawn.finish(fill=(0, 0, 0), color=None)
        drawn.commit()
        page.insert_text((72, 140), "minutes of the strategy meeting", fontsize=11, render_mode=3)

    return make_pdf([(72, 100, "Heading")], setup=setup)


def test_when_invisible_text_lies_on_glyph_outlines_then_it_is_the_text_of_those_outlines(make_pdf):
    """Browsers and design tools print text as paths with invisible text over them: that text is the
    page's text, not hidden text (a printed web page was blacked out whole)."""
    with pymupdf.open(stream=_outlined(make_pdf, "curves"), filetype="pdf") as doc:
        extracted = extract_pdf(doc, None)
    assert extracted.invisible == []
    assert "strategy meeting" in " ".join(extracted.text[a:b] for a, b in extracted.ranges("body"))


def test_when_invisible_text_lies_on_a_plain_box_then_it_is_still_hidden_text(make_pdf):
    with pymupdf.open(stream=_outlined(make_pdf, "box"), filetype="pdf") as doc:
        extracted = extract_pdf(doc, None)
    assert extracted.invisible


class _Scripted:
    """Tesseract's verdict on the page's one image, without Tesseract (its confidence is the point)."""

    available = True

    def __init__(self, words: list[tuple[str, tuple[float, float, float, float], float]]) -> None:
        self.words = words

    def read_images(self, page: pymupdf.Page) -> list[object]:
        from redaction.ocr import ImageReading, OcrWord

        return [ImageReading(tuple(page.rect), [OcrWord(t, b, c, (1, 1, 1)) for t, b, c in self.words])]


def _scan_page() -> pymupdf.Page:
    doc = pymupdf.open()
    page = doc.new_page()
    picture = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 100, 140), False)
    picture.clear_with(230)
    page.insert_image(page.rect, pixmap=picture, keep_proportion=False)
    return page


def test_when_our_ocr_is_unsure_of_words_the_layer_already_has_then_the_scan_is_not_removed_whole():
    from redaction.image_text import read_page_images

    layer = [(60.0 + 50 * i, 80.0, 100.0 + 50 * i, 95.0) for i in range(6)]
    words = [(f"word{i}", (62.0 + 50 * i, 82.0, 98.0 + 50 * i, 93.0), 30.0) for i in range(6)]
    lines, problems = read_page_images(_scan_page(), _Scripted(words), has_text=True, layer=layer)
    assert lines == [] and problems == []


def test_when_our_ocr_finds_many_unsure_words_beyond_the_layer_then_the_picture_goes_and_a_human_looks():
    from redaction.image_text import read_page_images

    layer = [(60.0, 80.0, 100.0, 95.0)]
    words = [("word", (62.0, 82.0, 98.0, 93.0), 90.0)]
    words += [(f"sm{i}dge", (60.0 + 50 * i, 400.0, 100.0 + 50 * i, 415.0), 20.0) for i in range(6)]
    lines, problems = read_page_images(_scan_page(), _Scripted(words), has_text=True, layer=layer)
    assert problems and any("unread" in "".join(c for c, _ in chars) for chars, _, _ in lines)
