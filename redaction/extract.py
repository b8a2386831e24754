"""Extraction: every place a PDF can hide text, flattened into ONE detection text with positions.

The detection text is built so that detection sees what a reader sees:
- lines of one paragraph are joined with a space, and a word hyphenated at a line end is joined
  ("Mor-" + "ris" -> "Morris"), so a name split across lines is one piece of text;
- the body of consecutive pages flows on, so an address that starts at the foot of one page and ends on
  the next is one piece of text; running headers and footers are collected separately;
- table cells on the same visual row are joined with TABs and rows with newlines (like the corpus .txt);
- invisible text (white on white, tiny, fully transparent), OCR'd image text, metadata, XMP, outline,
  annotations, form fields, links, embedded file names and page labels each become their own piece.

Every character of the detection text that came from a page carries its page number and box, so a
finding maps back to the rectangles to redact, in every fragment.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pymupdf

from redaction.image_text import Loc, read_page_images
from redaction.ocr import OcrEngine, unrotated_area
from redaction.pdf_strings import annotation_strings, structure_strings
from redaction.text_layer import Outlines, layer_chars, on_image, unspace_letters

EDGE_ZONE = 0.075  # top/bottom share of a page holding running headers and footers
_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u00ad": "",
    }
)
_SENTENCE_END = re.compile(r"[.!?:;\"')\]]\s*$")


@dataclass
class Piece:
    """A run of the detection text that comes from one place of the document."""

    start: int
    end: int
    channel: str  # body, header, hidden, image, metadata, outline, annotation, form, link, embedded, text
    page: int | None = None
    ref: str | None = None  # which object: "toc:3", "meta:author", "annot:12"...


@dataclass
class ExtractedDocument:
    kind: str
    text: str
    locs: list[Loc | None]
    pieces: list[Piece]
    page_count: int
    #: boxes of invisible text, removed whole whatever detection finds
    invisible: list[Loc] = field(default_factory=list)
    needs_review: list[str] = field(default_factory=list)
    #: boxes of pictures whose text maps to the whole picture (removed whole, labelled "image removed")
    pictures: set[Loc] = field(default_factory=set)
    #: offsets where a word hyphenated at a line end was joined ("multi-" + "cohort" -> "multicohort",
    #: the second part starting here). Verification also reads the output as printed, with the hyphen,
    #: where the second part is a word of its own.
    hyphen_joins: list[int] = field(default_factory=list)
    _starts: list[int] | None = field(default=None, repr=False, compare=False)

    def ranges(self, channel: str) -> list[tuple[int, int]]:
        return [(p.start, p.end) for p in self.pieces if p.channel == channel]

    def piece_at(self, offset: int) -> Piece | None:
        """The piece holding ``offset`` (pieces are in text order and do not overlap)."""
        if self._starts is None or len(self._starts) != len(self.pieces):
            self._starts = [p.start for p in self.pieces]
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.pieces[index].end:
            return self.pieces[index]
        return None


class _Builder:
    """Accumulates detection text and its per-character locations."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.locs: list[Loc | None] = []
        self.pieces: list[Piece] = []
        self.hyphen_joins: list[int] = []

    def __len__(self) -> int:
        return len(self.chars)

    def add(self, text: str, loc: Loc | None = None) -> None:
        for ch in text:
            self.chars.append(ch)
            self.locs.append(loc)

    def add_char(self, ch: str, loc: Loc | None) -> None:
        if ord(ch) > 127:
            ch = unicodedata.normalize("NFKC", ch.translate(_QUOTES)) or ""
            if len(ch) == 1 and unicodedata.combining(ch) and self.chars and self._compose(ch, loc):
                return
        for c in ch:
            self.chars.append(c if c.isprintable() or c in "\t\n" else " ")
            self.locs.append(loc)

    def _compose(self, mark: str, loc: Loc | None) -> bool:
        """A combining accent drawn as a glyph of its own ("e" + U+0301) joins the letter before it
        ("é"), as NFKC does for the whole text when verification reads the output: detection must read
        "Médecins" where verification will. The letter's box grows to cover the accent's."""
        composed = unicodedata.normalize("NFC", self.chars[-1] + mark)
        if len(composed) != 1:
            return False
        self.chars[-1] = composed
        before = self.locs[-1]
        if before is not None and loc is not None and before[0] == loc[0]:
            page, x0, y0, x1, y1 = before
            self.locs[-1] = (page, min(x0, loc[1]), min(y0, loc[2]), max(x1, loc[3]), max(y1, loc[4]))
        return True

    def drop_last(self) -> None:
        self.chars.pop()
        self.locs.pop()

    def last(self) -> str:
        return self.chars[-1] if self.chars else ""

    def piece(self, channel: str, text: str, page: int | None = None, ref: str | None = None) -> None:
        """Adds a whole side-channel string as its own piece (no positions)."""
        text = (text or "").strip()
        if not text:
            return
        self.separate()
        start = len(self.chars)
        for ch in text:
            self.add_char(ch, None)
        self.pieces.append(Piece(start, len(self.chars), channel, page, ref))

    def separate(self) -> None:
        if self.chars:
            self.add("\n\n")

    def build(self, kind: str, page_count: int) -> ExtractedDocument:
        extracted = ExtractedDocument(kind, "".join(self.chars), self.locs, self.pieces, page_count)
        extracted.hyphen_joins = self.hyphen_joins
        return extracted


