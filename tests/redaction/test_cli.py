"""`safepub redact` / `safepub detect` in-process: the exit codes and messages of the evaluation contract.

Exit 0 success, 2 bad input (one line on stderr that says why and never quotes the document), 3
verification failed (and no output written). ``main`` builds its own RedactionEngine; the ``cli_engine``
fixture makes it reuse the session's already-loaded model (same code path, without loading spaCy again
for every test).
"""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from redaction.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_VERIFICATION, main
from redaction.errors import VerificationFailed
from redaction.types import Proposal
from tests.redaction.conftest import page_texts

NAME = "Zephyrine Quarterman"  # distinctive: must never appear in a message
BODY = f"{NAME} attended the clinic with Child K on Tuesday."
REGISTER = {"people": [{"name": NAME, "role": "mother"}]}


@pytest.fixture
def cli_engine(monkeypatch: pytest.MonkeyPatch, engine) -> None:
    import redaction.engine as engine_module

    real = engine_module.RedactionEngine
    monkeypatch.setattr(engine_module, "RedactionEngine", lambda **kwargs: real(detector=engine.detector, **kwargs))


def good_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), BODY, fontsize=11)
    page.insert_text((72, 130), "The health visitor recorded the visit.", fontsize=11)
    return doc.tobytes()


def encrypted_pdf() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), BODY)
    return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")


def truncated_pdf() -> bytes:
    data = good_pdf()
    return data[: len(data) // 2]


BAD_INPUTS = [
    ("empty.pdf", lambda: b"", "empty"),
    ("image.pdf", lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
    ("truncated.pdf", truncated_pdf, "damaged"),
    ("locked.pdf", encrypted_pdf, "password"),
    ("word.pdf", lambda: b"PK\x03\x04" + bytes(200), "Word"),
    ("binary.txt", lambda: bytes(range(256)) * 4, "not a PDF"),
]


def assert_one_clear_line(stderr: str, *words: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("safepub: ")
    assert "Traceback" not in stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    assert "Zephyrine" not in stderr and "Quarterman" not in stderr


@pytest.mark.parametrize(("filename", "build", "word"), BAD_INPUTS)
def test_when_input_is_not_a_readable_pdf_then_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_engine: None, filename: str, build, word: str
) -> None:
    source = tmp_path / filename
    source.write_bytes(build())
    out = tmp_path / "out.pdf"
    assert main(["redact", str(source), "-o", str(out)]) == EXIT_BAD_INPUT
    assert_one_clear_line(capsys.readouterr().err, word)
    assert not out.exists()


def test_when_input_file_is_missing_then_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.pdf"
    assert main(["redact", str(tmp_path / "absent.pdf"), "-o", str(out)]) == EXIT_BAD_INPUT
    assert_one_clear_line(capsys.readouterr().err, "cannot read")
    assert not out.exists()


REGISTERS = [
    ('{"people": [', "not valid JSON"),
    ("", "not valid JSON"),
    ('["' + NAME + '"]', "object"),
    ('{"people": {"name": "' + NAME + '"}}', "list"),
    ('{"people": [{"name": "' + NAME + '", "aliases": "' + NAME + '"}]}', "aliases"),
    ('{"people": [{"name": "' + NAME + '", "date_of_birth": "' + NAME + '"}]}', "date_of_birth"),
    ('{"family": ["' + NAME + '"]}', "unknown keys"),
]


@pytest.mark.parametrize(("register", "word"), REGISTERS)
def test_when_register_is_malformed_then_exit_2_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], register: str, word: str
) -> None:
    source, reg, out = tmp_path / "in.pdf", tmp_path / "register.json", tmp_path / "out.pdf"
    source.write_bytes(good_pdf())
    reg.write_text(register, encoding="utf-8")
    assert main(["redact", str(source), "-o", str(out), "--register", str(reg)]) == EXIT_BAD_INPUT
    assert_one_clear_line(capsys.readouterr().err, word)
    assert not out.exists()


