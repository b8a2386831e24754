#!/usr/bin/env python3
"""Variant corpora: the shared dev drafts re-rendered in other house styles, with honest truth files.

    .venv/bin/python benchmarks/variants.py --out /tmp/variants [--ids dev020] [--variants image,dates]

SafePub leaked, on documents written elsewhere, items that it removes on the shared corpus. This module
rebuilds each draft from its ``<id>.txt`` (body text in reading order, tables tab-separated) and its
truth, in a layout the generator never produces, so that ``eval_variants.py`` can require the same
items to be removed. Every variant starts from one base layout (single column, Helvetica 10 pt, ruled
tables whose rows continue on the next page under a repeated header, A4) and changes one thing:

=============  =======================================================================================
``plain``      nothing: the base re-rendering itself (the control for the others)
``two_column`` two columns per page; tables are laid out inside a column, so their cells wrap
``font``       another family and size: Noto Serif 12 pt (tables 10.5 pt), justified (each word of a
               justified line placed on its own), wider leading
``dates``      the family-composition table's date-of-birth header reworded ("D.O.B.", "Born", "Date
               of birth", "DOB", never the draft's own) and every date of birth of the truth, wherever
               the text writes it, rewritten in a numeric form (dd.mm.yy, d.m.yyyy, dd-mm-yy, one per
               family member in turn); the truth lists the rewritten forms instead of the old ones
``image``      the paragraph naming the most family members drawn as an embedded greyscale image at
               100 dpi (PNG) in place of its text; the truth gives each item's ``image_bbox``/``image_bboxes``
               (its pixels), and lists ``body`` too only where the item still occurs in the text
=============  =======================================================================================

The truth is rebuilt from the variant PDF, not assumed (``variant_truth``): a ``must_redact`` item is
kept only in the channels where the scorer's own reading finds it verbatim, image boxes only where the
variant shows content; items that cannot be placed (the draft's header, hidden-text, metadata or
scanned-letter channels are not in the ``.txt``) are listed under ``dropped``, ``lost_words`` counts
words of the ``.txt`` the layout lost (0 unless something went wrong), and a ``must_keep`` item is kept
only if it occurs in the variant's body.

Each variant corpus is a folder of ``<id>.pdf``, ``<id>.truth.json`` and ``<id>.register.json`` (the
draft's register, unchanged), laid out like the shared corpus so ``../shared/eval/score.py`` scores it.

This module is the entry point (the variant table, ``build_document``/``build_corpus`` and the command
line); the work is done by

* ``text_layout``         the draft's ``.txt`` as blocks, and a small flow that places them on pages
* ``variant_transforms``  what ``dates`` and ``image`` change in the blocks before layout
* ``variant_truth``       the truth file rebuilt from the written variant PDF
* ``scorer_view``         the shared scorer loaded as a module: its extraction and matching
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere: import the benchmarks package
    sys.path.insert(0, str(REPO))

from benchmarks.scorer_view import SHARED, scorer  # noqa: E402
from benchmarks.text_layout import Style, parse_txt, render  # noqa: E402
from benchmarks.variant_transforms import ParagraphImage, dates_variant, image_variant  # noqa: E402
from benchmarks.variant_truth import rebuild_truth  # noqa: E402

# ``scorer`` is re-exported: eval_variants.py and the tests import it from here.
__all__ = ["CORPUS", "DEFAULT_VARIANTS", "STYLES", "VARIANTS", "VariantDoc", "build_corpus", "build_document", "scorer"]

CORPUS = SHARED / "corpus" / "dev"

VARIANTS = ("plain", "two_column", "font", "dates", "image")
DEFAULT_VARIANTS = ("two_column", "font", "dates", "image")

BASE = Style()
STYLES = {
    "plain": BASE,
    "two_column": replace(BASE, columns=2, table_size=8.0),
    "font": replace(BASE, family="noto-serif", size=12.0, table_size=10.5, leading=1.5, justify=True),
    "dates": BASE,
    "image": BASE,
}


@dataclass
class VariantDoc:
    doc_id: str
    variant: str
    pdf: Path
    truth: dict
    dropped: list[str]
    note: str = ""


def build_document(source: Path, doc_id: str, variant: str, out_dir: Path) -> VariantDoc:
    """Write ``out_dir/<doc_id>.{pdf,truth.json,register.json}`` for one variant of one draft."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r} (known: {', '.join(VARIANTS)})")
    out_dir.mkdir(parents=True, exist_ok=True)
    truth = json.loads((source / f"{doc_id}.truth.json").read_text(encoding="utf-8"))
    blocks = parse_txt((source / f"{doc_id}.txt").read_text(encoding="utf-8"))
    style = STYLES[variant]
    pdf = out_dir / f"{doc_id}.pdf"
    redact = [dict(item) for item in truth["must_redact"]]
    images: dict[str, bytes] = {}
    para_image: ParagraphImage | None = None
    note = ""

    if variant == "dates":
        blocks, redact, note = dates_variant(doc_id, blocks, truth, redact)
    elif variant == "image":
        blocks, images, para_image, note = image_variant(blocks, truth, redact, style)

    pages = render(blocks, style, pdf, images)
    variant_truth = rebuild_truth(
        truth,
        doc_id=doc_id,
        variant=variant,
        pdf=pdf,
        pages=pages,
        redact=redact,
        blocks=blocks,
        para_image=para_image,
        note=note,
    )
    (out_dir / f"{doc_id}.truth.json").write_text(
        json.dumps(variant_truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    register = source / f"{doc_id}.register.json"
    if register.exists():
        shutil.copyfile(register, out_dir / f"{doc_id}.register.json")
    return VariantDoc(doc_id, variant, pdf, variant_truth, variant_truth["dropped"], note)


def build_corpus(source: Path, doc_ids: list[str], variant: str, out_dir: Path) -> list[VariantDoc]:
    return [build_document(source, doc_id, variant, out_dir) for doc_id in doc_ids]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the drafts: <id>.txt, .truth.json, .register.json")
    parser.add_argument("--out", type=Path, required=True, help="one sub-folder per variant is written here")
    parser.add_argument("--ids", default="dev020", help="comma-separated document ids")
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS), help=f"any of {', '.join(VARIANTS)}")
    args = parser.parse_args(argv)
    ids = [i.strip() for i in args.ids.split(",") if i.strip()]
    for variant in [v.strip() for v in args.variants.split(",") if v.strip()]:
        for doc in build_corpus(args.corpus, ids, variant, args.out / variant):
            note = f"  ({doc.note})" if doc.note else ""
            print(
                f"{variant:<11} {doc.doc_id}: {doc.truth['pages']} pages, {len(doc.truth['must_redact'])} items "
                f"placed, {len(doc.dropped)} dropped, {doc.truth['lost_words']} words lost{note}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
