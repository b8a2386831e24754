"""Places real-world files keep text that page redaction does not reach, each found by running SafePub on
public PDFs (issue 11): after render_pdf none of them holds the redacted text, and the document's own
text and navigation are still there."""

from __future__ import annotations

import pymupdf

from redaction.render import render_pdf
from redaction.types import Proposal
from redaction.verify import verify_pdf

NAME = "Tyler Morris"


def proposal(page: int, rect: tuple[float, float, float, float], text: str = NAME) -> Proposal:
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


def name_box(doc: pymupdf.Document, page: int = 0) -> tuple[float, float, float, float]:
    return tuple(doc[page].search_for(NAME)[0])  # type: ignore[return-value]


def render(doc: pymupdf.Document, page: int = 0) -> bytes:
    return render_pdf(pymupdf.open(stream=doc.tobytes(), filetype="pdf"), [proposal(page, name_box(doc, page))])


def base() -> pymupdf.Document:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), f"{NAME} was seen at home.", fontsize=11)
    return doc


def test_when_the_file_runs_javascript_on_opening_then_the_output_runs_nothing():
    doc = base()
    script = doc.get_new_xref()
    doc.update_object(script, "<< /S /JavaScript /JS (app.alert('x')) >>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{script} 0 R")
    doc.xref_set_key(doc[0].xref, "AA", f"<< /O {script} 0 R >>")
    output = render(doc)
    assert b"JavaScript" not in output and b"OpenAction" not in output and b"/AA" not in output
    verify_pdf(output, [(NAME, "PERSON")], ocr=False)


def test_when_a_figure_has_alt_text_naming_someone_then_the_name_goes_and_the_alt_text_stays():
    doc = base()
    element = doc.get_new_xref()
    doc.update_object(element, f"<< /Type /StructElem /S /Figure /Alt (Photograph of {NAME} at school) >>")
    root = doc.get_new_xref()
    doc.update_object(root, f"<< /Type /StructTreeRoot /K [{element} 0 R] >>")
    doc.xref_set_key(doc.pdf_catalog(), "StructTreeRoot", f"{root} 0 R")
    output = render(doc)
    verify_pdf(output, [(NAME, "PERSON")], ocr=False)
    assert b"Photograph of" in output


def test_when_marked_content_carries_the_name_as_actual_text_then_it_is_emptied():
    doc = base()
    page = doc[0]
    xref = page.get_contents()[0]
    stream = doc.xref_stream(xref)
    doc.update_stream(xref, b"/Span << /ActualText (" + NAME.encode() + b") >> BDC\n" + stream + b"\nEMC")
    output = render(doc)
    verify_pdf(output, [(NAME, "PERSON")], ocr=False)
    with pymupdf.open(stream=output, filetype="pdf") as out:
        assert "was seen at home" in out[0].get_text()


def test_when_a_named_destination_names_someone_then_it_goes_and_the_outline_still_leads_to_its_page():
    doc = base()
    doc.new_page().insert_text((72, 100), "Chapter two.", fontsize=11)
    names = doc.get_new_xref()
    doc.update_object(names, f"<< /Names [(section_{NAME.replace(' ', '_')}) [{doc[1].xref} 0 R /Fit]] >>")
    doc.xref_set_key(doc.pdf_catalog(), "Names", f"<< /Dests {names} 0 R >>")
    doc.set_toc([[1, "Chapter two", 2]])
    output = render(doc)
    verify_pdf(output, [(NAME, "PERSON")], ocr=False)
    with pymupdf.open(stream=output, filetype="pdf") as out:
        assert out.get_toc() == [[1, "Chapter two", 2]]


def test_when_a_destination_keeps_a_page_cut_out_of_the_document_then_that_page_does_not_ride_along():
    doc = base()
    doc.new_page().insert_text((72, 100), "Kelly Morris appendix page.", fontsize=11)
    orphan = doc[1].xref
    names = doc.get_new_xref()
    doc.update_object(names, f"<< /Names [(appendix) [{orphan} 0 R /Fit]] >>")
    doc.xref_set_key(doc.pdf_catalog(), "Names", f"<< /Dests {names} 0 R >>")
    pages = doc.xref_get_key(doc.pdf_catalog(), "Pages")[1].split()[0]
    doc.xref_set_key(int(pages), "Kids", f"[{doc[0].xref} 0 R]")
    doc.xref_set_key(int(pages), "Count", "1")
    cut = pymupdf.open(stream=doc.tobytes(), filetype="pdf")
    assert cut.page_count == 1 and "/Contents" in cut.xref_object(orphan)  # still in the file
    output = render_pdf(cut, [proposal(0, name_box(cut))])
    verify_pdf(output, [(NAME, "PERSON"), ("Kelly Morris", "PERSON")], ocr=False)


def test_when_annotations_of_every_kind_are_present_then_none_survives():
    doc = base()
    page = doc[0]
    page.add_text_annot((300, 300), f"Note about {NAME}")
    page.add_freetext_annot(pymupdf.Rect(300, 400, 500, 450), f"{NAME} again")
    page.insert_link(
        {"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(72, 200, 200, 220), "uri": "https://x.invalid/tyler"}
    )
    widget = pymupdf.Widget()
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_name = "child"
    widget.field_value = NAME
    widget.rect = pymupdf.Rect(72, 500, 300, 520)
    page.add_widget(widget)
    output = render(doc)
    verify_pdf(output, [(NAME, "PERSON")], ocr=False)
    with pymupdf.open(stream=output, filetype="pdf") as out:
        assert not list(out[0].annots()) and not list(out[0].widgets()) and not out[0].get_links()
        assert b"/AcroForm" not in output
