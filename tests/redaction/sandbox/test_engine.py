"""SandboxedEngine does what RedactionEngine does, in a child: the same results, the same exception
types (with their survivors), progress forwarded, and the parent never loads the model."""

from __future__ import annotations

import struct
import subprocess
import sys

import pymupdf
import pytest

from redaction.engine import RedactionEngine
from redaction.errors import RegisterError, UnsupportedDocumentError, VerificationFailed
from redaction.sandbox import SandboxedEngine
from tests.redaction.conftest import REPO, page_texts

NAME = "Zephyrine Quarterman"


def draft() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), f"{NAME} met the health visitor on Tuesday.", fontsize=11)
    page.insert_text((72, 130), "The review panel met in March.", fontsize=11)
    return doc.tobytes()


def box(page: int = 0) -> dict:
    return {"page": page, "rect": (70.0, 88.0, 200.0, 104.0)}


def test_page_sizes_and_page_images_match_the_in_process_engine(sandboxed: SandboxedEngine) -> None:
    local = RedactionEngine(ocr=False, load_model=False)
    assert sandboxed.page_sizes(draft()) == local.page_sizes(draft())
    png = sandboxed.page_image(draft(), 0, dpi=72)
    assert png == local.page_image(draft(), 0, dpi=72)


def test_every_page_image_comes_from_one_child_as_the_in_process_engine_draws_it(sandboxed: SandboxedEngine) -> None:
    doc = pymupdf.open()
    for width in (300, 400, 500):
        doc.new_page(width=width, height=200).insert_text((20, 50), f"page {width}", fontsize=11)
    data = doc.tobytes()
    local = RedactionEngine(ocr=False, load_model=False)
    images = sandboxed.page_images(data, dpi=72)
    assert [(w, h) for w, h, _ in images] == [(300.0, 200.0), (400.0, 200.0), (500.0, 200.0)]
    assert [png for _, _, png in images] == [local.page_image(data, n, dpi=72) for n in range(3)]


def test_a_manual_box_renders_and_verifies_in_the_child(sandboxed: SandboxedEngine) -> None:
    proposal = sandboxed.manual_box(draft(), 0, box()["rect"])
    assert proposal.page == 0 and proposal.category == "MANUAL_BOX"
    output, report = sandboxed.render_with_report(draft(), [proposal])
    assert "health visitor" in page_texts(output)
    assert "body" in report.channels_checked


def test_every_occurrence_is_found_and_its_text_must_be_gone(sandboxed: SandboxedEngine) -> None:
    found = sandboxed.find_occurrences(draft(), NAME)
    assert [p.text for p in found] == [NAME]
    output = sandboxed.render(draft(), found)
    assert NAME not in page_texts(output) and "review panel" in page_texts(output)
    report = sandboxed.verify_output(output, [(NAME, "PERSON")], allowed=["review panel"])
    assert report.items_checked == 1


def test_when_verification_fails_in_the_child_then_the_parent_raises_it_with_survivors(
    sandboxed: SandboxedEngine,
) -> None:
    with pytest.raises(VerificationFailed) as caught:
        sandboxed.verify_output(draft(), [(NAME, "PERSON")])
    assert ("body", "PERSON") in caught.value.survivors
    assert ("body", 0, "PERSON") in caught.value.locations  # the reviewer is told where
    assert NAME not in str(caught.value) and NAME not in caught.value.describe()


def test_text_output_is_verified_too(sandboxed: SandboxedEngine) -> None:
    assert sandboxed.verify_output(b"nothing forbidden here", [(NAME, "PERSON")]).channels_checked == ("body",)
    with pytest.raises(VerificationFailed):
        sandboxed.verify_output(f"hello {NAME}".encode(), [(NAME, "PERSON")])


def test_engine_errors_keep_their_type_and_message(sandboxed: SandboxedEngine) -> None:
    with pytest.raises(UnsupportedDocumentError, match="there is no page 5"):
        sandboxed.page_image(draft(), 4)
    with pytest.raises(RegisterError, match="unknown keys"):
        sandboxed.render(draft(), [], register={"peeple": []})


def test_analyze_in_the_child_finds_the_register_name_and_reports_progress(sandboxed: SandboxedEngine) -> None:
    seen: list[tuple[int, int]] = []
    analysis = sandboxed.analyze(
        draft(), register={"people": [{"name": NAME, "role": "mother"}]}, progress=lambda d, t: seen.append((d, t))
    )
    assert analysis.kind == "pdf" and analysis.page_count == 1
    assert any(p.text == NAME for p in analysis.proposals)
    assert seen == [(0, 1), (1, 1)]


def test_the_parent_loads_neither_spacy_nor_presidio() -> None:
    code = (
        "import sys\n"
        "from redaction.sandbox import SandboxedEngine\n"
        "engine = SandboxedEngine(mode='rlimits', ocr=False)\n"
        "engine.page_sizes(sys.stdin.buffer.read())\n"
        "print(sorted(m for m in ('spacy', 'presidio_analyzer', 'thinc') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=draft(), capture_output=True, cwd=REPO, timeout=120, check=True
    )
    assert result.stdout.decode().strip() == "[]"


def test_the_request_crosses_as_json_never_pickle(sandboxed: SandboxedEngine) -> None:
    """The child's command reads JSON frames: a pickled request is refused without running it."""
    body = b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00N."
    result = subprocess.run(
        sandboxed.command(), input=struct.pack(">IQ", len(body), 0) + body, capture_output=True, timeout=60
    )
    assert result.returncode != 0 and result.stdout == b""


def test_without_bwrap_the_same_child_runs_under_process_limits_alone() -> None:
    engine = SandboxedEngine(mode="rlimits", ocr=False)
    assert engine.command()[:2] == [sys.executable, "-I"]
    found = engine.find_occurrences(draft(), NAME)
    assert NAME not in page_texts(engine.render(draft(), found))
    with pytest.raises(UnsupportedDocumentError, match="PNG"):
        engine.page_sizes(b"\x89PNG\r\n\x1a\n" + bytes(64))