@dataclass
class _Line:
    chars: list[tuple[str, Loc]]
    bbox: tuple[float, float, float, float]
    block: int


def extract_text(text: str) -> ExtractedDocument:
    """Plain text input: the detection text IS the file's text, offsets index it exactly."""
    return ExtractedDocument("text", text, [None] * len(text), [Piece(0, len(text), "text")], 1)


def _all_layers_on(doc: pymupdf.Document) -> None:
    """Text in a layer switched off is invisible but still in the file: show every layer to extract it."""
    try:
        configs = doc.layer_ui_configs() or []
    except Exception:  # noqa: BLE001 - documents without optional content
        return
    for config in configs:
        if not config.get("on"):
            doc.set_layer_ui_config(config["number"], action=0)


TextSink = Callable[[int, str], None]


class _Flusher:
    """Hands complete stretches of the detection text (ending at a line end) to a sink while the rest is
    still being extracted, so NER can start early. Text before the last line end never changes again."""

    def __init__(self, builder: _Builder, sink: TextSink | None, min_chars: int = 2000) -> None:
        self.builder, self.sink, self.min_chars, self.done = builder, sink, min_chars, 0

    def flush(self, final: bool = False) -> None:
        if self.sink is None:
            return
        chars = self.builder.chars
        if final:
            if len(chars) > self.done:
                self.sink(self.done, "".join(chars[self.done :]))
                self.done = len(chars)
            return
        if len(chars) - self.done < self.min_chars:
            return
        pending = "".join(chars[self.done : len(chars) - 1])
        cut = pending.rfind("\n")
        if cut >= 0:
            self.sink(self.done, pending[: cut + 1])
            self.done += cut + 1


