"""Verification: a forbidden name left in ANY channel of the output fails; neighbouring text does not.

Each leak PDF is built in code with PyMuPDF and carries the name in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

from redaction.errors import VerificationFailed
from redaction.verify import VerificationReport, find_tessdata, verify_pdf, verify_text

NAME = "Tyler Morris"
FORBIDDEN = [
    ("Tyler Morris", "PERSON_FAMILY"),
    ("Tyler", "PERSON_FAMILY"),
    ("Morris", "PERSON_FAMILY"),
    ("Lee", "PERSON_PRACTITIONER"),
    ("14 Larch Close", "ADDRESS"),
]
NEIGHBOURS = "Child K moved to Leeds with Mother; the review panel met Ms Leeson in Morrisons."

TESSDATA = find_tessdata()
needs_ocr = pytest.mark.skipif(TESSDATA is None, reason="Tesseract language data not installed")


def build(setup: Callable[[pymupdf.Document, pymupdf.Page], None] | None = None) -> bytes:
    """A one-page review with innocent neighbouring text; ``setup`` adds the leak."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), NEIGHBOURS, fontsize=10)
    if setup:
        setup(doc, page)
    return doc.tobytes(garbage=3, deflate=True)


def text_image(text: str) -> pymupdf.Pixmap:
    """A raster image showing ``text`` (as a scanned letter would)."""
    src = pymupdf.open()
    page = src.new_page(width=320, height=50)
    page.insert_text((10, 32), text, fontsize=20)
    return page.get_pixmap(dpi=200)


def failed(pdf: bytes, **options) -> VerificationFailed:
    options.setdefault("ocr", False)
    with pytest.raises(VerificationFailed) as raised:
        verify_pdf(pdf, FORBIDDEN, **options)
    return raised.value


def channels(error: VerificationFailed) -> set[str]:
    return {channel for channel, _ in error.survivors}


# --- a clean output passes -------------------------------------------------------------------------
def test_when_output_is_clean_then_verification_passes_and_reports_what_it_checked():
    report = verify_pdf(build(), FORBIDDEN, ocr=False)
    assert isinstance(report, VerificationReport)
    assert report.pages == 1
    assert report.items_checked == len(FORBIDDEN)
    assert {
        "body",
        "body_pypdf",
        "metadata",
        "xmp",
        "outline",
        "annotation",
        "form",
        "link",
        "embedded",
        "raw",
        "revision",
    } <= set(report.channels_checked)
    assert report.warnings == ()
    assert not report.needs_review


def test_when_neighbouring_words_contain_a_forbidden_item_then_they_are_not_flagged():
    # "Lee" in "Leeds"/"Leeson", "Morris" in "Morrisons": word-bounded, so the clean page passes.
    verify_pdf(build(), [("Lee", "PERSON_PRACTITIONER"), ("Morris", "PERSON_FAMILY")], ocr=False)


def test_when_forbidden_item_is_one_character_then_it_is_skipped_and_counted():
    report = verify_pdf(build(), [("K", "PERSON_FAMILY"), ("", "X"), ("Tyler", "PERSON_FAMILY")], ocr=False)
    assert report.items_skipped == 1
    assert report.items_checked == 1


def test_when_there_is_nothing_forbidden_then_verification_passes():
    assert verify_pdf(build(), [], ocr=False).items_checked == 0


# --- page text in all its forms ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "text", "options"),
    [
        ("visible", "Tyler Morris attended school", {}),
        ("possessive", "Tyler's mother", {}),
        ("all caps", "TYLER MORRIS", {}),
        ("white on white", "Tyler Morris", {"color": (1, 1, 1)}),
        ("1pt", "Tyler Morris", {"fontsize": 1}),
        ("invisible render mode", "Tyler Morris", {"render_mode": 3}),
    ],
)
def test_when_name_is_in_page_text_then_body_fails(label, text, options):
    error = failed(build(lambda doc, page: page.insert_text((72, 200), text, **options)))
    assert "body" in channels(error)
    assert ("body", "PERSON_FAMILY") in error.survivors


def test_when_name_is_outside_the_visible_page_then_body_fails():
    error = failed(build(lambda doc, page: page.insert_text((700, 900), "Tyler Morris")))
    assert "body" in channels(error)


