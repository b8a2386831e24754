"""The acceptance measure on a sample of the dev corpus: the two smallest PDFs (chosen by size at run time),
redacted through the command line with their registers and scored by the shared evaluation script.

``make eval`` runs the same on the whole corpus; this keeps the contract under test on every run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from redaction.cli import EXIT_OK, main
from tests.redaction.conftest import SHARED

SCORE = SHARED / "eval" / "score.py"
RESULT = re.compile(r"^RESULT recall=(?P<recall>[\d.]+) leaks=(?P<leaks>\d+) keep=(?P<keep>[\d.]+)\s*$")
SAMPLE_SIZE = 2


@pytest.fixture
def cli_engine(monkeypatch: pytest.MonkeyPatch, engine) -> None:
    """``main`` reuses the session's loaded model instead of loading spaCy again."""
    import redaction.engine as engine_module

    real = engine_module.RedactionEngine
    monkeypatch.setattr(engine_module, "RedactionEngine", lambda **kwargs: real(detector=engine.detector, **kwargs))


def smallest_documents(corpus: Path, count: int) -> list[str]:
    """Ids of the ``count`` smallest PDFs that have a truth file (ties broken by name, for stability)."""
    pdfs = [p for p in corpus.glob("*.pdf") if (corpus / f"{p.stem}.truth.json").is_file()]
    return [p.stem for p in sorted(pdfs, key=lambda p: (p.stat().st_size, p.name))[:count]]


def parse_result(stdout: str) -> dict[str, float]:
    lines = [line for line in stdout.strip().splitlines() if line.startswith("RESULT ")]
    assert lines, f"no RESULT line in the scorer's output:\n{stdout[-2000:]}"
    match = RESULT.match(lines[-1])
    assert match, lines[-1]
    return {key: float(value) for key, value in match.groupdict().items()}


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        (
            "documents 2\nRESULT recall=0.997 leaks=0 keep=0.960\n",
            {"recall": 0.997, "leaks": 0, "keep": 0.96},
        ),
        ("RESULT recall=1.000 leaks=3 keep=1.000", {"recall": 1.0, "leaks": 3, "keep": 1.0}),
    ],
)
def test_when_scorer_prints_a_result_line_then_it_is_parsed(stdout: str, expected: dict[str, float]) -> None:
    assert parse_result(stdout) == expected


@pytest.mark.slow
def test_when_smallest_dev_documents_are_redacted_then_nothing_leaks_and_keep_holds(
    corpus_dir: Path, tmp_path: Path, cli_engine: None, capsys: pytest.CaptureFixture[str]
) -> None:
    if not SCORE.is_file():
        pytest.skip(f"evaluation script not found at {SCORE}")
    ids = smallest_documents(corpus_dir, SAMPLE_SIZE)
    if len(ids) < SAMPLE_SIZE:
        pytest.skip(f"fewer than {SAMPLE_SIZE} scored documents in {corpus_dir}")
    sample, outputs = tmp_path / "corpus", tmp_path / "out"
    sample.mkdir()
    outputs.mkdir()
    for doc_id in ids:
        for suffix in (".pdf", ".truth.json"):
            (sample / f"{doc_id}{suffix}").symlink_to(corpus_dir / f"{doc_id}{suffix}")
        args = ["redact", str(corpus_dir / f"{doc_id}.pdf"), "-o", str(outputs / f"{doc_id}.pdf")]
        register = corpus_dir / f"{doc_id}.register.json"
        if register.is_file():
            args += ["--register", str(register)]
        assert main(args) == EXIT_OK, capsys.readouterr().err

    scored = subprocess.run(
        [sys.executable, str(SCORE), "--corpus", str(sample), "--outputs", str(outputs)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert scored.returncode == 0, scored.stderr[-2000:]
    result = parse_result(scored.stdout)
    assert result["leaks"] == 0, scored.stdout[-3000:]
    assert result["recall"] >= 0.995, scored.stdout[-3000:]
    assert result["keep"] >= 0.95, scored.stdout[-3000:]
