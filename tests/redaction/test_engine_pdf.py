"""The engine on PDFs built in code: each redacted string is gone from every channel AND the
neighbouring text survives, whatever the layout (hyphenation, page breaks, columns, tables, rotation,
crop boxes, ligatures) or hiding place (metadata, outline, annotations, links, embedded files, white text,
images)."""

from __future__ import annotations

import io
import json
from typing import cast

import pymupdf
import pytest

from redaction.ocr import OcrEngine
from redaction.textmatch import dehyphenate, normalise
from tests.redaction.conftest import page_texts

REGISTER = {
    "people": [{"name": "Tyler Morris", "role": "child", "aliases": ["Ty"], "date_of_birth": "2017-11-03"}],
    "addresses": ["27 Brook Street, Rotherham S60 2TT"],
}


def everything(pdf: bytes) -> str:
    """All text a reader or a tool could get out of the file (page text of every kind + side channels)."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        parts = [page.get_text("text", flags=pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_MEDIABOX_CLIP) for page in doc]
        parts += [str(v) for v in (doc.metadata or {}).values()]
        parts.append(doc.get_xml_metadata() or "")
        parts += [entry[1] for entry in doc.get_toc()]
        for page in doc:
            parts += [str(a.info) for a in page.annots() or []]
            parts += [str(link.get("uri")) for link in page.get_links()]
        parts += list(doc.embfile_names())
    return normalise(dehyphenate("\n".join(parts)))


def redact(engine, pdf: bytes, register=REGISTER) -> bytes:
    output, _ = engine.redact(pdf, register=register)
    return output


def test_when_register_name_in_body_then_removed_and_neighbours_survive(engine, make_pdf):
    pdf = make_pdf(
        [
            (72, 100, "Tyler Morris attended the clinic with Mother."),
            (72, 130, "Ty was seen again; Morris's weight was recorded."),
            (72, 160, "Child T was born on 3 November 2017 at home."),
        ]
    )
    out = everything(redact(engine, pdf))
    for gone in ("Tyler", "Morris", "Ty ", "3 November 2017"):
        assert gone not in out
    for kept in ("attended the clinic with Mother", "was seen again", "weight was recorded", "Child T", "was born on"):
        assert kept in out


def test_when_name_is_hyphenated_across_lines_then_both_fragments_are_removed(engine, make_pdf):
    pdf = make_pdf([(72, 100, "The health visitor met Tyler Mor-\nris and his sister at the family home.")])
    out = redact(engine, pdf)
    text = page_texts(out)
    assert "Mor" not in text and "ris and" not in text.replace("\n", " ")
    assert "his sister at the family home" in text.replace("\n", " ")


def test_when_address_continues_on_next_page_then_every_fragment_is_removed(engine, make_pdf):
    pdf = make_pdf(
        [(72, 700, "The family then lived at 27 Brook")],
        [(72, 120, "Street, Rotherham S60 2TT with the maternal grandmother.")],
    )
    out = redact(engine, pdf, register={"addresses": ["27 Brook Street, Rotherham S60 2TT"]})
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        first, second = doc[0].get_text(), doc[1].get_text()
    assert "Brook" not in first and "27" not in first and "The family then lived at" in first
    assert "Street" not in second and "S60" not in second and "with the maternal grandmother" in second


def test_when_a_name_hides_in_side_channels_then_all_are_cleaned(engine, make_pdf):
    def setup(doc: pymupdf.Document) -> None:
        doc.set_metadata({"title": "Review of Tyler Morris", "author": "Kelly Morris"})
        doc.set_toc([[1, "Background", 1], [1, "Tyler Morris chronology", 1]])
        page = doc[0]
        annot = page.add_text_annot((300, 300), "Check Tyler's DOB")
        annot.set_info(title="Kelly Morris")
        annot.update()
        page.insert_link(
            {
                "kind": pymupdf.LINK_URI,
                "from": pymupdf.Rect(72, 200, 200, 220),
                "uri": "https://example.org/tyler-morris",
            }
        )
        doc.embfile_add("tyler-morris-notes.txt", b"Tyler Morris notes", filename="tyler-morris-notes.txt")

    pdf = make_pdf([(72, 100, "Background: Tyler Morris lived with Mother.")], setup=setup)
    out = redact(engine, pdf)
    assert "Tyler" not in everything(out) and "Morris" not in everything(out)
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        assert [e[1] for e in doc.get_toc()][0] == "Background"
        assert not doc.embfile_names()
        assert not list(doc[0].annots())
        assert doc.get_xml_metadata() == ""
    assert "lived with Mother" in page_texts(out)


def test_when_text_is_white_on_white_then_it_is_removed_whole(engine, make_pdf):
    pdf = make_pdf(
        [
            (72, 100, "Visible paragraph about practice."),
            (72, 300, "secret note kept out of sight", {"color": (1, 1, 1)}),
        ]
    )
    out = redact(engine, pdf, register=None)
    text = page_texts(out)
    assert "secret note" not in text
    assert "Visible paragraph about practice." in text


def test_when_page_is_rotated_then_redaction_hits_the_name(engine, make_pdf):
    def setup(doc: pymupdf.Document) -> None:
        doc[0].set_rotation(90)

    pdf = make_pdf([(72, 100, "Tyler Morris attended the clinic.")], setup=setup)
    text = page_texts(redact(engine, pdf))
    assert "Tyler" not in text and "Morris" not in text
    assert "attended the clinic." in text


def test_when_cropbox_differs_from_mediabox_then_redaction_hits_the_name(engine, make_pdf):
    def setup(doc: pymupdf.Document) -> None:
        doc[0].set_cropbox(pymupdf.Rect(50, 50, 545, 792))

    pdf = make_pdf([(72, 100, "Tyler Morris attended the clinic.")], setup=setup)
    text = page_texts(redact(engine, pdf))
    assert "Tyler" not in text and "Morris" not in text
    assert "attended the clinic." in text


def test_when_name_contains_a_ligature_then_it_is_still_found(engine, make_pdf):
    pdf = make_pdf([(72, 100, "Dr Tyler Gri\ufb03ths reviewed the case.")])
    out = redact(engine, pdf, register={"people": [{"name": "Tyler Griffiths"}]})
    text = normalise(page_texts(out))
    assert "Griffiths" not in text and "Tyler" not in text
    assert "reviewed the case." in text


def test_when_text_is_in_two_columns_then_each_column_is_redacted_alone(engine, make_pdf):
    pdf = make_pdf(
        [
            (50, 100, "Left column about training."),
            (320, 100, "Tyler Morris was seen."),
            (50, 115, "More on supervision."),
            (320, 115, "Right column continues."),
        ]
    )
    text = page_texts(redact(engine, pdf))
    assert "Tyler" not in text and "Morris" not in text
    for kept in ("Left column about training.", "More on supervision.", "Right column continues.", "was seen."):
        assert kept in text


def test_when_family_table_lists_names_then_cells_are_redacted_and_headers_kept(engine, make_pdf):
    rows = [
        ("Relationship", "Family member", "DOB"),
        ("Subject (Child T)", "Tyler Morris", "03/11/2017"),
        ("Mother", "Kelly Morris", "04/07/1990"),
    ]
    items = [(x, 100 + 20 * r, cell) for r, row in enumerate(rows) for x, cell in zip((60, 220, 400), row, strict=True)]
    out = redact(engine, make_pdf(items))
    text = page_texts(out)
    for gone in ("Tyler", "Morris", "Kelly", "03/11/2017"):
        assert gone not in text
    for kept in ("Relationship", "Family member", "Subject (Child T)", "Mother"):
        assert kept in text


def _image_with_text(text: str) -> bytes:
    """A PNG of a scanned line of text (rendered from a PDF page, so real pixels)."""
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=60)
    page.insert_text((10, 35), text, fontsize=18)
    return page.get_pixmap(dpi=150).tobytes("png")


def _region_uniform(pdf: bytes, rect: pymupdf.Rect) -> bool:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        pix = doc[0].get_pixmap(clip=rect, dpi=100, colorspace=pymupdf.csGRAY)
        samples = pix.samples
        return max(samples) - min(samples) < 40


def _image_pixels_uniform(pdf: bytes, rect: pymupdf.Rect) -> bool:
    """The pixels of every image under rect (not a box drawn over them) are flat."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[0]
        for info in page.get_image_info(xrefs=True):
            bbox = pymupdf.Rect(info["bbox"])
            if not bbox.intersects(rect):
                continue
            pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.Pixmap(doc, info["xref"]))
            unit = (rect & bbox) * ~pymupdf.Matrix(info["transform"])
            xs = range(int(unit.x0 * pix.width), int(unit.x1 * pix.width))
            ys = range(int(unit.y0 * pix.height), int(unit.y1 * pix.height))
            values = [pix.pixel(x, y)[0] for y in ys for x in xs]
            if values and max(values) - min(values) > 40:
                return False
    return True


