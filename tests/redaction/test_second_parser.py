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