def test_when_name_is_hyphenated_at_a_line_end_then_body_fails():
    def leak(doc, page):
        page.insert_text((72, 200), "the boy, Mor-", fontsize=10)
        page.insert_text((72, 212), "ris, was seen", fontsize=10)

    verify_pdf(build(), [("Morris", "PERSON_FAMILY")], ocr=False)
    error = failed(build(leak))
    assert "body" in channels(error)


def test_when_name_is_hidden_under_an_image_then_body_fails():
    def leak(doc, page):
        page.insert_text((72, 220), "Tyler Morris", fontsize=12)
        blank = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 40), False)
        blank.clear_with(255)
        page.insert_image(pymupdf.Rect(60, 200, 300, 240), pixmap=blank)

    assert "body" in channels(failed(build(leak)))


def test_when_name_is_in_a_hidden_optional_content_layer_then_verification_fails():
    def leak(doc, page):
        layer = doc.add_ocg("Notes", on=False)
        page.insert_text((72, 200), "Tyler Morris", oc=layer)

    assert {"body", "body_pypdf", "raw"} <= channels(failed(build(leak)))


# --- document-level channels -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("channel", "setup"),
    [
        ("metadata", lambda doc, page: doc.set_metadata({"author": "Tyler Morris", "title": "Review"})),
        ("metadata", lambda doc, page: doc.set_metadata({"subject": "Review of TYLER's case"})),
        (
            "xmp",
            lambda doc, page: doc.set_xml_metadata(
                '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                '<rdf:Description><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">'
                "Tyler Morris</dc:creator>"
                "</rdf:Description></rdf:RDF></x:xmpmeta>"
            ),
        ),
        ("outline", lambda doc, page: doc.set_toc([[1, "Chronology for Tyler Morris", 1]])),
        ("annotation", lambda doc, page: page.add_text_annot((72, 300), "Check with Tyler Morris's school")),
        ("annotation", lambda doc, page: page.add_text_annot((72, 300), "ok").set_info(title="Morris")),
        ("annotation", lambda doc, page: page.add_freetext_annot(pymupdf.Rect(72, 300, 300, 340), "Tyler")),
        (
            "link",
            lambda doc, page: page.insert_link(
                {
                    "kind": pymupdf.LINK_URI,
                    "from": pymupdf.Rect(72, 90, 200, 102),
                    "uri": "https://social.example/tyler_morris",
                }
            ),
        ),
        (
            "link",
            lambda doc, page: page.insert_link(
                {
                    "kind": pymupdf.LINK_URI,
                    "from": pymupdf.Rect(72, 90, 200, 102),
                    "uri": "https://maps.example/?q=14%20Larch%20Close",
                }
            ),
        ),
        ("embedded", lambda doc, page: doc.embfile_add("notes.txt", b"Notes", filename="Tyler_notes.txt")),
        ("embedded", lambda doc, page: doc.embfile_add("notes", b"Notes", desc="about Morris")),
        ("embedded", lambda doc, page: doc.embfile_add("notes", b"Visit to 14 Larch Close")),
        (
            "page_label",
            lambda doc, page: doc.set_page_labels(
                [{"startpage": 0, "prefix": "Tyler-", "style": "D", "firstpagenum": 1}]
            ),
        ),
        ("layer", lambda doc, page: doc.add_ocg("Morris family")),
    ],
)
def test_when_name_is_in_a_side_channel_then_that_channel_fails(channel, setup):
    error = failed(build(setup))
    assert channel in channels(error)


def _add_widget(doc: pymupdf.Document, page: pymupdf.Page, **fields) -> None:
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.rect = pymupdf.Rect(72, 400, 300, 420)
    widget.field_name = fields.get("name", "child")
    widget.field_value = fields.get("value", "")
    widget.field_label = fields.get("label", "")
    page.add_widget(widget)


@pytest.mark.parametrize("field", ["name", "value", "label"])
def test_when_name_is_in_a_form_field_then_form_fails(field):
    error = failed(build(lambda doc, page: _add_widget(doc, page, **{field: "Tyler Morris"})))
    assert "form" in channels(error)