NEEDS_TESSERACT = pytest.mark.skipif(
    not __import__("redaction.ocr", fromlist=["x"]).OcrEngine().available, reason="tesseract is not installed"
)


@NEEDS_TESSERACT
def test_when_a_name_is_in_a_picture_set_into_the_text_then_the_whole_picture_is_removed(engine, make_pdf):
    png = _image_with_text("Dear Kelly Morris")
    box = pymupdf.Rect(72, 200, 372, 260)

    def setup(doc: pymupdf.Document) -> None:
        doc[0].insert_image(box, stream=png)

    pdf = make_pdf([(72, 100, "Kelly Morris received this letter.")], setup=setup)
    out, analysis = engine.redact(pdf, register={"people": [{"name": "Kelly Morris"}]})
    image_rects = [pymupdf.Rect(r) for p in analysis.proposals if p.channel == "image" for r in p.rects]
    assert image_rects and all(rect.contains(box) for rect in image_rects)  # the picture, not the word
    pictures = [p for p in analysis.proposals if p.channel == "image"]
    assert all(p.label == "image removed" for p in pictures)  # what the reviewer sees in the list
    inner = pymupdf.Rect(box.x0 + 2, box.y0 + 2, box.x1 - 2, box.y1 - 2)
    assert _region_uniform(out, inner)  # a plain box: nothing drawn where the picture was
    assert _image_pixels_uniform(out, inner)  # the image's own pixels, "Dear" included, are gone
    assert "received this letter." in page_texts(out)


