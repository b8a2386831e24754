"""Truth files for variant PDFs, rebuilt from what the variant PDF actually shows.

A variant re-renders a draft, so the draft's truth cannot be copied: an item may now be split across a
column, drawn as pixels or absent. The truth is therefore read back from the written PDF with the
scorer's own extraction and matching (``scorer_view``), not assumed:

* a ``must_redact`` item is kept only if its text occurs verbatim (case-sensitive, word-bounded,
  whitespace- and NFKC-normalised, as the scorer reads it) in the channels listed for it, which are
  exactly the channels where it was found;
* image boxes (the ``image`` variant) are mapped from the paragraph image onto the page and kept only
  where the unredacted variant shows pixels the scorer would call content; such an item gets
  ``image_bbox``/``image_bboxes`` and the ``image`` channel, and ``body`` only if it still occurs in text;
* items that could not be placed (the draft's header, hidden-text, metadata or scanned-letter channels
  are not in the ``.txt``) are dropped and listed under ``dropped``;
* ``lost_words`` counts words of the ``.txt`` (outside the image) missing from the variant's text, which
  is 0 unless the layout lost text;
* a ``must_keep`` item is kept only if it occurs in the variant's body (one that does not would count as
  kept whatever the engine did).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pymupdf

from benchmarks.scorer_view import found_in, scorer, text_channels
from benchmarks.text_layout import Block
from benchmarks.variant_transforms import ParagraphImage


def image_boxes_on_page(pdf: Path, image: ParagraphImage) -> dict[str, list[list[float]]]:
    """Map the paragraph image's item boxes to ``[page, x0, y0, x1, y1]`` where the image was placed."""
    with pymupdf.open(pdf) as doc:
        placements = [(page.number, pymupdf.Rect(info["bbox"])) for page in doc for info in page.get_image_info()]
    if len(placements) != 1:
        raise RuntimeError(f"{pdf.name}: expected one image, found {len(placements)}")
    page_no, rect = placements[0]
    sx, sy = rect.width / image.size[0], rect.height / image.size[1]
    return {
        text: [
            [
                page_no,
                round(rect.x0 + x0 * sx, 2),
                round(rect.y0 + y0 * sy, 2),
                round(rect.x0 + x1 * sx, 2),
                round(rect.y0 + y1 * sy, 2),
            ]
            for x0, y0, x1, y1 in boxes
        ]
        for text, boxes in image.boxes.items()
    }


def lost_words(blocks: list[Block], channels: dict[str, Any]) -> int:
    """Words of the text blocks that the variant's extracted text does not have (as many times)."""
    normalise = scorer().normalise
    source = Counter(
        word
        for block in blocks
        for text in ([block.text] if block.kind in ("heading", "para") else [c for row in block.rows for c in row])
        for word in normalise(text).split()
    )
    extracted = Counter(word for channel in ("body", "header") for word in normalise(channels[channel][0]).split())
    return sum((source - extracted).values())


def place_items(
    pdf: Path, channels: dict[str, Any], redact: list[dict], boxes: dict[str, list[list[float]]]
) -> tuple[list[dict], list[str]]:
    """The ``must_redact`` items (updated in place) with the channels where the variant shows them, and
    the texts of those it shows nowhere (dropped)."""
    must_redact, dropped = [], []
    with pymupdf.open(pdf) as doc:
        for item in redact:
            where = found_in(channels, item["text"])
            item_boxes = [b for b in boxes.get(item["text"], []) if not scorer().image_box_removed(doc, b)]
            for key in ("image_bbox", "image_bboxes"):
                item.pop(key, None)
            if item_boxes:
                where.append("image")
                item["image_bbox"] = item_boxes[0]
                item["image_bboxes"] = item_boxes
            if not where:
                dropped.append(item["text"])
                continue
            item["channels"] = where
            must_redact.append(item)
    return must_redact, dropped


def rebuild_truth(
    truth: dict,
    *,
    doc_id: str,
    variant: str,
    pdf: Path,
    pages: int,
    redact: list[dict],
    blocks: list[Block],
    para_image: ParagraphImage | None,
    note: str,
) -> dict:
    """The variant's truth: ``truth`` is the draft's, ``redact`` its ``must_redact`` items as the variant
    wrote them (renamed by ``dates``), ``blocks`` what was laid out into ``pdf`` (``pages`` pages)."""
    channels = text_channels(pdf)
    boxes = image_boxes_on_page(pdf, para_image) if para_image else {}
    must_redact, dropped = place_items(pdf, channels, redact, boxes)
    must_keep = [k for k in truth["must_keep"] if scorer().count(scorer().item_pattern(k["text"]), channels["body"])]
    lost = lost_words(blocks, channels)
    return {
        "id": doc_id,
        "pages": pages,
        "generator": f"safepub-variants/{variant}",
        "source": f"{truth.get('generator', '?')}/{doc_id}",
        "variant": variant,
        "leak_channels": ["image"] if boxes else [],
        "must_redact": must_redact,
        "must_keep": must_keep,
        "dropped": dropped,
        "lost_words": lost,
        "note": note,
    }