def test_when_name_is_only_in_an_unused_pdf_object_then_raw_fails():
    def leak(doc, page):
        orphan = doc.get_new_xref()
        doc.update_object(orphan, "<</Note (Tyler Morris)>>")
        doc.xref_set_key(doc.pdf_catalog(), "PieceInfo", f"{orphan} 0 R")

    assert channels(failed(build(leak))) == {"raw"}


def test_when_name_is_in_a_utf16_string_then_raw_fails():
    def leak(doc, page):
        doc.xref_set_key(doc.pdf_catalog(), "Note", "<FEFF" + "Tyler Morris".encode("utf-16-be").hex() + ">")

    assert channels(failed(build(leak))) == {"raw"}


def test_when_name_is_in_javascript_then_raw_fails():
    def leak(doc, page):
        js = doc.get_new_xref()
        doc.update_object(js, "<<>>")
        doc.update_stream(js, b'app.alert("Tyler Morris");')
        doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"<</S/JavaScript/JS {js} 0 R>>")

    assert "raw" in channels(failed(build(leak)))


# --- earlier revisions --------------------------------------------------------------------------------
def test_when_an_incremental_update_keeps_the_unredacted_revision_then_verification_fails(tmp_path: Path):
    path = tmp_path / "draft.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), NEIGHBOURS, fontsize=10)
    page.insert_text((72, 200), "Tyler Morris attended school", fontsize=10)
    doc.save(path)
    doc.close()
    doc = pymupdf.open(path)
    page = doc[0]
    for rect in page.search_for("Tyler Morris"):
        page.add_redact_annot(rect)
    page.apply_redactions()
    doc.saveIncr()
    doc.close()
    data = path.read_bytes()
    assert "Tyler" not in pymupdf.open(stream=data)[0].get_text()  # the current revision is clean...
    error = failed(data)  # ...but the old content stream is still in the file
    assert {"raw", "revision"} <= channels(error)
    assert ("revision", "EARLIER_REVISION") in error.survivors
    assert "earlier revision" in str(error)


# --- images ------------------------------------------------------------------------------------------
@needs_ocr
def test_when_name_is_in_an_image_then_ocr_fails():
    def leak(doc, page):
        page.insert_image(pymupdf.Rect(72, 300, 392, 350), pixmap=text_image("Tyler Morris"))

    error = failed(build(leak), ocr=True, tessdata=TESSDATA)
    assert channels(error) == {"image"}


@needs_ocr
def test_when_an_image_is_only_covered_by_a_black_box_then_ocr_still_fails():
    def leak(doc, page):
        page.insert_image(pymupdf.Rect(72, 300, 392, 350), pixmap=text_image("14 Larch Close"))
        page.draw_rect(pymupdf.Rect(72, 300, 392, 350), color=None, fill=(0, 0, 0))

    error = failed(build(leak), ocr=True, tessdata=TESSDATA)
    assert ("image", "ADDRESS") in error.survivors


@needs_ocr
def test_when_an_image_is_innocent_then_ocr_passes_and_is_reported():
    def image(doc, page):
        page.insert_image(pymupdf.Rect(72, 300, 392, 350), pixmap=text_image("Working Together 2018"))

    report = verify_pdf(build(image), FORBIDDEN, ocr=True, tessdata=TESSDATA)
    assert report.ocr_available and report.ocr_pages == 1 and report.unread_image_pages == 0
    assert "image" in report.channels_checked


def test_when_ocr_is_unavailable_then_image_pages_are_reported_unread_not_passed_silently(tmp_path):
    def image(doc, page):
        page.insert_image(pymupdf.Rect(72, 300, 392, 350), pixmap=text_image("Tyler Morris"))

    report = verify_pdf(build(image), FORBIDDEN, ocr=False)
    assert not report.ocr_available
    assert report.unread_image_pages == 1
    assert report.needs_review
    assert find_tessdata([str(tmp_path / "nowhere")]) is None


def test_when_images_are_tiny_then_they_are_not_counted_for_ocr():
    def icon(doc, page):
        dot = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 20, 20), False)
        dot.clear_with(0)
        page.insert_image(pymupdf.Rect(72, 300, 92, 320), pixmap=dot)

    assert verify_pdf(build(icon), FORBIDDEN, ocr=False).unread_image_pages == 0


