"""A small text layout for the variant corpora: a draft's body as blocks, placed on PyMuPDF pages.

``variants.py`` re-renders each shared draft from its ``<id>.txt`` (body text in reading order, tables
tab-separated). This module turns that text into blocks (``parse_txt``: headings, paragraphs, tables)
and writes blocks onto A4 pages (``render`` / ``Flow``) in a given ``Style``: font family and size,
leading, justification and number of columns. Paragraphs are word-wrapped; tables are ruled, their
column widths taken from the content (shrunk to fit, never splitting a word), and their header row is
repeated where a table continues in the next column or page; images are placed as given.

Why not PyMuPDF's ``Story``: in 1.26 its pagination is unreliable for these drafts (a table or paragraph
that crosses a page break can be reported as placed and drawn below the page, so whole sections vanish).
This flow writes with ``TextWriter`` instead, as the corpus generator does, and knows where every line
goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

PAGE = pymupdf.paper_rect("a4")  # 595 x 842 pt
# Top and bottom margins of 72 pt keep every line out of the scorer's running header/footer zone
# (7.5% of the page height, 63 pt), so body text is scored as body.
MARGIN_X, MARGIN_Y, GUTTER = 56.0, 72.0, 18.0


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
# Styles and fonts
# =====================================================================================================
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


# =====================================================================================================
# The flow
# =====================================================================================================
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