def extract_pdf(
    doc: pymupdf.Document,
    ocr: OcrEngine | None,
    sink: TextSink | None = None,
    extra: Iterable[tuple[str, str, str]] = (),
) -> ExtractedDocument:
    """``sink(offset, text)``, if given, receives the detection text in order, piece by piece.

    ``extra`` are ``(channel, ref, text)`` pieces from outside the PDF, read like its side channels: the
    hidden channels of the Word draft it was printed from (``redaction.word``)."""
    _all_layers_on(doc)
    builder = _Builder()
    flusher = _Flusher(builder, sink)
    invisible: list[Loc] = []
    needs_review: list[str] = []
    pictures: list[Loc] = []
    furniture: list[tuple[int, list[_Line]]] = []
    hidden: list[tuple[int, list[_Line]]] = []
    images: list[tuple[int, list[_Line]]] = []

    prev: _Line | None = None
    for page in doc:
        text = _page_lines(page)
        main, edge, hid = text.main, text.edge, text.hidden
        invisible.extend(text.invisible)
        if edge:
            furniture.append((page.number, edge))
        if hid:
            hidden.append((page.number, hid))
        if main and prev is not None:
            # The body flows on across the page break unless the last line ended a sentence.
            tail = "".join(c for c, _ in prev.chars).rstrip()
            head = main[0].chars[0][0] if main[0].chars else ""
            builder.add(" " if tail and head and not _SENTENCE_END.search(tail) else "\n")
        page_start = len(builder)
        prev = _emit_lines(builder, main, prev=None) or prev
        if len(builder) > page_start:
            builder.pieces.append(Piece(page_start, len(builder), "body", page.number))
        ocr_lines, problems = read_page_images(
            page, ocr, has_text=bool(main or edge), layer=text.layer, pictures=pictures
        )
        if ocr_lines:
            images.append((page.number, [_Line(chars, bbox, key) for chars, bbox, key in ocr_lines]))
        needs_review.extend(problems)
        flusher.flush()

    for channel, groups in (("header", furniture), ("hidden", hidden), ("image", images)):
        for page_no, lines in groups:
            builder.separate()
            start = len(builder)
            _emit_lines(builder, lines, prev=None, keep_lines=True)
            builder.pieces.append(Piece(start, len(builder), channel, page_no))

    _side_channels(doc, builder)
    for channel, ref, value in extra:
        builder.piece(channel, value, ref=ref)
    flusher.flush(final=True)
    extracted = builder.build("pdf", doc.page_count)
    extracted.invisible = invisible
    extracted.needs_review = needs_review
    extracted.pictures = set(pictures)
    return extracted