@NEEDS_TESSERACT
def test_when_a_picture_holds_only_ordinary_words_then_it_is_kept(engine, make_pdf):
    png = _image_with_text("the plan was agreed")
    box = pymupdf.Rect(72, 200, 372, 260)

    def setup(doc: pymupdf.Document) -> None:
        doc[0].insert_image(box, stream=png)

    pdf = make_pdf([(72, 100, "The chronology is summarised below.")], setup=setup)
    out, analysis = engine.redact(pdf)
    assert not [p for p in analysis.proposals if p.channel == "image"]
    assert not analysis.needs_review
    assert not _region_uniform(out, pymupdf.Rect(box.x0 + 2, box.y0 + 2, box.x1 - 2, box.y1 - 2))


@NEEDS_TESSERACT
def test_when_a_page_sized_scan_holds_a_name_then_only_the_words_go_and_the_scan_stays_readable(engine, make_pdf):
    scan = pymupdf.open()
    scanned = scan.new_page(width=595, height=842)
    scanned.insert_text((72, 100), "Dear Kelly Morris", fontsize=14)
    scanned.insert_text((72, 130), "We write about the meeting on Tuesday.", fontsize=14)
    png = scanned.get_pixmap(dpi=150).tobytes("png")
    box = pymupdf.Rect(0, 0, 595, 842)  # a scanned page: the whole page is one picture

    def setup(doc: pymupdf.Document) -> None:
        doc[0].insert_image(box, stream=png)

    pdf = make_pdf([], setup=setup)
    out, analysis = engine.redact(pdf, register={"people": [{"name": "Kelly Morris"}]})
    image_rects = [pymupdf.Rect(r) for p in analysis.proposals if p.channel == "image" for r in p.rects]
    assert image_rects and not any(rect.contains(box) for rect in image_rects)
    assert not any(p.label == "image removed" for p in analysis.proposals)  # words go, not the scan
    for rect in image_rects:
        assert _image_pixels_uniform(out, pymupdf.Rect(rect.x0 + 2, rect.y0 + 2, rect.x1 - 2, rect.y1 - 2))
    leftmost = min(rect.x0 for rect in image_rects)
    assert not _region_uniform(out, pymupdf.Rect(box.x0 + 5, image_rects[0].y0, leftmost - 2, image_rects[0].y1))


