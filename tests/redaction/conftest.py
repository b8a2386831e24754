"""Fixtures for engine tests: one engine per test process (it loads spaCy), PDFs built in code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pymupdf
import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "dev"


@pytest.fixture(scope="session")
def engine():
    from redaction.engine import RedactionEngine

    return RedactionEngine()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


PdfBuilder = Callable[..., bytes]


@pytest.fixture
def make_pdf() -> PdfBuilder:
    """Builds a PDF from pages of (x, y, text[, options]) tuples; options go to insert_text."""

    def build(*pages: list[tuple], width: float = 595, height: float = 842, setup=None) -> bytes:
        doc = pymupdf.open()
        for items in pages:
            page = doc.new_page(width=width, height=height)
            for item in items:
                x, y, text = item[:3]
                options = item[3] if len(item) > 3 else {}
                page.insert_text((x, y), text, fontsize=options.pop("fontsize", 11), **options)
        if setup:
            setup(doc)
        return doc.tobytes()

    return build


def page_texts(pdf: bytes) -> str:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return "\n".join(page.get_text() for page in doc)