def test_when_register_file_is_missing_then_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.pdf"
    source.write_bytes(good_pdf())
    code = main(["redact", str(source), "-o", str(tmp_path / "o.pdf"), "--register", str(tmp_path / "r.json")])
    assert code == EXIT_BAD_INPUT
    assert_one_clear_line(capsys.readouterr().err, "register")


def test_when_pdf_is_good_then_exit_0_with_redacted_output_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_engine: None
) -> None:
    source, reg = tmp_path / "in.pdf", tmp_path / "register.json"
    out, report_path = tmp_path / "out.pdf", tmp_path / "report.json"
    source.write_bytes(good_pdf())
    reg.write_text(json.dumps(REGISTER), encoding="utf-8")
    code = main(["redact", str(source), "-o", str(out), "--register", str(reg), "--report", str(report_path)])
    stderr = capsys.readouterr().err
    assert code == EXIT_OK, stderr
    assert "Zephyrine" not in stderr and "Quarterman" not in stderr
    text = page_texts(out.read_bytes())
    assert "Zephyrine" not in text and "Quarterman" not in text
    assert "attended the clinic with Child K" in text and "The health visitor recorded the visit." in text
    report = json.loads(report_path.read_text(encoding="utf-8"))
    proposals = report["proposals"]
    assert proposals and all(Proposal.from_dict(p).rects for p in proposals if p["channel"] == "body")
    assert {p["text"] for p in proposals} >= {NAME}
    assert report["counts"] == {
        category: sum(p["category"] == category for p in proposals) for category in {p["category"] for p in proposals}
    }


def test_when_strict_profile_is_asked_then_more_is_redacted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_engine: None
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("In March 2019 the family moved to Leeds. " + BODY + "\n", encoding="utf-8")
    counts = {}
    for profile in ("publication", "strict"):
        out = tmp_path / f"{profile}.json"
        assert main(["detect", str(source), "-o", str(out), "--profile", profile]) == EXIT_OK
        counts[profile] = {s["text"] for s in json.loads(out.read_text(encoding="utf-8"))["spans"]}
    assert counts["publication"] < counts["strict"]


DETECT_TEXT = (
    "Référence: Zoë’s review — “draft”\r\n"
    f"{NAME} (mother) lives at 27 Brook Street, Rotherham S60 2TT.\r\n"
    "Her phone is 07700 900123 and Zoë Quarterman’s school is Hillside Primary School.\n"
)


def test_when_detect_runs_on_text_then_span_offsets_index_the_decoded_text_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_engine: None
) -> None:
    source, reg, out = tmp_path / "in.txt", tmp_path / "register.json", tmp_path / "spans.json"
    source.write_bytes(DETECT_TEXT.encode("utf-8"))
    reg.write_text(json.dumps(REGISTER), encoding="utf-8")
    assert main(["detect", str(source), "-o", str(out), "--register", str(reg)]) == EXIT_OK
    assert "Quarterman" not in capsys.readouterr().err
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert set(payload) == {"spans"}
    spans = payload["spans"]
    decoded = source.read_bytes().decode("utf-8")
    assert spans
    for span in spans:
        assert set(span) == {"start", "end", "category", "score", "source", "text"}
        assert decoded[span["start"] : span["end"]] == span["text"]
    found = {span["text"] for span in spans}
    for expected in (NAME, "S60 2TT", "07700 900123"):
        assert any(expected in value for value in found), (expected, found)
    assert not any("mother" in value or "Référence" in value for value in found)


# ---------------------------------------------------------------------------------------------------------
# Verification failure: exit 3, never a pass
# ---------------------------------------------------------------------------------------------------------
def unlocated(text: str, category: str = "PERSON") -> Proposal:
    """A proposal that names a text but gives no rectangles: the renderer cannot remove it."""
    return Proposal(
        id="p1",
        category=category,
        text=text,
        channel="body",
        page=0,
        rects=(),
        score=1.0,
        source="manual",
        recognizer="test",
        context="",
        entity="person:test",
        label=None,
        action="remove",
    )


