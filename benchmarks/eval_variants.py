#!/usr/bin/env python3
"""Metamorphic check: the dev drafts re-rendered in other house styles must lose the same items.

    .venv/bin/python benchmarks/eval_variants.py [--ids dev020,dev005] [--variants two_column,font,dates,image]
        [--out DIR] [--corpus ../shared/corpus/dev]

For each variant (see ``benchmarks/variants.py``: ``two_column``, ``font``, ``dates``, ``image``, and the
``plain`` control, which is the base re-rendering with nothing changed) it builds a variant corpus of the
selected drafts in ``OUT/<variant>/corpus``, redacts every document in this process exactly as
``safepub redact`` does (``eval_corpus.redact_all``) into ``OUT/<variant>/redacted``, and scores the
outputs with ``../shared/eval/score.py`` (its full report goes to ``OUT/<variant>/score.txt`` and
``report.json``). It prints, per variant, the items that leaked and the must-keep items that were lost,
and at the end one line per variant

    RESULT variant=<name> recall=<occurrence recall> leaks=<leaked items> keep=<must-keep retention>

and a last one over every variant together (the scorer's own summary of all the documents):

    RESULT recall=... leaks=... keep=...

Without ``--out`` the corpora and outputs go to a temporary folder that is kept (its path is printed).
Exit status: the scorer's if it fails; otherwise 1 if any document could not be redacted, else 0 (leaks
are measured, not failures: this is a report).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere: import the working tree's engine
    sys.path.insert(0, str(REPO))

from benchmarks.eval_corpus import SCORER, redact_all, select  # noqa: E402
from benchmarks.variants import CORPUS, DEFAULT_VARIANTS, VARIANTS, build_corpus, scorer  # noqa: E402

# Three short drafts (3, 4 and 6 pages) with their family table, chronology and a scanned letter among
# them: the whole default run is a few minutes at most on two cores.
DEFAULT_IDS = ("dev020", "dev005", "dev014")


def score_variant(corpus: Path, outputs: Path, folder: Path) -> tuple[int, list[dict]]:
    """Run the shared scorer on one variant corpus; its report goes to ``folder``."""
    report = folder / "report.json"
    with open(folder / "score.txt", "w", encoding="utf-8") as log:
        code = subprocess.call(
            [sys.executable, str(SCORER), "--corpus", str(corpus), "--outputs", str(outputs), "--json", str(report)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if code:
        return code, []
    return 0, json.loads(report.read_text(encoding="utf-8"))["documents"]


def values(summary: dict) -> str:
    return f"recall={summary['occurrence_recall']:.3f} leaks={summary['leaks']} keep={summary['keep_retention']:.3f}"


def describe(docs: list[dict]) -> None:
    """The leaked items and lost must-keep items of one variant, one line each."""
    for doc in docs:
        for item in doc["items"]:
            if item["leaked"]:
                print(
                    f"  leaked  {doc['id']}: {item['text']!r} [{item['category']}] "
                    f"{item['survived']}/{item['occurrences']} left, in {', '.join(item['leak_channels'])}"
                )
        for keep in doc["keep"]:
            if not keep["kept"]:
                print(f"  lost    {doc['id']}: {keep['text']!r} [{keep['category']}] {keep['after']}/{keep['before']}")
        for warning in doc["warnings"]:
            print(f"  warning {doc['id']}: {warning}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the drafts: <id>.txt, .truth.json, .register.json")
    parser.add_argument("--ids", default=",".join(DEFAULT_IDS), help="comma-separated document ids")
    parser.add_argument(
        "--variants", default=",".join(DEFAULT_VARIANTS), help=f"comma-separated, any of {', '.join(VARIANTS)}"
    )
    parser.add_argument("--out", type=Path, help="working folder (default: a new temporary folder, kept)")
    args = parser.parse_args(argv)

    if not SCORER.exists():
        print(f"eval_variants: scorer not found at {SCORER}", file=sys.stderr)
        return 2
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown or not variants:
        print(f"eval_variants: unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}", file=sys.stderr)
        return 2
    ids = [i.strip() for i in args.ids.split(",") if i.strip()]
    doc_ids = select(args.corpus, ids, None)
    missing_txt = [d for d in doc_ids if not (args.corpus / f"{d}.txt").exists()]
    if not doc_ids or missing_txt:
        print(f"eval_variants: no usable documents (missing .txt: {', '.join(missing_txt)})", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="safepub-variants-"))
    print(f"variants {', '.join(variants)} of {', '.join(doc_ids)} in {out}", flush=True)

    started = time.perf_counter()
    results: dict[str, dict] = {}
    all_docs: list[dict] = []
    failed: list[str] = []
    for variant in variants:
        folder = out / variant
        corpus, redacted = folder / "corpus", folder / "redacted"
        redacted.mkdir(parents=True, exist_ok=True)
        built = build_corpus(args.corpus, doc_ids, variant, corpus)
        placed = sum(len(d.truth["must_redact"]) for d in built)
        dropped = sum(len(d.dropped) for d in built)
        print(f"\n== {variant}: {len(built)} documents, {placed} items placed, {dropped} not placeable", flush=True)
        for doc in built:
            if doc.note:
                print(f"  {doc.doc_id}: {doc.note}")
        codes = redact_all(corpus, redacted, doc_ids)
        failed += [f"{variant}/{d}" for d, code in codes.items() if code]
        code, docs = score_variant(corpus, redacted, folder)
        if code:
            print(f"eval_variants: the scorer failed on {variant} (exit {code}); see {folder / 'score.txt'}")
            return code
        describe(docs)
        results[variant] = scorer().summarise(docs)
        all_docs += docs
        print(f"  -> {variant}: {values(results[variant])}", flush=True)

    print(
        f"\n{len(variants)} variants x {len(doc_ids)} documents in {time.perf_counter() - started:.0f}s"
        + (f"; failed to redact: {', '.join(failed)}" if failed else "")
    )
    for variant, summary in results.items():
        print(f"RESULT variant={variant} {values(summary)}")
    print(f"RESULT {values(scorer().summarise(all_docs))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