class _ScriptedOcr:
    """An OCR engine that returns prepared readings: Tesseract's verdicts, without Tesseract."""

    available = True

    def __init__(self, *readings: object) -> None:
        self.readings = list(readings)

    def read_images(self, page: pymupdf.Page) -> list[object]:
        return self.readings


def _page_with_picture(make_pdf) -> pymupdf.Document:
    def setup(doc: pymupdf.Document) -> None:
        doc[0].insert_image(pymupdf.Rect(72, 200, 372, 260), stream=_image_with_text("x"))

    return pymupdf.open(stream=make_pdf([(72, 100, "Body text.")], setup=setup), filetype="pdf")


@pytest.mark.parametrize(
    ("words", "error"),
    [
        ([("Kel1y", 31.0), ("M0rr1s", 40.0)], None),  # read, but not with confidence
        ([], "OCR timed out"),  # not read at all
    ],
)
def test_when_a_picture_could_not_be_read_with_confidence_then_it_is_removed_whole_and_a_human_looks(
    make_pdf, words, error
):
    from redaction.extract import extract_pdf
    from redaction.ocr import ImageReading, OcrWord
    from redaction.resolve import image_text_spans

    box = (72.0, 200.0, 372.0, 260.0)
    reading = ImageReading(box, [OcrWord(text, box, confidence) for text, confidence in words], error)
    with _page_with_picture(make_pdf) as doc:
        extracted = extract_pdf(doc, cast(OcrEngine, _ScriptedOcr(reading)))
    assert any("image 1" in reason for reason in extracted.needs_review)
    spans = list(image_text_spans(extracted.text, extracted.ranges("image")))
    assert any("unread" in span.text for span in spans)  # the marker is always proposed...
    marker = next(span for span in spans if "unread" in span.text)
    assert {(extracted.locs[i] or (0,))[1:] for i in range(marker.start, marker.end)} == {box}  # ...whole picture


def test_when_a_picture_was_read_with_confidence_then_nobody_is_asked_to_look(make_pdf):
    from redaction.extract import extract_pdf
    from redaction.ocr import ImageReading, OcrWord

    box = (72.0, 200.0, 372.0, 260.0)
    reading = ImageReading(box, [OcrWord("the", box, 96.0), OcrWord("plan", box, 94.0)])
    with _page_with_picture(make_pdf) as doc:
        extracted = extract_pdf(doc, cast(OcrEngine, _ScriptedOcr(reading)))
    assert extracted.needs_review == []
    assert "unread" not in extracted.text


def test_when_input_is_text_then_spans_index_the_text_exactly(engine):
    text = "Tyler Morris (born 3 November 2017) lives at 27 Brook Street, Rotherham S60 2TT.\n"
    _, spans = engine.detect_spans(text.encode(), register=REGISTER)
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
    found = {span.text for span in spans}
    assert "Tyler Morris" in found or {"Tyler", "Morris"} <= found
    assert "S60 2TT" in " ".join(found)