def _span_is_invisible(span: dict, page_fills: list[tuple[pymupdf.Rect, float]] | None) -> bool:
    if span.get("alpha", 255) == 0 or span.get("size", 10) < 2.5:
        return True
    colour = span.get("color", 0)
    r, g, b = (colour >> 16) & 255, (colour >> 8) & 255, colour & 255
    if min(r, g, b) < 240:
        return False
    # White text is only visible on a dark background: look for a dark fill under it.
    box = pymupdf.Rect(span["bbox"])
    centre = pymupdf.Point((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
    return not any(rect.contains(centre) and lum < 0.6 for rect, lum in (page_fills or []))


def _page_fills(page: pymupdf.Page) -> list[tuple[pymupdf.Rect, float]]:
    fills = []
    for drawing in page.get_drawings():
        fill = drawing.get("fill")
        if fill:
            lum = 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2] if len(fill) >= 3 else fill[0]
            fills.append((pymupdf.Rect(drawing["rect"]), lum))
    return fills


@dataclass
class _PageText:
    """A page's text sorted by where it goes."""

    main: list[_Line] = field(default_factory=list)
    edge: list[_Line] = field(default_factory=list)
    hidden: list[_Line] = field(default_factory=list)
    #: boxes of invisible text that is not an image's text layer: removed whole
    invisible: list[Loc] = field(default_factory=list)
    #: boxes of image text-layer characters (padded): our own OCR of those images skips these words
    layer: list[tuple[float, float, float, float]] = field(default_factory=list)


def _page_lines(page: pymupdf.Page) -> _PageText:
    """The page's lines sorted into main flow, header/footer zone, hidden text; invisible boxes.

    Text over (or under) a raster image - invisible text laid on a scan by an OCR program (render mode
    3, what Tesseract, ABBYY, Acrobat and every scanner write), or text an image covers - is that
    image's text: it is read as ordinary page text, so detection decides which of its words identify
    someone, and only those words are removed (their text and the pixels under their boxes). Invisible
    text that lies on no image (white on white, tiny, transparent, off the page) stays hidden text and
    is removed whole.
    """
    flags = (pymupdf.TEXTFLAGS_RAWDICT & ~pymupdf.TEXT_MEDIABOX_CLIP) | pymupdf.TEXT_PRESERVE_WHITESPACE
    # INFINITE_RECT: text placed outside the page is still in the file, and must be found too.
    data = page.get_text("rawdict", flags=flags, clip=pymupdf.INFINITE_RECT())
    height = page.rect.height or 1.0
    visible_area = unrotated_area(page)  # text and image boxes are unrotated, page.rect is not
    image_boxes = [pymupdf.Rect(info["bbox"]) & visible_area for info in page.get_image_info()]
    image_boxes = [b for b in image_boxes if not b.is_empty]
    fills: list[tuple[pymupdf.Rect, float]] | None = None
    outlines: Outlines | None = None
    out = _PageText()
    for block_no, block in enumerate(data["blocks"]):
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            visible_chars: list[tuple[str, Loc]] = []
            glyph_boxes: list[tuple[float, float, float, float]] = []  # before any layer padding
            hidden_chars: list[tuple[str, Loc]] = []
            for span in line["spans"]:
                if fills is None and min((span.get("color", 0) >> s) & 255 for s in (16, 8, 0)) >= 240:
                    fills = _page_fills(page)
                box = pymupdf.Rect(span["bbox"])
                on_page = box.intersects(visible_area)
                is_invisible = _span_is_invisible(span, fills) or not on_page
                on_picture = on_page and bool(image_boxes) and on_image(box, image_boxes)
                if is_invisible and on_page and not on_picture:
                    if outlines is None:
                        outlines = Outlines(page)
                    on_picture = outlines.cover(box)
                if on_picture:
                    word_chars = layer_chars(span["chars"], padded=is_invisible)
                    for (ch, char_box), glyph in zip(word_chars, span["chars"], strict=True):
                        visible_chars.append((ch, (page.number, *char_box)))
                        glyph_boxes.append(tuple(glyph["bbox"]))
                        out.layer.append(char_box)
                    continue
                target = hidden_chars if is_invisible else visible_chars
                if target is hidden_chars and visible_chars and not visible_chars[-1][0].isspace():
                    # the line's visible text goes on after this hidden span: not glued to it
                    # ("dell" + hidden "'" + "impresa" is two words, not "dellimpresa")
                    visible_chars.append((" ", (page.number, *span["bbox"])))
                    glyph_boxes.append(tuple(span["bbox"]))
                for ch in span["chars"]:
                    x0, y0, x1, y1 = ch["bbox"]
                    target.append((ch["c"], (page.number, x0, y0, x1, y1)))
                    if target is visible_chars:
                        glyph_boxes.append((x0, y0, x1, y1))
                if is_invisible and span["chars"]:
                    out.invisible.append((page.number, *span["bbox"]))
            visible_chars = unspace_letters(visible_chars, glyph_boxes)
            for chars, bucket in ((visible_chars, None), (hidden_chars, out.hidden)):
                if not chars or not "".join(c for c, _ in chars).strip():
                    continue
                xs = [loc[1] for _, loc in chars] + [loc[3] for _, loc in chars]
                ys = [loc[2] for _, loc in chars] + [loc[4] for _, loc in chars]
                item = _Line(chars, (min(xs), min(ys), max(xs), max(ys)), block_no)
                if bucket is None:
                    middle = (item.bbox[1] + item.bbox[3]) / 2
                    edge = middle < EDGE_ZONE * height or middle > (1 - EDGE_ZONE) * height
                    bucket = out.edge if edge else out.main
                bucket.append(item)
    return out


def _emit_lines(builder: _Builder, lines: list[_Line], prev: _Line | None, keep_lines: bool = False) -> _Line | None:
    """Writes lines with the joining rules described in the module docstring."""
    for line in lines:
        if prev is not None:
            same_row = _overlap(prev.bbox, line.bbox) > 0.5 and line.bbox[0] >= prev.bbox[2] - 1
            first = line.chars[0][0]
            gap = line.bbox[0] - prev.bbox[2]
            if same_row:
                # cells of one table row: a visible gap between them is a cell boundary
                height = max(1.0, prev.bbox[3] - prev.bbox[1])
                builder.add("\t" if gap > 0.3 * height else " ")
            elif line.bbox[3] <= prev.bbox[1] + 1 and line.bbox[0] > prev.bbox[0]:
                builder.add("\t")  # back up and to the right: the next cell of a row with wrapped cells
            elif line.block == prev.block and not keep_lines:
                if builder.last() == "-" and first.isalpha() and len(builder) > 1 and builder.chars[-2].isalpha():
                    # "Mor-" + "ris" is one word; "HPC-" + "related" is a compound of an acronym, and
                    # stays one (verification reads "HPC" in it as a word of its own)
                    if first.islower() and builder.chars[-2].islower():
                        builder.drop_last()  # "Mor-" + "ris": a word hyphenated at the line end
                        builder.hyphen_joins.append(len(builder))
                else:
                    builder.add(" ")
            else:
                builder.add("\n")
        for ch, loc in line.chars:
            builder.add_char(ch, loc)
        prev = line
    return prev


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Vertical overlap of two boxes as a share of the smaller height."""
    top, bottom = max(a[1], b[1]), min(a[3], b[3])
    smaller = min(a[3] - a[1], b[3] - b[1]) or 1.0
    return max(0.0, bottom - top) / smaller


def _side_channels(doc: pymupdf.Document, builder: _Builder) -> None:
    """Metadata, XMP, outline, annotations, forms, links, embedded files, page labels."""
    for key, value in sorted((doc.metadata or {}).items()):
        if isinstance(value, str) and key not in ("format", "encryption", "creationDate", "modDate"):
            builder.piece("metadata", value, ref=f"meta:{key}")
    xmp = doc.get_xml_metadata() or ""
    if xmp:
        builder.piece("metadata", re.sub(r"<[^>]+>", " ", xmp), ref="xmp")
    for index, entry in enumerate(doc.get_toc(simple=True)):
        builder.piece("outline", entry[1], ref=f"toc:{index}")
    for page in doc:
        for xref, key, value in annotation_strings(page, ("T", "Subj", "Contents")):
            builder.piece("annotation", value, page.number, f"annot:{xref}:{key}")
        for widget in page.widgets() or []:
            for value in (widget.field_name, widget.field_label, widget.field_value):
                builder.piece("form", str(value or ""), page.number, f"widget:{widget.xref}")
        for link in page.get_links():
            for key in ("uri", "file"):
                builder.piece("link", str(link.get(key) or ""), page.number, f"link:{key}")
    for name in doc.embfile_names():
        info = doc.embfile_info(name)
        for value in (name, info.get("filename"), info.get("ufilename"), info.get("desc")):
            builder.piece("embedded", str(value or ""), ref=f"embedded:{name}")
    _structure_text(doc, builder)
    try:
        labels = doc.get_page_labels()
    except Exception:  # noqa: BLE001 - a malformed label tree must not stop extraction
        labels = []
    for index, label in enumerate(labels or []):
        builder.piece("metadata", str(label.get("prefix") or ""), ref=f"pagelabel:{index}")


def _structure_text(doc: pymupdf.Document, builder: _Builder) -> None:
    """A figure's alternative text ("Photograph of ..."), a span's replacement text, an abbreviation's
    expansion, an element's title: read aloud by screen readers, so read by detection too."""
    for xref, key, value in structure_strings(doc):
        builder.piece("metadata", value, ref=f"struct:{xref}:{key}")
