"""The hostile corpus (hostile.py) through the sandboxed engine and the command line.

Each file ends in a clear, typed refusal whose reason names the limit or the damage, or in a normal
result within its budget; the parent (this test process) survives every one. ``safepub redact`` exits 2
with one line, never a traceback, on every refusal."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from redaction.budgets import BudgetExceeded
from redaction.cli import EXIT_BAD_INPUT, EXIT_OK, main
from redaction.errors import UnsupportedDocumentError
from redaction.sandbox import SandboxedEngine
from tests.redaction.sandbox import hostile
from tests.redaction.sandbox.conftest import SMALL_BUDGETS

REFUSED = [
    ("decompression_bomb", hostile.decompression_bomb, BudgetExceeded, "inflates to more than 64 MB"),
    ("ten_thousand_pages", hostile.many_pages, BudgetExceeded, "10000 pages; at most 2000"),
    ("oversized_page", hostile.oversized_page, BudgetExceeded, "larger than the largest page"),
    ("huge_image", hostile.huge_image, BudgetExceeded, "60,000 x 60,000 pixels"),
    ("xref_loop", hostile.xref_loop, UnsupportedDocumentError, "damaged"),
    ("truncated", hostile.truncated, UnsupportedDocumentError, "damaged or incomplete"),
    ("wrong_type", hostile.wrong_type, UnsupportedDocumentError, "PNG image"),
]
# Read normally: what is hostile here is handled by the engine itself (a page as large as PDF allows is
# rendered down-scaled, JavaScript is never run and is removed from the output, nesting is bounded by
# MuPDF, text without ToUnicode is extracted as whatever it maps to).
READ = [
    ("largest_page", hostile.giant_page),
    ("deep_nesting", hostile.deep_nesting),
    ("javascript", hostile.javascript),
    ("font_without_tounicode", hostile.font_without_tounicode),
]


@pytest.mark.parametrize(("name", "build", "error", "reason"), REFUSED, ids=[case[0] for case in REFUSED])
@pytest.mark.parametrize("method", ["analyze", "page_image", "page_images"])
def test_when_a_hostile_file_is_refused_then_the_reason_is_clear(
    sandboxed: SandboxedEngine, method: str, name: str, build, error: type, reason: str
) -> None:
    data = build()
    with pytest.raises(error, match=reason):
        if method == "analyze":
            sandboxed.analyze(data)
        elif method == "page_image":
            sandboxed.page_image(data, 0)
        else:
            sandboxed.page_images(data)


@pytest.mark.parametrize(("name", "build"), READ, ids=[case[0] for case in READ])
def test_when_a_hostile_file_is_readable_then_it_is_analysed_and_drawn_within_budget(
    sandboxed: SandboxedEngine, name: str, build
) -> None:
    data = build()
    analysis = sandboxed.analyze(data)
    assert analysis.kind == "pdf" and analysis.page_count == 1
    png = sandboxed.page_image(data, 0)
    with pymupdf.open(stream=png, filetype="png") as image:
        width, height = image[0].rect.width, image[0].rect.height
    assert width * height <= SMALL_BUDGETS.max_render_pixels


def test_the_largest_page_is_drawn_down_scaled_not_at_full_size(sandboxed: SandboxedEngine) -> None:
    png = sandboxed.page_image(hostile.giant_page(), 0, dpi=110)
    ((_, _, batch_png),) = sandboxed.page_images(hostile.giant_page(), dpi=110)
    for image_bytes in (png, batch_png):
        with pymupdf.open(stream=image_bytes, filetype="png") as image:
            assert image[0].rect.width < 14_400 / 72 * 110 / 5  # 22,000 pixels a side at the asked dpi


def test_javascript_does_not_survive_into_the_redacted_output(sandboxed: SandboxedEngine) -> None:
    data = hostile.javascript()
    output = sandboxed.render(data, sandboxed.analyze(data).proposals)
    assert b"JavaScript" not in output and b"app.alert" not in output
    with pymupdf.open(stream=output, filetype="pdf") as doc:
        assert doc.xref_get_key(doc.pdf_catalog(), "OpenAction")[0] == "null"  # absent or null: nothing runs


@pytest.fixture
def cli_engine(monkeypatch: pytest.MonkeyPatch, engine) -> None:
    """The command line reuses the session's loaded model (same code path, without reloading spaCy)."""
    import redaction.engine as engine_module

    real = engine_module.RedactionEngine
    monkeypatch.setattr(engine_module, "RedactionEngine", lambda **kwargs: real(detector=engine.detector, **kwargs))


@pytest.mark.parametrize(("name", "build", "error", "reason"), REFUSED, ids=[case[0] for case in REFUSED])
def test_when_the_command_line_refuses_a_hostile_file_then_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_engine: None, name: str, build, error: type, reason: str
) -> None:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(build())
    reason = reason.replace("64 MB", "256 MB")  # the command line's default budgets
    assert main(["redact", str(source), "-o", str(tmp_path / "out.pdf"), "--no-ocr"]) == EXIT_BAD_INPUT
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("safepub: ") and reason in lines[0], lines
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize(("name", "build"), READ, ids=[case[0] for case in READ])
def test_when_the_command_line_reads_a_hostile_file_then_it_is_redacted(
    tmp_path: Path, cli_engine: None, name: str, build
) -> None:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(build())
    assert main(["redact", str(source), "-o", str(tmp_path / "out.pdf"), "--no-ocr"]) == EXIT_OK


def test_the_command_line_refuses_in_the_sandbox_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "bomb.pdf"
    source.write_bytes(hostile.huge_image())
    assert main(["redact", str(source), "-o", str(tmp_path / "out.pdf"), "--sandbox"]) == EXIT_BAD_INPUT
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "safepub: the PDF holds an image of 60,000 x 60,000 pixels; at most 600 million pixels can be processed"
    ]
