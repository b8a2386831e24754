"""The sandboxed child: ``python -I -m redaction.sandbox.child --memory=N --cpu=N --files=N``.

Started fresh by exec for every call (never forked from the key-holding parent, so it holds none of the
parent's memory), with a scrubbed environment, usually under bwrap. Its first act is to limit itself;
then it reads one request frame from stdin (the method, its arguments, the document as the payload),
checks the document against the budgets before any heavy work, runs the one method of
:class:`~redaction.engine.RedactionEngine`, and answers on stdout: progress frames, then one result or
error frame. Nothing but frames is ever written to stdout (stray prints go to stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import IO, Any

from redaction.sandbox.limits import Limits, apply_limits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="redaction.sandbox.child")
    parser.add_argument("--memory", type=int, required=True)
    parser.add_argument("--cpu", type=int, required=True)
    parser.add_argument("--files", type=int, required=True)
    args = parser.parse_args(argv)
    apply_limits(Limits(memory_bytes=args.memory, cpu_seconds=args.cpu, open_files=args.files))
    # Frames go to a private copy of stdout; fd 1 itself now points at stderr, so a library that prints
    # (or a subprocess that inherits fd 1) cannot corrupt the framing.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    from redaction.sandbox.protocol import read_frame, write_frame

    request = read_frame(sys.stdin.buffer)
    if request is None:
        return 1
    header, payload = request
    try:
        answer, body = _run(header, payload, _Replies(out))
    except BaseException as exc:  # noqa: BLE001 - every failure is answered; the parent decides
        from redaction.sandbox.codec import error_to_dict

        write_frame(out, error_to_dict(exc))
        return 1
    write_frame(out, {"result": answer}, body)
    return 0


class _Replies:
    """Frames before the answer: progress, and the parts of a long answer (one page image each)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def progress(self, done: int, total: int) -> None:
        from redaction.sandbox.protocol import write_frame

        write_frame(self.out, {"progress": [int(done), int(total)]})

    def part(self, header: list[Any], payload: bytes) -> None:
        from redaction.sandbox.protocol import write_frame

        write_frame(self.out, {"part": header}, payload)


def _run(header: dict[str, Any], data: bytes, replies: _Replies) -> tuple[Any, bytes]:
    from redaction.budgets import Budgets, check_document
    from redaction.sandbox import codec

    method, args, options = header["method"], header.get("args", {}), header.get("engine", {})
    budgets = Budgets(**header.get("budgets", {}))
    check_document(data, budgets)  # before any heavy work: the model, extraction, rendering
    hidden = args.get("hidden") or []
    extraction = _prefetch(data, options, hidden) if method in ("analyze", "detect_spans") else None
    try:
        from redaction.engine import RedactionEngine

        engine = RedactionEngine(
            profile=options.get("profile", "publication"),
            ocr=bool(options.get("ocr", True)),
            n_process=options.get("n_process"),
            load_model=False,
        )
        if method == "analyze":
            analysis = engine.analyze(
                data,
                register=args.get("register"),
                profile=args.get("profile"),
                progress=replies.progress,
                extraction=extraction,
                hidden=hidden,
            )
            return analysis.to_dict(), b""
        if method == "detect_spans":
            register, profile = args.get("register"), args.get("profile")
            text, spans = engine.detect_spans(data, register=register, profile=profile, extraction=extraction)
            return {"text": text, "spans": [span.to_dict() for span in spans]}, b""
    finally:
        if extraction is not None:
            extraction.close()
    if method == "convert_word":
        pdf, items = engine.convert_word(data, timeout_seconds=float(args.get("timeout", 300)))
        return items, pdf
    if method == "redact_docx":
        docx = engine.redact_docx(
            data,
            codec.proposals_from_json(args["proposals"]),
            kept=codec.proposals_from_json(args.get("kept", [])),
            register=args.get("register"),
        )
        return None, docx
    if method == "render_with_report":
        output, report = engine.render_with_report(
            data,
            codec.proposals_from_json(args["proposals"]),
            kept=codec.proposals_from_json(args.get("kept", [])),
            kept_phrases=args.get("kept_phrases", []),
            register=args.get("register"),
        )
        return codec.report_to_dict(report), output
    if method == "verify_output":
        forbidden = [(str(t), str(c)) for t, c in args["forbidden"]]
        return codec.report_to_dict(engine.verify_output(data, forbidden, allowed=args.get("allowed", []))), b""
    if method == "find_occurrences":
        found = engine.find_occurrences(data, args["text"], category=args.get("category", "MANUAL"))
        return codec.proposals_to_json(found), b""
    if method == "manual_box":
        box = engine.manual_box(
            data, int(args["page"]), tuple(args["rect"]), category=args["category"], label=args.get("label")
        )
        return box.to_dict(), b""
    if method == "page_image":
        from redaction import screen

        proposals = codec.proposals_from_json(args.get("proposals", []))
        png = screen.page_image(
            data, int(args["page"]), proposals=proposals, dpi=int(args["dpi"]), max_pixels=budgets.max_render_pixels
        )
        return None, png
    if method == "page_images":
        from redaction import screen

        count = 0
        for width, height, png in screen.page_images(data, dpi=int(args["dpi"]), max_pixels=budgets.max_render_pixels):
            replies.part([width, height], png)
            count += 1
        return count, b""
    if method == "page_sizes":
        return [list(size) for size in engine.page_sizes(data)], b""
    raise ValueError("unknown method")


def _prefetch(data: bytes, options: dict[str, Any], hidden: list[dict[str, str]]) -> Any:
    """A PDF's extraction, forked now, while this process loads the model (as the command line does)."""
    from redaction.prefetch import ExtractionJob
    from redaction.sniff import detect_kind

    if detect_kind(data) != "pdf" or not ExtractionJob.available():
        return None
    from redaction.word.pieces import detection_pieces

    return ExtractionJob(data, ocr=bool(options.get("ocr", True)), extra=detection_pieces(hidden))


if __name__ == "__main__":
    sys.exit(main())