def test_when_same_document_is_analysed_twice_then_proposals_are_identical(engine, make_pdf):
    pdf = make_pdf([(72, 100, "Tyler Morris attended with Ms Okafor, the health visitor.")])
    first = [p.to_dict() for p in engine.analyze(pdf, register=REGISTER).proposals]
    second = [p.to_dict() for p in engine.analyze(pdf, register=REGISTER).proposals]
    assert first == second
    assert json.loads(json.dumps(first)) == first


def test_when_pdf_is_saved_then_no_old_revision_survives(engine, make_pdf):
    pdf = make_pdf([(72, 100, "Tyler Morris attended the clinic.")])
    out = redact(engine, pdf)
    raw = io.BytesIO(out).getvalue()
    assert raw.count(b"%%EOF") == 1
    assert b"Tyler" not in raw and b"Morris" not in raw


def test_when_text_lies_outside_the_page_then_it_is_removed(engine, make_pdf):
    pdf = make_pdf(
        [
            (72, 100, "Visible text about practice."),
            (72, -50, "Tyler Morris off the page"),
            (700, 100, "notes right of the page"),
        ]
    )
    out = redact(engine, pdf)
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        text = doc[0].get_text(clip=pymupdf.INFINITE_RECT())
    assert "Tyler" not in text and "right of the page" not in text
    assert "Visible text about practice." in text


def test_when_text_is_in_a_hidden_layer_then_it_is_found_and_removed(engine):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Visible text about practice.")
    layer = doc.add_ocg("Reviewer notes", on=False)
    page.insert_text((72, 300), "Layer text naming Tyler Morris", oc=layer)
    out, analysis = engine.redact(doc.tobytes(), register=REGISTER)
    assert any(p.text == "Tyler Morris" for p in analysis.proposals)
    with pymupdf.open(stream=out, filetype="pdf") as result:
        for config in result.layer_ui_configs():
            result.set_layer_ui_config(config["number"], action=0)
        text = result[0].get_text()
    assert "Tyler" not in text and "Morris" not in text
    assert "Visible text about practice." in text


def test_when_register_name_survives_where_extraction_cannot_see_then_verification_fails(engine, make_pdf):
    from redaction.errors import VerificationFailed

    pdf = make_pdf([(72, 100, "Tyler Morris attended the clinic.")])
    with pytest.raises(VerificationFailed) as failure:
        engine.render(pdf, [], register=REGISTER)  # nothing applied: the register says it must go
    assert "Tyler" not in str(failure.value)


def test_when_policy_labels_names_then_the_label_replaces_the_name_consistently(engine, make_pdf, tmp_path):
    from redaction.engine import RedactionEngine

    policy = tmp_path / "labels.toml"
    policy.write_text('extends = "publication"\n[categories]\nPERSON = { action = "label", label = "Person {n}" }\n')
    labelling = RedactionEngine(profile=str(policy), detector=engine.detector)
    pdf = make_pdf(
        [(72, 100, "Tyler Morris met Kelly Morris at the clinic."), (72, 130, "Later Tyler Morris went home.")]
    )
    out, analysis = labelling.redact(pdf, register={"people": [{"name": "Tyler Morris"}, {"name": "Kelly Morris"}]})
    labels = {p.text: p.label for p in analysis.proposals if p.category == "PERSON"}
    assert labels["Tyler Morris"] == "Person 1" and labels["Kelly Morris"] == "Person 2"
    text = page_texts(out)
    assert "Tyler" not in text and "Kelly" not in text
    assert "Person 1" in text and "at the clinic." in text


def test_when_a_page_is_an_unreadable_image_then_the_result_needs_human_review(engine):
    blank = pymupdf.open()
    scan = blank.new_page(width=200, height=100).get_pixmap(dpi=72).tobytes("png")
    doc = pymupdf.open()
    doc.new_page().insert_image(pymupdf.Rect(50, 50, 550, 800), stream=scan)
    _, analysis = engine.redact(doc.tobytes())
    assert analysis.needs_review and "image" in analysis.needs_review[0]


