"""The content-changing variants: what ``dates`` and ``image`` do to a draft's blocks before layout.

The layout-only variants (``plain``, ``two_column``, ``font``) differ from the base only in their
``Style``; the two here change what is written, so the truth has to follow:

``dates``  The family-composition table's date-of-birth header is reworded (``DOB_HEADERS``: "D.O.B.",
           "Born", "Date of birth", "DOB", never the draft's own; the starting point rotates with the
           document id) and every date of birth of the truth, wherever the text writes it (the
           generator's ``%d/%m/%Y``, "3 November 2017" and similar spellings), is rewritten in a numeric
           form (``DATE_FORMS``: dd.mm.yy, d.m.yyyy, dd-mm-yy, one per family member in turn). The truth
           items are renamed to the rewritten text (two spellings of one date become one item).
``image``  The paragraph naming the most family members is drawn as a greyscale PNG at ``IMAGE_DPI``
           and placed instead of its text. ``paragraph_image`` also records where each truth item's
           words are drawn in that image (in the scorer's own character boxes), so that
           ``variant_truth`` can give the item's pixels on the page.

Why: SafePub leaked, on documents written elsewhere, items it removes on the shared corpus; reworded
headers, other date notations and text only present as pixels are the forms that did it.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass, replace

import pymupdf

from benchmarks.scorer_view import page_chars, scorer, verbatim_pattern
from benchmarks.text_layout import PAGE, Block, Flow, Style

IMAGE_DPI = 100

DOB_HEADERS = ("D.O.B.", "Born", "Date of birth", "DOB")
_DOB_HEADER_RE = re.compile(r"(?:date\s+of\s+birth|d\.?\s?o\.?\s?b\.?|born)", re.IGNORECASE)
# Numeric forms for rewritten dates of birth, one per family member in turn.
DATE_FORMS = (
    ("dd.mm.yy", lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}"),
    ("d.m.yyyy", lambda d: f"{d.day}.{d.month}.{d.year}"),
    ("dd-mm-yy", lambda d: f"{d.day:02d}-{d.month:02d}-{d.year % 100:02d}"),
)
# How the generator writes dates of birth (its table formats, "%d/%m/%Y" and "3 November 2017").
_SOURCE_DATE_FORMS = ("%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d-%b-%Y")


# =====================================================================================================
# dates
# =====================================================================================================
def parse_date(text: str) -> dt.date | None:
    for fmt in _SOURCE_DATE_FORMS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def date_spellings(day: dt.date) -> set[str]:
    """Every way the generator may have written ``day``."""
    return {day.strftime(f) for f in _SOURCE_DATE_FORMS} | {f"{day.day} {day.strftime('%B %Y')}"}


def rewrite_dates(doc_id: str, blocks: list[Block], truth: dict) -> tuple[list[Block], dict[str, str], str]:
    """The ``dates`` variant: reworded DOB header, dates of birth in numeric forms.

    Returns the new blocks, {old text: new text} for every rewritten truth item, and the header used.
    """
    births = []  # dates of birth in the order the truth lists them (family table order)
    for item in truth["must_redact"]:
        if item["category"] == "DATE_OF_BIRTH":
            day = parse_date(item["text"])
            if day and day not in births:
                births.append(day)
    forms = {day: DATE_FORMS[k % len(DATE_FORMS)][1](day) for k, day in enumerate(births)}
    spellings = {s: forms[day] for day in births for s in date_spellings(day)}
    mapping = {
        item["text"]: spellings[item["text"]]
        for item in truth["must_redact"]
        if item["category"] == "DATE_OF_BIRTH" and item["text"] in spellings
    }
    pattern = (
        re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)) + r")(?!\w)"
        )
        if spellings
        else None
    )

    def sub(text: str) -> str:
        return pattern.sub(lambda m: spellings[m.group(0)], text) if pattern else text

    rotation = zlib.crc32(doc_id.encode()) % len(DOB_HEADERS)
    header_used = ""
    out = []
    for block in blocks:
        if block.kind != "table":
            out.append(replace(block, text=sub(block.text)))
            continue
        head = list(block.rows[0])
        for k, cell in enumerate(head):
            if _DOB_HEADER_RE.fullmatch(cell.strip()):
                choices = DOB_HEADERS[rotation:] + DOB_HEADERS[:rotation]
                header_used = next(h for h in choices if h.lower() != cell.strip().lower())
                head[k] = header_used
        out.append(replace(block, rows=[head] + [[sub(c) for c in row] for row in block.rows[1:]]))
    return out, mapping, header_used


def dates_variant(
    doc_id: str, blocks: list[Block], truth: dict, redact: list[dict]
) -> tuple[list[Block], list[dict], str]:
    """Apply ``rewrite_dates`` and rename the truth items (``redact``, copies of the truth's items) to
    match. Returns the new blocks, the items (one per distinct text, first kept) and a note."""
    blocks, mapping, header = rewrite_dates(doc_id, blocks, truth)
    seen: set[str] = set()
    rewritten = []
    for item in redact:
        item["text"] = mapping.get(item["text"], item["text"])
        if item["text"] not in seen:
            seen.add(item["text"])
            rewritten.append(item)
    note = f"DOB header {header!r}; " if header else "no DOB column found; "
    note += ", ".join(f"{old} -> {new}" for old, new in mapping.items())
    return blocks, rewritten, note


# =====================================================================================================
# image
# =====================================================================================================
def family_texts(truth: dict) -> list[str]:
    return [i["text"] for i in truth["must_redact"] if i["category"] == "PERSON_FAMILY"]


def pick_image_paragraph(blocks: list[Block], truth: dict) -> int | None:
    """Index of the paragraph naming the most family members (distinct items; the earliest on ties)."""
    names = [verbatim_pattern(t) for t in family_texts(truth)]
    best, best_count = None, 0
    for k, block in enumerate(blocks):
        if block.kind != "para" or len(block.text) > 1600:
            continue
        hits = sum(1 for p in names if p.search(block.text))
        if hits > best_count:
            best, best_count = k, hits
    return best


@dataclass
class ParagraphImage:
    """A paragraph drawn as a PNG, and where each truth item's words are drawn in it."""

    png: bytes
    size: tuple[float, float]  # points, as placed
    boxes: dict[str, list[tuple[float, float, float, float]]]  # item text -> boxes in image points


def paragraph_image(text: str, style: Style, items: list[str], width: float) -> ParagraphImage:
    """Draw ``text`` as a greyscale image at IMAGE_DPI, ``width`` points wide, and find where each item's
    words are drawn (boxes in points from the image's top left)."""
    pad = 4.0
    flow = Flow(replace(style, columns=1, justify=False), pymupdf.Rect(0, 0, width, 4 * PAGE.height), (pad, pad))
    flow.paragraph(text, after=0)
    if flow.page.number:
        raise ValueError("paragraph too long for one image")
    height = flow.y + pad
    doc = flow.finish()
    page = doc[0]
    clip = pymupdf.Rect(0, 0, width, height)
    pix = page.get_pixmap(clip=clip, dpi=IMAGE_DPI, colorspace=pymupdf.csGRAY, alpha=False)
    pix.set_dpi(IMAGE_DPI, IMAGE_DPI)
    chars = page_chars(page)
    boxes = {}
    for item in items:
        rects = scorer().match_rects(chars, verbatim_pattern(item))
        if rects:
            boxes[item] = [(r.x0, r.y0, r.x1, r.y1) for r in rects]
    doc.close()
    return ParagraphImage(pix.tobytes("png"), (width, height), boxes)


def image_variant(
    blocks: list[Block], truth: dict, redact: list[dict], style: Style
) -> tuple[list[Block], dict[str, bytes], ParagraphImage | None, str]:
    """Replace the paragraph naming the most family members by its image, one column wide.

    Returns the new blocks, the images they refer to (by archive name), the paragraph image (None when
    no paragraph names a family member) and a note."""
    index = pick_image_paragraph(blocks, truth)
    if index is None:
        return blocks, {}, None, "no paragraph names a family member: no image"
    para_image = paragraph_image(blocks[index].text, style, [i["text"] for i in redact], style.column_width)
    blocks = list(blocks)
    blocks[index] = Block("image", image="para.png", size=para_image.size)
    note = f"paragraph {index} as a {IMAGE_DPI} dpi image naming {len(para_image.boxes)} items"
    return blocks, {"para.png": para_image.png}, para_image, note