def test_when_a_proposed_text_survives_rendering_then_render_raises_verification_failed(engine) -> None:
    with pytest.raises(VerificationFailed) as caught:
        engine.render(good_pdf(), [unlocated(NAME)])
    assert caught.value.survivors and all(category == "PERSON" for _, category in caught.value.survivors)
    assert "Zephyrine" not in str(caught.value) and "Quarterman" not in str(caught.value)


def test_when_a_kept_proposal_names_the_text_then_render_does_not_fail(engine) -> None:
    output = engine.render(good_pdf(), [unlocated(NAME)], kept=[unlocated(NAME)])
    assert NAME in page_texts(output)


def test_when_verification_fails_then_cli_exits_3_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cli_engine: None
) -> None:
    """A renderer defect is simulated (it returns the document unchanged); verification, which is
    independent of rendering, must catch it and the CLI must exit 3 without writing the output."""
    import redaction.engine as engine_module

    monkeypatch.setattr(engine_module, "render_pdf", lambda doc, proposals: doc.tobytes())
    source, reg, out = tmp_path / "in.pdf", tmp_path / "register.json", tmp_path / "out.pdf"
    source.write_bytes(good_pdf())
    reg.write_text(json.dumps(REGISTER), encoding="utf-8")
    assert main(["redact", str(source), "-o", str(out), "--register", str(reg)]) == EXIT_VERIFICATION
    assert_one_clear_line(capsys.readouterr().err, "verification failed")
    assert not out.exists()


def test_when_command_line_is_wrong_then_argparse_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["redact", "in.pdf"])  # no -o
    assert caught.value.code == 2


@pytest.mark.slow
def test_when_run_as_the_console_script_then_outputs_and_exit_codes_are_those_of_main(tmp_path: Path) -> None:
    """The real entry point, in a fresh process: extraction forked before the model loads, and the
    process ending without tearing down its heap, must still write the outputs and report the exit code."""
    import subprocess
    import sys

    safepub = Path(sys.executable).with_name("safepub")
    if not safepub.exists():
        pytest.skip("the safepub console script is not installed next to this Python")
    source, output, report = tmp_path / "in.pdf", tmp_path / "out.pdf", tmp_path / "report.json"
    source.write_bytes(good_pdf())
    register = tmp_path / "register.json"
    register.write_text(json.dumps(REGISTER))
    ok = subprocess.run(
        [str(safepub), "redact", str(source), "-o", str(output), "--register", str(register), "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ok.returncode == EXIT_OK, ok.stderr[-2000:]
    assert NAME.split()[0] not in page_texts(output.read_bytes())
    assert "health visitor" in page_texts(output.read_bytes())
    assert json.loads(report.read_text())["proposals"]

    png = tmp_path / "photo.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    bad = subprocess.run(
        [str(safepub), "redact", str(png), "-o", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert bad.returncode == EXIT_BAD_INPUT
    assert bad.stderr.strip().count("\n") == 0 and "safepub:" in bad.stderr


@pytest.mark.parametrize("command", ["redact", "detect"])
def test_when_sandboxed_then_the_command_gives_what_it_gives_in_process(
    tmp_path: Path, cli_engine: None, command: str
) -> None:
    """``--sandbox`` runs the same work in sandboxed children: the same proposals (or spans), the name
    gone from the output, the rest kept."""
    source, reg = tmp_path / "in.pdf", tmp_path / "register.json"
    source.write_bytes(good_pdf())
    reg.write_text(json.dumps(REGISTER), encoding="utf-8")
    results = {}
    for mode in ("local", "sandboxed"):
        out, report = tmp_path / f"{mode}.out", tmp_path / f"{mode}.json"
        argv = [command, str(source), "-o", str(out), "--register", str(reg), "--no-ocr"]
        argv += (["--report", str(report)] if command == "redact" else []) + (["--sandbox"] if mode != "local" else [])
        assert main(argv) == EXIT_OK
        results[mode] = json.loads((report if command == "redact" else out).read_text(encoding="utf-8"))
        if command == "redact":
            text = page_texts(out.read_bytes())
            assert NAME not in text and "health visitor" in text
    assert results["sandboxed"] == results["local"]
