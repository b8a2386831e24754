"""A Word draft through the engine, in the sandbox as the worker runs it: LibreOffice prints it to a PDF
in a sandboxed child, every hidden channel is read by detection beside the PDF's text, a name found only
in a hidden channel is removed from the pages too, and the output holds nothing from a hidden channel."""

from __future__ import annotations

import io

import docx
import pymupdf
import pytest

from redaction.sandbox.client import SandboxedEngine
from redaction.word.convert import soffice_path
from tests.redaction.word.drafts import BODY, HIDDEN, INSERTED, word_draft

pytestmark = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice is not installed (make system-deps)")


@pytest.fixture(scope="module")
def engine() -> SandboxedEngine:
    return SandboxedEngine(mode="auto")


@pytest.fixture(scope="module")
def converted(engine: SandboxedEngine) -> tuple[bytes, list[dict[str, str]]]:
    return engine.convert_word(word_draft())


def _every_channel(pdf: bytes) -> str:
    with pymupdf.open("pdf", pdf) as doc:
        text = " ".join(page.get_text() for page in doc)
        metadata = " ".join(str(v) for v in doc.metadata.values()) + (doc.get_xml_metadata() or "")
    return " ".join((text + " " + metadata).split())


def test_the_sandboxed_conversion_gives_the_printed_pdf_and_lists_each_hidden_channel(converted) -> None:
    pdf, hidden = converted
    printed = _every_channel(pdf)
    assert BODY in printed and INSERTED in printed
    channels = {item["channel"] for item in hidden}
    expected = ("tracked deletion", "comment", "comment author", "change author", "document property",
                "custom property", "hidden text", "field code", "people", "text box", "image description")  # fmt: skip
    for channel in expected:
        assert channel in channels, channel
    for channel in ("tracked deletion", "comment", "comment author", "hidden text", "field code", "people"):
        assert HIDDEN[channel] not in printed, f"{channel} reached the printed PDF"


def test_names_in_hidden_channels_are_proposed_in_their_channel_without_a_page(engine, converted) -> None:
    pdf, hidden = converted
    analysis = engine.analyze(pdf, hidden=hidden)
    found = {(p.channel, p.text) for p in analysis.proposals if p.page is None}
    assert ("word comment author", HIDDEN["comment author"]) in found  # an author field: a name by definition
    assert ("word people", HIDDEN["people"]) in found
    assert ("word document property", HIDDEN["document property"]) in found
    assert ("word comment", HIDDEN["comment"]) in found
    assert ("word tracked deletion", HIDDEN["tracked deletion"]) in found


def test_a_name_seen_only_in_a_comment_is_removed_from_the_pages_too(engine) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("The review considers the care of Child K.")
    document.add_comment(paragraph.runs[0], text="Ask Zebedee Quarrington about this", author="Reviewer")
    document.add_paragraph("Zebedee was seen at the clinic in March.")
    buffer = io.BytesIO()
    document.save(buffer)
    pdf, hidden = engine.convert_word(buffer.getvalue())
    analysis = engine.analyze(pdf, hidden=hidden)
    on_pages = [p for p in analysis.proposals if p.page is not None and "Zebedee" in p.text]
    assert on_pages, "the first name found in the comment was not proposed on the page"
    output = engine.render(pdf, analysis.proposals, kept_phrases=analysis.kept_phrases)
    text = _every_channel(output)
    assert "Zebedee" not in text
    assert "The review considers the care of Child K." in text
    assert "was seen at the clinic in March." in text


def test_the_redacted_output_holds_nothing_from_any_hidden_channel(engine, converted) -> None:
    pdf, hidden = converted
    register = {"people": [{"name": HIDDEN["header"]}, {"name": HIDDEN["custom property"]}]}
    analysis = engine.analyze(pdf, hidden=hidden, register=register)
    output = engine.render(pdf, analysis.proposals, kept_phrases=analysis.kept_phrases, register=register)
    text = _every_channel(output)
    for channel, name in HIDDEN.items():
        assert name not in text, f"the {channel} name survived"
    assert "The review considers the care of Child K" in text


def test_the_command_line_redacts_a_word_draft_and_reports_its_hidden_channel_findings(tmp_path) -> None:
    """``safepub redact draft.docx`` as a user runs it (extraction prefetched in a child, as for a PDF)."""
    import json

    from redaction.cli import main

    source, output, report = tmp_path / "draft.docx", tmp_path / "out.pdf", tmp_path / "report.json"
    source.write_bytes(word_draft())
    assert main(["redact", str(source), "-o", str(output), "--report", str(report)]) == 0
    channels = {p["channel"] for p in json.loads(report.read_text())["proposals"]}
    assert {"word comment", "word tracked deletion", "word comment author"} <= channels
    text = _every_channel(output.read_bytes())
    assert HIDDEN["comment"] not in text and HIDDEN["tracked deletion"] not in text
    assert "The review considers the care of Child K" in text


def test_an_odt_draft_is_printed_and_its_comments_and_changes_are_read(engine) -> None:
    """An OpenDocument draft (here: the Word draft saved as .odt by LibreOffice) takes the same path:
    LibreOffice makes it a .docx, which is printed with its changes accepted."""
    from redaction.sniff import detect_kind
    from redaction.word.convert import convert

    odt = convert(word_draft(), "odt")
    assert detect_kind(odt) == "odt"
    pdf, hidden = engine.convert_word(odt)
    channels = {item["channel"] for item in hidden}
    assert {"comment", "comment author", "tracked deletion"} <= channels
    printed = _every_channel(pdf)
    assert BODY in printed and HIDDEN["comment"] not in printed and HIDDEN["tracked deletion"] not in printed
