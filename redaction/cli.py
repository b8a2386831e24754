"""`safepub redact` and `safepub detect`: the engine's command line (the contract used by evaluation).

Exit codes: 0 success, 2 bad input (one line on stderr says why), 3 verification failed.
Nothing here prints document text: reports go to the files the caller names.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from redaction.errors import RedactionError, RegisterError, UnsupportedDocumentError, VerificationFailed

EXIT_OK, EXIT_BAD_INPUT, EXIT_VERIFICATION = 0, 2, 3
MAX_INPUT_BYTES = 200 * 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="safepub", description="SafePub redaction engine")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("redact", "write a redacted, sanitised, verified PDF"),
        ("detect", "write the spans that would be redacted, as JSON"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("input", type=Path)
        cmd.add_argument("-o", "--output", type=Path, required=True)
        cmd.add_argument("--register", type=Path)
        cmd.add_argument("--profile", default="publication", choices=["publication", "strict"])
        cmd.add_argument("--no-ocr", action="store_true", help="skip OCR (image pages are marked for review)")
        cmd.add_argument(
            "--sandbox",
            action="store_true",
            help="parse the document in a sandboxed child process (bwrap where available), as the service does",
        )
        if name == "redact":
            cmd.add_argument("--report", type=Path, help="JSON report of every proposal applied")
    return parser


def _read_input(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise UnsupportedDocumentError(f"the file is too large ({size // (1024 * 1024)} MB)")
        return path.read_bytes()
    except OSError as exc:
        raise UnsupportedDocumentError(f"cannot read {path}: {exc.strerror}") from exc


def _read_register(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RegisterError(f"cannot read register {path}: {exc.strerror}") from exc


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        data = _read_input(args.input)
        register_bytes = _read_register(args.register)
        from redaction.register import parse_register

        register = parse_register(register_bytes)
        from redaction.sniff import WORD_KINDS, detect_kind

        kind = detect_kind(data)  # reject bad input before the model loads
        hidden: list[dict[str, str]] = []
        if kind in WORD_KINDS:  # a Word draft: printed to PDF first, its hidden channels read beside it
            data, hidden, kind = *_convert_word(data, args), "pdf"
        args.hidden = hidden
        if args.sandbox:  # the same work in the sandbox the service uses (fresh children, limits, bwrap)
            from redaction.sandbox import SandboxedEngine

            sandboxed = SandboxedEngine(profile=args.profile, ocr=not args.no_ocr)
            if args.command == "detect":
                return _detect(sandboxed, data, register, args, None)
            return _redact(sandboxed, data, register, args, None)
        from redaction.budgets import check_document

        check_document(data)  # budgets before any work (a bomb is refused before extraction starts)
        # A PDF's extraction starts now, in a child on the other core, while this process loads the
        # model (see prefetch.py).
        from redaction.prefetch import ExtractionJob

        extraction = None
        if kind == "pdf" and ExtractionJob.available():
            from redaction.word.pieces import detection_pieces

            extraction = ExtractionJob(data, ocr=not args.no_ocr, extra=detection_pieces(hidden))
        try:
            from redaction.engine import RedactionEngine

            engine = RedactionEngine(profile=args.profile, ocr=not args.no_ocr)
            if args.command == "detect":
                return _detect(engine, data, register, args, extraction)
            return _redact(engine, data, register, args, extraction)
        finally:
            if extraction is not None:
                extraction.close()
    except VerificationFailed as exc:
        where = exc.describe() if hasattr(exc, "describe") else ""
        print(f"safepub: verification failed: {exc}" + (f" ({where})" if where else ""), file=sys.stderr)
        return EXIT_VERIFICATION
    except (UnsupportedDocumentError, RegisterError) as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RedactionError as exc:
        print(f"safepub: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _detect(engine, data: bytes, register, args, extraction) -> int:  # type: ignore[no-untyped-def]
    _, spans = engine.detect_spans(data, register=register, profile=args.profile, extraction=extraction)
    payload = {
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "category": s.category,
                "score": s.score,
                "source": s.source,
                "text": s.text,
            }
            for s in spans
        ]
    }
    args.output.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return EXIT_OK


def _convert_word(data: bytes, args) -> tuple[bytes, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    if args.sandbox:
        from redaction.sandbox import SandboxedEngine

        return SandboxedEngine(profile=args.profile, ocr=False).convert_word(data)
    from redaction.engine import RedactionEngine

    return RedactionEngine(profile=args.profile, ocr=False, load_model=False).convert_word(data)


def _redact(engine, data: bytes, register, args, extraction) -> int:  # type: ignore[no-untyped-def]
    word = {"hidden": args.hidden} if getattr(args, "hidden", None) else {}
    output, analysis = engine.redact(data, register=register, profile=args.profile, extraction=extraction, **word)
    args.output.write_bytes(output)
    if args.report:
        report = analysis.to_dict()
        report["counts"] = dict(Counter(p.category for p in analysis.proposals))
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if analysis.needs_review:
        print(
            f"safepub: written, but needs human review: {len(analysis.needs_review)} issue(s), see the report",
            file=sys.stderr,
        )
    return EXIT_OK