# --- the failure itself --------------------------------------------------------------------------------
def test_when_verification_fails_then_the_message_names_channels_but_never_the_text():
    def leak(doc, page):
        page.insert_text((72, 200), "Tyler Morris, 14 Larch Close")
        doc.set_metadata({"author": "Tyler Morris"})

    error = failed(build(leak))
    message = str(error)
    for text, _ in FORBIDDEN:
        assert text.lower() not in message.lower()
        assert all(text not in str(part) for survivor in error.survivors for part in survivor)
    assert message.startswith("4 redacted items survive in the output (channels: body")
    assert "metadata" in message
    assert ("body", "ADDRESS") in error.survivors


def test_when_output_is_not_a_pdf_then_verification_fails():
    with pytest.raises(VerificationFailed, match="cannot be opened"):
        verify_pdf(b"not a pdf", FORBIDDEN, ocr=False)


def test_when_text_output_contains_a_name_then_verify_text_fails():
    verify_text(NEIGHBOURS, FORBIDDEN)
    with pytest.raises(VerificationFailed) as raised:
        verify_text("Seen by LEE at home", FORBIDDEN)
    assert raised.value.survivors == [("body", "PERSON_PRACTITIONER")]


def test_when_a_forbidden_item_is_inside_a_kept_agency_name_then_only_that_occurrence_is_allowed():
    forbidden = [("Mercia Fields", "PERSON")]
    allowed = ["Mercia Fields Police", "Mercia Fields"]  # the second is forbidden too: forbidden wins
    clean = build(lambda doc, page: page.insert_text((72, 200), "Mercia Fields Police attended."))
    verify_pdf(clean, forbidden, ocr=False, allowed=allowed)
    with pytest.raises(VerificationFailed):
        verify_pdf(clean, forbidden, ocr=False)
    leaky = build(lambda doc, page: page.insert_text((72, 200), "Mercia Fields Police met Mercia Fields."))
    with pytest.raises(VerificationFailed):
        verify_pdf(leaky, forbidden, ocr=False, allowed=allowed)
    with pytest.raises(VerificationFailed):
        verify_text("MERCIA FIELDS said", forbidden, allowed=allowed)


# --- what is not a survivor -------------------------------------------------------------------------
def test_when_two_outline_entries_are_adjacent_then_an_item_spanning_both_is_not_found():
    """Parts of a channel (outline entries, pages) are joined by a separator that a pattern's \\s* cannot
    bridge: "Background" + "Chronology" are two titles, not the item "Background Chronology"."""

    def outline(doc, page):
        doc.set_toc([[1, "Background", 1], [1, "Chronology", 1]])

    pdf = build(outline)
    verify_pdf(pdf, [("Background Chronology", "ORGANIZATION")], ocr=False)
    with pytest.raises(VerificationFailed):
        verify_pdf(pdf, [("Chronology", "ORGANIZATION")], ocr=False)


def test_when_a_font_cmap_holds_a_code_that_reads_like_a_year_then_raw_does_not_flag_it():
    """A ToUnicode map's <2019> is the code of a right quote, not the year 2019 (strict redacts years)."""

    def cmap(doc, page):
        xref = doc.get_new_xref()
        doc.update_object(xref, "<<>>")
        doc.update_stream(
            xref,
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            b"2 beginbfchar\n<0008> <2019>\n<0009> <2020>\nendbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end",
        )
        doc.xref_set_key(doc.pdf_catalog(), "PieceInfo", f"{xref} 0 R")

    verify_pdf(build(cmap), [("2019", "DATE_TIME"), ("2020", "DATE_TIME")], ocr=False)


def test_when_initials_are_also_a_word_then_only_capitals_are_survivors():
    def text(doc, page):
        page.insert_text((72, 140), "Ah, said the nurse. An assessment was made.", fontsize=10)

    verify_pdf(build(text), [("AH", "PERSON"), ("AN", "PERSON")], ocr=False)

    def capitals(doc, page):
        page.insert_text((72, 140), "AH was seen.", fontsize=10)

    with pytest.raises(VerificationFailed):
        verify_pdf(build(capitals), [("AH", "PERSON")], ocr=False)
