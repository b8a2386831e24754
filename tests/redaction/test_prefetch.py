"""Extraction in a forked child (the cold command line) gives exactly what extraction in process gives."""

from __future__ import annotations

import os

import pymupdf
import pytest

from redaction import prefetch
from redaction.errors import RedactionError, UnsupportedDocumentError
from redaction.extract import extract_pdf
from redaction.prefetch import ExtractionJob
from redaction.sniff import open_pdf

pytestmark = pytest.mark.skipif(not ExtractionJob.available(), reason="needs fork")


def _with_side_channels(doc: pymupdf.Document) -> None:
    doc.set_metadata({"author": "Amira Hussain", "title": "Review draft"})
    doc.set_toc([[1, "Chronology for Tyler Morris", 1]])
    doc[0].add_text_annot((300, 300), "Note: check Tyler's school")


def test_the_child_extracts_exactly_what_this_process_would(make_pdf):
    pages = [
        [(72, 72 + 14 * line, f"Page {n} line {line}: Tyler Morris visited 27 Brook Street.") for line in range(40)]
        for n in range(6)
    ]
    pdf = make_pdf(*pages, setup=_with_side_channels)
    with open_pdf(pdf) as doc:
        here = extract_pdf(doc, None)
    with ExtractionJob(pdf, ocr=False) as job:
        assert job.page_count == 6
        pieces = list(job.pieces())
        there = job.result()
    assert there.text == here.text
    assert there.locs == here.locs
    assert there.pieces == here.pieces
    assert there.needs_review == here.needs_review
    # the pieces arrive in order, back to back, and cover the body text (NER starts on them early)
    assert pieces and pieces[0][0] == 0
    assert all(a + len(text) == b for (a, text), (b, _) in zip(pieces, pieces[1:], strict=False))
    assert "".join(text for _, text in pieces) == here.text[: len("".join(text for _, text in pieces))]


def test_a_pdf_the_child_cannot_open_raises_the_same_error_here():
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    locked = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    with pytest.raises(UnsupportedDocumentError, match="password"):
        ExtractionJob(locked, ocr=False)


def test_a_child_that_dies_mid_extraction_gives_a_clear_error_not_a_hang(make_pdf, monkeypatch):
    # the forked child runs this module's code: make extraction crash there as a MuPDF fault would
    monkeypatch.setattr(prefetch, "extract_pdf", lambda *args, **kwargs: os._exit(9))
    pdf = make_pdf(*[[(72, 72, f"page {n}")] for n in range(3)])
    with ExtractionJob(pdf, ocr=False) as job:
        with pytest.raises(RedactionError, match="stopped unexpectedly"):
            job.result()
