#!/usr/bin/env python3
"""Redact every document of a corpus with its register, then score the outputs.

    .venv/bin/python benchmarks/eval_corpus.py --corpus ../shared/corpus/dev --out /tmp/eval \
        [--limit N] [--ids dev001,dev005]

Each ``<id>.pdf`` is redacted exactly as ``safepub redact <id>.pdf -o OUT/<id>.pdf --register
<id>.register.json`` would do it, but in this process (``redaction.cli.main``), which saves a Python
start-up and the imports per document. The selected truth files and PDFs are then symlinked into a
temporary corpus and ``../shared/eval/score.py`` scores OUT against it. Its report is printed as is and
ends with the ``RESULT recall=... leaks=... keep=...`` line.

Exit status: the scorer's if it fails; otherwise 1 if any document could not be redacted, else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "eval" / "score.py"

if str(REPO) not in sys.path:  # run as a script from anywhere: import the working tree's engine
    sys.path.insert(0, str(REPO))


def select(corpus: Path, ids: list[str] | None, limit: int | None) -> list[str]:
    """Document ids that have both a PDF and a truth file, in order."""
    available = sorted(
        p.name[: -len(".truth.json")]
        for p in corpus.glob("*.truth.json")
        if (corpus / p.name.replace(".truth.json", ".pdf")).exists()
    )
    if ids:
        unknown = sorted(set(ids) - set(available))
        if unknown:
            raise SystemExit(f"eval_corpus: not in {corpus}: {', '.join(unknown)}")
        available = [i for i in available if i in set(ids)]
    return available[:limit] if limit else available


def redact_all(corpus: Path, out: Path, doc_ids: list[str]) -> dict[str, int]:
    """Exit code of ``safepub redact`` per document (an exception counts as 1)."""
    from redaction.cli import main as redact_main

    codes: dict[str, int] = {}
    for doc_id in doc_ids:
        argv = ["redact", str(corpus / f"{doc_id}.pdf"), "-o", str(out / f"{doc_id}.pdf")]
        register = corpus / f"{doc_id}.register.json"
        if register.exists():
            argv += ["--register", str(register)]
        started = time.perf_counter()
        stderr = io.StringIO()
        try:
            with contextlib.redirect_stderr(stderr):
                codes[doc_id] = int(redact_main(argv) or 0)
        except SystemExit as exc:  # argparse and friends
            codes[doc_id] = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # noqa: BLE001 - one broken document must not stop the evaluation
            codes[doc_id] = 1
            stderr.write(f"{type(exc).__name__}\n")
        reason = stderr.getvalue().strip().splitlines()
        note = f"  ({reason[-1]})" if codes[doc_id] and reason else ""
        elapsed = time.perf_counter() - started
        print(f"redact {doc_id:<10} exit {codes[doc_id]}  {elapsed:6.1f}s{note}", flush=True)
    return codes


def score(corpus: Path, out: Path, doc_ids: list[str]) -> int:
    """Run the shared scorer on a temporary corpus holding only the selected documents."""
    with tempfile.TemporaryDirectory(prefix="safepub-eval-") as tmp:
        for doc_id in doc_ids:
            for suffix in (".pdf", ".truth.json"):
                (Path(tmp) / f"{doc_id}{suffix}").symlink_to((corpus / f"{doc_id}{suffix}").resolve())
        return subprocess.call([sys.executable, str(SCORER), "--corpus", tmp, "--outputs", str(out)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "dev")
    parser.add_argument("--out", type=Path, required=True, help="directory for the redacted PDFs")
    parser.add_argument("--limit", type=int, help="only the first N documents")
    parser.add_argument("--ids", help="comma-separated document ids, e.g. dev001,dev005")
    args = parser.parse_args(argv)

    if not SCORER.exists():
        print(f"eval_corpus: scorer not found at {SCORER}", file=sys.stderr)
        return 2
    ids = [i.strip() for i in args.ids.split(",") if i.strip()] if args.ids else None
    doc_ids = select(args.corpus, ids, args.limit)
    if not doc_ids:
        print(f"eval_corpus: no documents selected in {args.corpus}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    codes = redact_all(args.corpus, args.out, doc_ids)
    failed = sorted(d for d, code in codes.items() if code)
    print(
        f"redacted {len(doc_ids) - len(failed)}/{len(doc_ids)} documents in "
        f"{time.perf_counter() - started:.1f}s" + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    print(flush=True)

    scorer_code = score(args.corpus, args.out, doc_ids)
    if scorer_code:
        print(f"eval_corpus: the scorer failed (exit {scorer_code})", file=sys.stderr)
        return scorer_code
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
