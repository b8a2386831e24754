"""What verification tells a reviewer when it fails (channel, page, category, never the text), and
that every layer that could not run is a warning that puts the result in front of a human."""

from __future__ import annotations

import pymupdf
import pytest

from redaction.errors import VerificationFailed
from redaction.verify import verify_pdf


def two_pages(second: str) -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "The panel met in March.", fontsize=11)
    doc.new_page().insert_text((72, 100), second, fontsize=11)
    return doc.tobytes()


def test_when_a_name_survives_on_page_two_then_the_error_names_channel_page_and_category_only():
    with pytest.raises(VerificationFailed) as raised:
        verify_pdf(two_pages("Tyler Morris was seen at home."), [("Tyler Morris", "PERSON")], ocr=False)
    error = raised.value
    assert ("body", 1, "PERSON") in error.locations
    assert ("body_pypdf", 1, "PERSON") in error.locations
    assert any(channel == "raw" and page is None for channel, page, _ in error.locations)
    described = error.describe()
    assert "body text on page 2 (PERSON)" in described and "raw PDF strings (PERSON)" in described
    assert "Tyler" not in described and "Morris" not in described and "Tyler" not in str(error)
    assert ("body", "PERSON") in error.survivors  # the older, page-less form is still there


def test_when_verification_failed_is_built_the_old_way_then_it_still_describes_itself():
    error = VerificationFailed("1 redacted item survives", [("raw", "PERSON")])
    assert error.locations == [] and error.describe() == "raw PDF strings (PERSON)"


def test_when_images_cannot_be_ocr_checked_then_a_warning_says_so_and_a_human_must_look():
    doc = pymupdf.open()
    page = doc.new_page()
    picture = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 200, 100), False)
    picture.clear_with(128)
    page.insert_image(pymupdf.Rect(72, 72, 372, 222), pixmap=picture)
    report = verify_pdf(doc.tobytes(), [("Tyler Morris", "PERSON")], ocr=False)
    assert report.needs_review
    assert any("not checked by OCR" in warning for warning in report.warnings)


def test_when_the_second_parser_is_not_run_then_that_is_a_warning_not_silence():
    report = verify_pdf(two_pages("Nothing to see."), [("Tyler Morris", "PERSON")], ocr=False, second_parser=False)
    assert report.needs_review
    assert any("second parser" in warning for warning in report.warnings)
