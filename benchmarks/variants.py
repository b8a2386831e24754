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

The truth is rebuilt from the variant PDF, not assumed: a ``must_redact`` item is kept only if its text
occurs verbatim (case-sensitive, word-bounded, whitespace- and NFKC-normalised, as the scorer reads it)
in the channels listed for it, which are exactly the channels where it was found; image boxes are kept
only where the unredacted variant shows pixels the scorer would call content. Items that could not be
placed (the draft's header, hidden-text, metadata or scanned-letter channels are not in the ``.txt``)
are dropped and listed under ``dropped``; ``lost_words`` counts words of the ``.txt`` (outside the image)
missing from the variant's text, which is 0 unless the layout lost text. A ``must_keep`` item is kept
only if it occurs in the variant's body (one that does not would count as kept whatever the engine did).

Each variant corpus is a folder of ``<id>.pdf``, ``<id>.truth.json`` and ``<id>.register.json`` (the
draft's register, unchanged), laid out like the shared corpus so ``../shared/eval/score.py`` scores it.
The scorer's own extraction and matching are used to place the items (loaded from ``../shared/eval``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import re
import shutil
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pymupdf

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORER = SHARED / "eval" / "score.py"
CORPUS = SHARED / "corpus" / "dev"

VARIANTS = ("plain", "two_column", "font", "dates", "image")
DEFAULT_VARIANTS = ("two_column", "font", "dates", "image")

PAGE = pymupdf.paper_rect("a4")  # 595 x 842 pt
# Top and bottom margins of 72 pt keep every line out of the scorer's running header/footer zone
# (7.5% of the page height, 63 pt), so body text is scored as body.
MARGIN_X, MARGIN_Y, GUTTER = 56.0, 72.0, 18.0
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
# The draft as blocks
# =====================================================================================================
@dataclass
class Block:
    """One piece of the body in reading order: a heading, a paragraph, a table or an image."""

    kind: str  # "heading" | "para" | "table" | "image"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    image: str = ""  # archive name of an image block
    size: tuple[float, float] = (0.0, 0.0)  # an image block's width and height in points


def parse_txt(text: str) -> list[Block]:
    """Split a draft's ``.txt`` into blocks: runs of tab-separated lines are tables (first row the
    header), short lines without closing punctuation are headings, everything else a paragraph."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append(lines[i].split("\t"))
                i += 1
            blocks.append(Block("table", rows=rows))
            continue
        i += 1
        if not line.strip():
            continue
        heading = len(line) <= 80 and not re.search(r"[.;:,)'\u2019]$", line) and not line.startswith("\u2022")
        blocks.append(Block("heading" if heading else "para", text=line))
    return blocks


# =====================================================================================================
# Layout
# =====================================================================================================
# PyMuPDF's ``Story`` would be the obvious tool, but in 1.26 its pagination is unreliable for these
# drafts (a table or paragraph that crosses a page break can be reported as placed and drawn below the
# page, so whole sections vanish). This small flow writes with ``TextWriter`` instead, as the corpus
# generator does, and knows where every line goes.
def _noto_serif(_bold: bool = False) -> pymupdf.Font:
    return pymupdf.Font(language="en")  # MuPDF's built-in Noto Serif (no bold face is built in)


FONTS = {
    "helv": (lambda: pymupdf.Font("helv"), lambda: pymupdf.Font("hebo")),
    "noto-serif": (_noto_serif, _noto_serif),
}


@dataclass(frozen=True)
class Style:
    family: str = "helv"  # a key of FONTS
    size: float = 10.0
    table_size: float = 9.0
    leading: float = 1.3
    justify: bool = False
    columns: int = 1

    @property
    def column_width(self) -> float:
        usable = PAGE.width - 2 * MARGIN_X
        return (usable - GUTTER * (self.columns - 1)) / self.columns

    def fonts(self) -> tuple[pymupdf.Font, pymupdf.Font]:
        regular, bold = FONTS[self.family]
        return regular(), bold()


BASE = Style()
STYLES = {
    "plain": BASE,
    "two_column": replace(BASE, columns=2, table_size=8.0),
    "font": replace(BASE, family="noto-serif", size=12.0, table_size=10.5, leading=1.5, justify=True),
    "dates": BASE,
    "image": BASE,
}


class Metrics:
    """A font and its per-character advances, cached (``Font.text_length`` is slow per call)."""

    def __init__(self, font: pymupdf.Font) -> None:
        self.font = font
        self.advance: dict[str, float] = {}

    def width(self, text: str, size: float) -> float:
        total = 0.0
        for ch in text:
            advance = self.advance.get(ch)
            if advance is None:
                advance = self.advance[ch] = self.font.text_length(ch, 1.0)
            total += advance
        return total * size


def wrap(text: str, metrics: Metrics, size: float, width: float) -> list[str]:
    """Greedy word wrap (a word wider than the line keeps a line of its own, unbroken)."""
    lines: list[str] = []
    current, current_width, space = "", 0.0, metrics.width(" ", size)
    for word in text.split():
        word_width = metrics.width(word, size)
        if current and current_width + space + word_width > width:
            lines.append(current)
            current, current_width = word, word_width
        elif current:
            current, current_width = f"{current} {word}", current_width + space + word_width
        else:
            current, current_width = word, word_width
    if current:
        lines.append(current)
    return lines or [""]


class Flow:
    """Blocks written top to bottom, column by column, page by page."""

    PAD = 3.0  # table cell padding

    def __init__(self, style: Style, page_rect: pymupdf.Rect = PAGE, margins: tuple[float, float] | None = None):
        self.style = style
        self.regular, self.bold = (Metrics(f) for f in style.fonts())
        self.doc = pymupdf.open()
        self.page_rect = page_rect
        mx, my = margins if margins is not None else (MARGIN_X, MARGIN_Y)
        width = (page_rect.width - 2 * mx - GUTTER * (style.columns - 1)) / style.columns
        self.columns = [(mx + k * (width + GUTTER), mx + k * (width + GUTTER) + width) for k in range(style.columns)]
        self.top, self.bottom = my, page_rect.height - my
        self.writers: dict[int, pymupdf.TextWriter] = {}
        self.column = 0
        self.page = self._new_page()
        self.y = self.top

    # ----- geometry -------------------------------------------------------------------------------
    @property
    def left(self) -> float:
        return self.columns[self.column][0]

    @property
    def width(self) -> float:
        x0, x1 = self.columns[self.column]
        return x1 - x0

    def _new_page(self) -> pymupdf.Page:
        return self.doc.new_page(width=self.page_rect.width, height=self.page_rect.height)

    def next_column(self) -> None:
        self.column += 1
        if self.column == len(self.columns):
            self.column = 0
            self.page = self._new_page()
        self.y = self.top

    def ensure(self, height: float) -> None:
        if self.y + height > self.bottom and self.y > self.top:
            self.next_column()

    def put(self, x: float, baseline: float, text: str, font: Metrics, size: float) -> None:
        writer = self.writers.setdefault(self.page.number, pymupdf.TextWriter(self.page.rect))
        writer.append((x, baseline), text, font=font.font, fontsize=size)

    # ----- blocks ---------------------------------------------------------------------------------
    def paragraph(self, text: str, bold: bool = False, size: float | None = None, after: float | None = None) -> None:
        size = size or self.style.size
        font = self.bold if bold else self.regular
        line_height = size * self.style.leading
        lines = wrap(text, font, size, self.width)
        for k, line in enumerate(lines):
            self.ensure(line_height)
            baseline = self.y + size
            last = k == len(lines) - 1
            words = line.split()
            if self.style.justify and not last and len(words) > 1:
                # Justified: words placed one by one, the slack shared between the gaps.
                slack = self.width - font.width(line, size)
                gap = font.width(" ", size) + slack / (len(words) - 1)
                x = self.left
                for word in words:
                    self.put(x, baseline, word, font, size)
                    x += font.width(word, size) + gap
            else:
                self.put(self.left, baseline, line, font, size)
            self.y += line_height
        self.y += size * 0.6 if after is None else after

    def heading(self, text: str) -> None:
        size = self.style.size * 1.2
        self.ensure(size * self.style.leading + 3 * self.style.size * self.style.leading)
        self.y += size * 0.5
        self.paragraph(text, bold=True, size=size, after=size * 0.3)

    def _column_widths(self, rows: list[list[str]], size: float) -> list[float] | None:
        """Widths from the content: at least the longest word, the rest shared out by the longest cell;
        None when the longest words alone do not fit at this size."""
        n = max(len(r) for r in rows)
        pad = 2 * self.PAD
        width = self.bold.width
        lo = [max(width(w, size) for r in rows if k < len(r) for w in (r[k].split() or [""])) + pad for k in range(n)]
        hi = [max(width(r[k], size) for r in rows if k < len(r)) + pad for k in range(n)]
        total = self.width
        if sum(lo) > total:
            return None
        if sum(hi) <= total:
            return [h * total / sum(hi) for h in hi]
        spare, extra = total - sum(lo), [h - w for h, w in zip(hi, lo, strict=True)]
        return [w + spare * e / (sum(extra) or 1) for w, e in zip(lo, extra, strict=True)]

    def table(self, rows: list[list[str]]) -> None:
        """Ruled table; the header row is repeated where the table continues in another column."""
        size = self.style.table_size
        widths = self._column_widths(rows, size)
        while widths is None:  # shrink to fit, as a word processor's autofit does (never split a word)
            size -= 0.25
            widths = self._column_widths(rows, size) if size > 4 else [self.width / len(rows[0])] * len(rows[0])
        line_height = size * 1.3

        def laid_out(row: list[str], font: Metrics) -> tuple[list[list[str]], float]:
            cells = [wrap(c, font, size, w - 2 * self.PAD) for c, w in zip(row, widths, strict=False)]
            return cells, max(len(c) for c in cells) * line_height + 2 * self.PAD

        def draw(row: list[str], header: bool) -> None:
            font = self.bold if header else self.regular
            cells, height = laid_out(row, font)
            x = self.left
            for cell, w in zip(cells, widths, strict=False):
                box = pymupdf.Rect(x, self.y, x + w, self.y + height)
                self.page.draw_rect(box, color=(0.4, 0.4, 0.4), fill=(0.9, 0.9, 0.9) if header else None, width=0.5)
                for k, line in enumerate(cell):
                    self.put(x + self.PAD, self.y + self.PAD + k * line_height + size * 0.9, line, font, size)
                x += w
            self.y += height

        header, body = rows[0], rows[1:]
        first = laid_out(body[0], self.regular)[1] if body else 0.0
        self.ensure(laid_out(header, self.bold)[1] + first)
        draw(header, True)
        for row in body:
            height = laid_out(row, self.regular)[1]
            if self.y + height > self.bottom:
                self.next_column()
                draw(header, True)
            draw(row, False)
        self.y += self.style.size

    def image(self, png: bytes, width: float, height: float) -> tuple[int, pymupdf.Rect]:
        self.ensure(height)
        rect = pymupdf.Rect(self.left, self.y, self.left + width, self.y + height)
        self.page.insert_image(rect, stream=png)
        self.y = rect.y1 + self.style.size * 0.6
        return self.page.number, rect

    def finish(self) -> pymupdf.Document:
        for number, writer in self.writers.items():
            writer.write_text(self.doc[number])
        self.writers = {}
        return self.doc


def render(blocks: list[Block], style: Style, path: Path, images: dict[str, bytes] | None = None) -> int:
    """Lay the blocks out into ``path``; returns the page count."""
    flow = Flow(style)
    for block in blocks:
        if block.kind == "table":
            flow.table(block.rows)
        elif block.kind == "image":
            flow.image((images or {})[block.image], *block.size)
        elif block.kind == "heading":
            flow.heading(block.text)
        else:
            flow.paragraph(block.text)
    doc = flow.finish()
    pages = doc.page_count
    doc.save(path, garbage=3, deflate=True)
    doc.close()
    return pages


# =====================================================================================================
# Matching, as the scorer reads a PDF
# =====================================================================================================
@lru_cache(maxsize=1)
def scorer() -> ModuleType:
    """The shared scorer (``../shared/eval/score.py``) as a module: its extraction and matching."""
    if not SCORER.exists():
        raise FileNotFoundError(f"scorer not found at {SCORER}")
    spec = importlib.util.spec_from_file_location("safepub_shared_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verbatim_pattern(text: str) -> re.Pattern[str]:
    """The scorer's pattern for an item, but case-sensitive (the truth promises verbatim text)."""
    return re.compile(scorer().item_pattern(text).pattern)


def text_channels(pdf: Path) -> dict[str, Any]:
    """The scorer's text channels of a PDF (without raw strings)."""
    channels = scorer().extract(pdf, with_raw=False)
    if channels is None:
        raise RuntimeError(f"cannot open {pdf}")
    return channels


def found_in(channels: dict[str, Any], text: str) -> list[str]:
    """Text channels in which ``text`` occurs verbatim."""
    pattern = verbatim_pattern(text)
    return [c for c in scorer().TEXT_CHANNELS if scorer().count(pattern, channels[c])]


# =====================================================================================================
# Variant transformations
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
    png: bytes
    size: tuple[float, float]  # points, as placed
    boxes: dict[str, list[tuple[float, float, float, float]]]  # item text -> boxes in image points


def page_chars(page: pymupdf.Page) -> tuple[str, list]:
    """The scorer's view of a page: text (NFKC-expanded) with one box per character, None at line ends."""
    return scorer().page_chars(page)


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


# =====================================================================================================
# Building one variant document
# =====================================================================================================
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
        blocks, mapping, header = rewrite_dates(doc_id, blocks, truth)
        seen: set[str] = set()
        rewritten = []
        for item in redact:
            item["text"] = mapping.get(item["text"], item["text"])
            if item["text"] not in seen:
                seen.add(item["text"])
                rewritten.append(item)
        redact = rewritten
        note = f"DOB header {header!r}; " if header else "no DOB column found; "
        note += ", ".join(f"{old} -> {new}" for old, new in mapping.items())
    elif variant == "image":
        index = pick_image_paragraph(blocks, truth)
        if index is None:
            note = "no paragraph names a family member: no image"
        else:
            width = style.column_width
            para_image = paragraph_image(blocks[index].text, style, [i["text"] for i in redact], width)
            blocks[index] = Block("image", image="para.png", size=para_image.size)
            images["para.png"] = para_image.png
            note = f"paragraph {index} as a {IMAGE_DPI} dpi image naming {len(para_image.boxes)} items"

    pages = render(blocks, style, pdf, images)
    channels = text_channels(pdf)
    boxes = image_boxes_on_page(pdf, para_image) if para_image else {}

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
    must_keep = [k for k in truth["must_keep"] if scorer().count(scorer().item_pattern(k["text"]), channels["body"])]
    lost = lost_words(blocks, channels)

    variant_truth = {
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
    (out_dir / f"{doc_id}.truth.json").write_text(
        json.dumps(variant_truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    register = source / f"{doc_id}.register.json"
    if register.exists():
        shutil.copyfile(register, out_dir / f"{doc_id}.register.json")
    return VariantDoc(doc_id, variant, pdf, variant_truth, dropped, note)


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
