"""The second parser (pypdf in child processes) reads every page, in page order, however it is split."""

from __future__ import annotations

import pytest

from redaction.second_parser import PAGE_SEPARATOR, PypdfJob


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_every_page_comes_back_in_page_order(make_pdf, parts):
    pdf = make_pdf(*[[(72, 72, f"Page marker {n}")] for n in range(5)])
    job = PypdfJob(parts=parts)  # started before the PDF exists, as rendering does
    try:
        job.send(pdf)
        text, problem = job.result()
    finally:
        job.close()
    assert problem is None
    pages = text.split(PAGE_SEPARATOR)
    assert [p.strip() for p in pages] == [f"Page marker {n}" for n in range(5)]


def test_an_unreadable_pdf_is_reported_not_passed():
    job = PypdfJob(b"%PDF-1.7\nthis is not a PDF body", parts=2)
    try:
        text, problem = job.result()
    finally:
        job.close()
    assert text == ""
    assert problem is not None and "pypdf" in problem


def test_result_before_send_is_a_programming_error():
    job = PypdfJob(parts=1)
    try:
        with pytest.raises(ValueError):
            job.result()
    finally:
        job.close()


def _pypdf_here(pdf: bytes) -> list[str]:
    import io

    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _child_pages(pdf: bytes) -> list[str]:
    job = PypdfJob(pdf, parts=1)
    try:
        text, problem = job.result()
    finally:
        job.close()
    assert problem is None
    return text.split(PAGE_SEPARATOR)


def test_the_childs_fast_hex_string_reader_reads_what_pypdf_reads(make_pdf):
    """The child replaces pypdf's byte-at-a-time hex-string reader (half its time on MuPDF output):
    odd digit counts, whitespace inside the string and both cases must read exactly as pypdf reads them."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "placeholder", fontname="helv")
    contents = page.get_contents()[0]
    doc.update_stream(
        contents,
        b"BT /helv 11 Tf 72 770 Td <48 65 6c\n6C 6f2> Tj 0 -14 Td "
        b"[<5468657265>-250<2077617320>] TJ 0 -14 Td <4E6f74206865782e> Tj ET",
    )
    pdf = doc.tobytes()
    assert _child_pages(pdf) == _pypdf_here(pdf)
    assert "Hello" in _child_pages(pdf)[0].replace("\n", "")


def test_the_child_reads_a_redacted_pdf_exactly_as_pypdf_does(make_pdf):
    import pymupdf

    pdf = make_pdf([(72, 72 + 14 * n, f"Line {n}: Zephyrine Quarterman met the health visitor.") for n in range(30)])
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    for rect in doc[0].search_for("Zephyrine"):
        doc[0].add_redact_annot(rect, fill=(0, 0, 0))
    doc[0].apply_redactions()
    redacted = doc.tobytes(garbage=4, deflate=True)
    assert _child_pages(redacted) == _pypdf_here(redacted)
