#!/usr/bin/env python3
"""Speed and memory of a Word draft through SafePub (issue 13, ``make bench``).

    .venv/bin/python benchmarks/bench_word.py [--text ../shared/corpus/bench/bench100.txt] [--pages 100]

Builds a .docx of about ``--pages`` pages from the bench corpus's text (with python-docx: headings,
paragraphs, a header naming the family, and the hidden channels a real draft carries: comments, a
tracked deletion and insertion, author properties), then times two fresh processes:

  (w1) the conversion alone: LibreOffice headless printing the accepted draft to PDF, in the sandbox;
  (w2) ``safepub redact --sandbox draft.docx -o OUT --register REG`` end to end: conversion, extraction,
       detection (hidden channels included), redaction and verification, each in a sandboxed child.

Prints seconds, pages and peak memory of the process tree. A report: no target, exit 0 unless a run
fails (2).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_redact import BENCH, PYTHON, SAFEPUB, timed  # noqa: E402

CONVERT_ONLY = """
import sys
from pathlib import Path
from redaction.sandbox import SandboxedEngine
pdf, hidden = SandboxedEngine(ocr=False).convert_word(Path(sys.argv[1]).read_bytes())
import pymupdf
with pymupdf.open("pdf", pdf) as doc:
    print(f"{doc.page_count} pages, {len(hidden)} hidden items", file=sys.stderr)
"""


def build_docx(text: str, pages: int, register: Path | None) -> bytes:
    import json

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    family = "the family"
    if register is not None and register.exists():
        people = json.loads(register.read_text(encoding="utf-8")).get("people") or []
        family = people[0]["name"] if people else family
    document = docx.Document()
    document.core_properties.author = "Bench Author"
    document.core_properties.last_modified_by = "Bench Editor"
    document.sections[0].header.paragraphs[0].text = f"Draft review concerning {family}"
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()] or [text]
    # about 3,000 characters a printed page
    target = pages * 3000
    written, index = 0, 0
    while written < target:
        chunk = " ".join(paragraphs[index % len(paragraphs)].split())
        if index % 25 == 0:
            document.add_heading(f"Section {index // 25 + 1}", level=1)
        paragraph = document.add_paragraph(chunk)
        if index % 40 == 0 and paragraph.runs:
            document.add_comment(paragraph.runs[0], text=f"Check this with {family}", author="Bench Reviewer")
        if index % 60 == 0:
            paragraph._p.append(
                parse_xml(
                    f'<w:del {nsdecls("w")} w:id="{index + 10_000}" w:author="Bench Editor" '
                    f'w:date="2024-01-01T00:00:00Z"><w:r><w:delText> Deleted: {family}.</w:delText></w:r></w:del>'
                )
            )
        written += len(chunk)
        index += 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=Path, default=BENCH / "bench100.txt")
    parser.add_argument("--register", type=Path, default=BENCH / "bench100.register.json")
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args(argv)
    if not args.text.exists():
        print(f"bench_word: {args.text} not found", file=sys.stderr)
        return 2
    data = build_docx(args.text.read_text(encoding="utf-8"), args.pages, args.register)
    with tempfile.TemporaryDirectory(prefix="safepub-bench-word-") as tmp:
        source, output = Path(tmp) / "draft.docx", Path(tmp) / "out.pdf"
        source.write_bytes(data)
        print(f"Word draft: {len(data) / 1024:,.0f} KiB .docx built from {args.text.name} (~{args.pages} pages)")
        t_1, code_1, peak_1, last_1 = timed([str(PYTHON), "-c", CONVERT_ONLY, str(source)], sample_memory=True)
        print(f"(w1) conversion in the sandbox     {t_1:7.2f} s   exit {code_1}   {last_1}")
        print(f"     peak process tree {peak_1 / 1024**2:,.0f} MiB")
        command = [str(SAFEPUB), "redact", "--sandbox", str(source), "-o", str(output)]
        if args.register.exists():
            command += ["--register", str(args.register)]
        t_2, code_2, peak_2, last_2 = timed(command, sample_memory=True)
        print(f"(w2) safepub redact --sandbox .docx {t_2:7.2f} s   exit {code_2}" + (f"  ({last_2})" if code_2 else ""))
        print(f"     peak process tree {peak_2 / 1024**2:,.0f} MiB")
    return 2 if code_1 or code_2 else 0


if __name__ == "__main__":
    sys.exit(main())
