"""The engine on real-world PDFs nobody on this project wrote (tests/fixtures/realworld, see its README):
each once crashed SafePub, was refused although MuPDF reads it, or failed verification although it is
an ordinary document. Each must now be redacted and verified, with its ordinary text kept."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pymupdf
import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "realworld"
FILES = sorted(FIXTURES.glob("*.pdf"))


def words(pdf: bytes) -> Counter[str]:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return Counter(re.findall(r"\w+", " ".join(page.get_text() for page in doc).lower()))


def test_the_corpus_is_there_and_small():
    assert len(FILES) >= 10
    assert sum(f.stat().st_size for f in FILES) < 400_000


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_when_a_real_world_pdf_is_redacted_then_it_is_verified_and_its_text_kept(engine, path: Path):
    data = path.read_bytes()
    output, analysis = engine.redact(data)  # raises on a crash, a refusal or a failed verification
    with pymupdf.open(stream=output, filetype="pdf") as doc:
        assert doc.page_count == analysis.page_count
    before, after = words(data), words(output)
    if sum(before.values()) >= 20:  # pages of text, not a form or a fragment
        kept = sum(min(n, after[w]) for w, n in before.items()) / sum(before.values())
        assert kept >= 0.5, f"{kept:.2f} of the words kept"


def test_when_a_scan_has_an_ocr_layer_then_names_go_and_the_layer_stays_searchable(engine):
    data = (FIXTURES / "pymupdf-test_4790.pdf").read_bytes()
    output, analysis = engine.redact(data)
    assert not [p for p in analysis.proposals if p.category == "HIDDEN_TEXT"]
    text = " ".join(words(output))
    assert "garcía" not in text and "gual" not in text  # letter-spaced on the title page too
    assert {"traducción", "editorial", "madrid"} <= set(words(output))


def test_when_fields_have_calculation_scripts_then_nothing_of_them_is_left_in_the_file(engine):
    data = (FIXTURES / "pymupdf-interfield-calculation.pdf").read_bytes()
    output, _ = engine.redact(data)
    assert b"/AcroForm" not in output and b"JavaScript" not in output
    with pymupdf.open(stream=output, filetype="pdf") as doc:
        assert not any(list(page.widgets()) for page in doc)


@pytest.mark.parametrize("name", ["pdfjs-bug1606566.pdf", "pdfjs-issue6069.pdf", "pdfjs-scan-bad.pdf"])
def test_when_mupdf_reads_a_sloppy_file_then_it_is_not_refused(name):
    from redaction.sniff import open_pdf

    with open_pdf((FIXTURES / name).read_bytes()) as doc:
        assert doc.page_count >= 1
