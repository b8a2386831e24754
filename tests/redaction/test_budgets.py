"""Budgets before work: each limit refuses a document that exceeds it, with a reason naming the limit
and never the content, and lets an ordinary document through; renderings are down-scaled instead."""

from __future__ import annotations

import pymupdf
import pytest

from redaction.budgets import BudgetExceeded, Budgets, check_document, render_dpi
from redaction.errors import UnsupportedDocumentError
from tests.redaction.sandbox import hostile

MIB = 1024 * 1024


def ordinary() -> bytes:
    doc = pymupdf.open()
    for _ in range(3):
        doc.new_page().insert_text((72, 100), "Zephyrine Quarterman met the health visitor.", fontsize=11)
    return doc.tobytes()


def test_when_a_document_is_within_every_budget_then_it_passes() -> None:
    check_document(ordinary(), Budgets(max_pages=3, max_stream_bytes=MIB))


def test_budget_refusals_are_unsupported_documents() -> None:
    assert issubclass(BudgetExceeded, UnsupportedDocumentError)


@pytest.mark.parametrize(
    ("build", "budgets", "reason"),
    [
        (hostile.many_pages, Budgets(), "10000 pages; at most 2000"),
        (ordinary, Budgets(max_pages=2), "3 pages; at most 2"),
        (hostile.oversized_page, Budgets(), "larger than the largest page"),
        (hostile.huge_image, Budgets(), "60,000 x 60,000 pixels"),
        (lambda: hostile.decompression_bomb(80), Budgets(max_stream_bytes=64 * MIB), "inflates to more than 64 MB"),
        (lambda: hostile.decompression_bomb(40), Budgets(max_total_stream_bytes=32 * MIB), "more than 32 MB"),
        (ordinary, Budgets(max_objects=5), "objects; at most 5"),
    ],
)
def test_when_a_budget_is_exceeded_then_the_reason_names_the_limit(build, budgets: Budgets, reason: str) -> None:
    with pytest.raises(BudgetExceeded, match=reason) as caught:
        check_document(build(), budgets)
    assert "Zephyrine" not in str(caught.value)


def test_when_the_page_is_the_largest_pdf_allows_then_it_is_accepted() -> None:
    check_document(hostile.giant_page(14_400), Budgets())


def test_when_a_rendering_would_exceed_the_pixel_budget_then_the_dpi_is_lowered() -> None:
    dpi = render_dpi(14_400, 14_400, 110, 40_000_000)
    assert dpi < 110
    assert (14_400 / 72 * dpi) ** 2 <= 40_000_000
    assert render_dpi(595, 842, 110, 40_000_000) == 110


def test_text_and_unreadable_input_are_left_to_the_engine_s_own_checks() -> None:
    check_document(b"plain text draft", Budgets(max_pages=1))
    check_document(hostile.truncated(), Budgets())


def test_the_in_process_engine_checks_its_budgets_before_every_call() -> None:
    """SAFEPUB_SANDBOX=off: the worker's in-process engine still refuses what exceeds the budgets."""
    from redaction.engine import RedactionEngine

    engine = RedactionEngine(ocr=False, load_model=False, budgets=Budgets(max_pages=2))
    for call in (engine.page_sizes, lambda data: engine.page_image(data, 0), lambda data: engine.render(data, [])):
        with pytest.raises(BudgetExceeded, match="at most 2 pages"):
            call(ordinary())
    assert len(RedactionEngine(ocr=False, load_model=False).page_sizes(ordinary())) == 3