def test_when_ocr_is_off_then_image_pages_need_human_review(engine, make_pdf):
    from redaction.engine import RedactionEngine

    no_ocr = RedactionEngine(ocr=False, detector=engine.detector)

    def setup(doc: pymupdf.Document) -> None:
        doc[0].insert_image(pymupdf.Rect(72, 200, 372, 260), stream=_image_with_text("Dear Kelly Morris"))

    _, analysis = no_ocr.redact(make_pdf([(72, 100, "A letter follows.")], setup=setup))
    assert any("OCR unavailable" in reason for reason in analysis.needs_review)


def test_when_reviewer_asks_for_every_occurrence_then_all_are_proposed_and_removed(engine, make_pdf):
    pdf = make_pdf(
        [(72, 100, "The Larkfield estate was mentioned."), (72, 130, "Back at larkfield\nestate later.")],
        [(72, 100, "LARKFIELD ESTATE again, and the kept word Larkspur.")],
    )
    proposals = engine.find_occurrences(pdf, "Larkfield estate")
    assert len(proposals) == 3 and all(p.source == "manual" for p in proposals)
    text = page_texts(engine.render(pdf, proposals))
    assert "larkfield" not in text.lower() and "Larkspur" in text and "was mentioned." in text


def test_when_reviewer_draws_a_box_then_everything_under_it_goes_and_nothing_else(engine, make_pdf):
    pdf = make_pdf([(72, 100, "Keep this line."), (72, 200, "Remove this line entirely.")])
    box = engine.manual_box(pdf, 0, (60, 185, 400, 205))
    assert box.text == "Remove this line entirely." and box.source == "manual"
    text = page_texts(engine.render(pdf, [box]))
    assert "Remove" not in text and "Keep this line." in text


def test_when_a_box_is_off_the_page_then_it_is_refused(engine, make_pdf):
    from redaction.errors import UnsupportedDocumentError

    pdf = make_pdf([(72, 100, "Text.")])
    with pytest.raises(UnsupportedDocumentError):
        engine.manual_box(pdf, 3, (0, 0, 10, 10))


def test_when_review_screen_asks_for_a_page_image_then_preview_hides_only_the_chosen_boxes(engine, make_pdf):
    pdf = make_pdf([(72, 100, "Tyler Morris attended the clinic.")])
    proposals = engine.analyze(pdf, register=REGISTER).proposals
    original = pymupdf.Pixmap(engine.page_image(pdf, 0, dpi=72))
    preview = pymupdf.Pixmap(engine.page_image(pdf, 0, proposals=proposals, dpi=72))
    assert (original.width, original.height) == (595, 842) == (preview.width, preview.height)
    x0, y0, x1, y1 = (int(v) for v in proposals[0].rects[0])

    def darkness(pix: pymupdf.Pixmap) -> float:  # mean of 255 - grey inside the name's box
        values = [255 - sum(pix.pixel(x, y)[:3]) // 3 for x in range(x0 + 1, x1 - 1) for y in range(y0 + 1, y1 - 1)]
        return sum(values) / len(values)

    assert darkness(preview) > 250  # solid black box over the name
    assert darkness(original) < 128  # the name's glyphs on a white page
    assert engine.page_sizes(pdf) == [(595.0, 842.0)]


def test_when_an_image_box_is_huge_then_ocr_renders_it_at_a_bounded_size():
    from redaction.ocr import MAX_PIXELS, render_dpi

    ordinary = pymupdf.Rect(72, 200, 372, 260)
    assert render_dpi(ordinary, 300) == 300
    hostile = pymupdf.Rect(0, 0, 14400, 14400)  # a 200-inch page drawn as one picture
    dpi = render_dpi(hostile, 450)
    assert dpi < 300 and (hostile.width / 72 * dpi) * (hostile.height / 72 * dpi) <= MAX_PIXELS
