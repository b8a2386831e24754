"""Text laid over pictures: which invisible text is the text layer of an image or of text drawn as
outlines, the boxes its words cover, and letter-spaced text read as words.

An OCR program (Tesseract, ABBYY, Acrobat, every scanner) writes a scan's words as invisible text over
the page image; browsers and design tools print text as paths with invisible text over them. That
text is what the picture says: the extractor reads it as page text (detection decides which words
identify someone) and removing a word must remove the pixels or outlines under it, which is why its
boxes are grown to the whole word.
"""

from __future__ import annotations

import re

import pymupdf

Loc = tuple[int, float, float, float, float]  # page, x0, y0, x1, y1


# An invisible span this share of whose box lies on one image is that image's text layer (see
# _page_lines). Tesseract, ABBYY and Acrobat place each word's invisible text over the word's pixels.
LAYER_OVERLAP = 0.8
# An OCR layer's glyph boxes stop at the baseline (GlyphLessFont has no descender) and are often a little
# narrower than the word's pixels: each box is grown by these shares of its height, below, above and to
# the sides, so that removing a word removes all of its pixels ("y", "g" and "p" included).
LAYER_PAD_BELOW, LAYER_PAD_ABOVE, LAYER_PAD_SIDES = 0.4, 0.15, 0.1


# Invisible text whose box is this much covered by glyph-shaped paths is the text layer of text drawn
# as outlines (browsers and design tools print text as paths with invisible text over them).
OUTLINE_COVER = 0.3


class Outlines:
    """The page's filled paths made of curves and lines (glyph outlines, not boxes), by band."""

    BAND = 20.0

    def __init__(self, page: pymupdf.Page) -> None:
        self.bands: dict[int, list[tuple[float, float, float, float]]] = {}
        try:
            drawings = page.get_cdrawings()
        except Exception:  # noqa: BLE001 - unreadable vector content: nothing counts as outlines
            drawings = []
        for drawing in drawings:
            ops = {item[0] for item in drawing.get("items", ())}
            if drawing.get("type") not in ("f", "fs") or not ops & {"c", "l"}:
                continue
            x0, y0, x1, y1 = drawing["rect"]
            for band in range(int(y0 // self.BAND), int(y1 // self.BAND) + 1):
                self.bands.setdefault(band, []).append((x0, y0, x1, y1))

    def cover(self, box: pymupdf.Rect) -> bool:
        """Whether glyph-shaped paths cover enough of ``box`` to be the glyphs of its text."""
        area = box.width * box.height
        if area <= 0 or not self.bands:
            return False
        seen: set[tuple[float, float, float, float]] = set()
        covered = 0.0
        for band in range(int(box.y0 // self.BAND), int(box.y1 // self.BAND) + 1):
            for rect in self.bands.get(band, ()):
                if rect in seen:
                    continue
                seen.add(rect)
                width = min(box.x1, rect[2]) - max(box.x0, rect[0])
                height = min(box.y1, rect[3]) - max(box.y0, rect[1])
                if width > 0 and height > 0:
                    covered += width * height
        return covered >= OUTLINE_COVER * area


def on_image(box: pymupdf.Rect, image_boxes: list[pymupdf.Rect]) -> bool:
    """Whether the span box lies (mostly) on one raster image of the page."""
    area = box.width * box.height
    if area <= 0:
        return any(img.contains(box.tl) for img in image_boxes)
    for img in image_boxes:
        width = min(box.x1, img.x1) - max(box.x0, img.x0)
        height = min(box.y1, img.y1) - max(box.y0, img.y0)
        if width > 0 and height > 0 and width * height >= LAYER_OVERLAP * area:
            return True
    return False


def layer_box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    height = max(y1 - y0, 1.0)
    return (
        x0 - LAYER_PAD_SIDES * height,
        y0 - LAYER_PAD_ABOVE * height,
        x1 + LAYER_PAD_SIDES * height,
        y1 + LAYER_PAD_BELOW * height,
    )


def layer_chars(chars: list[dict], padded: bool) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The characters of an image's text layer, each with a box for its pixels.

    An OCR layer's glyphs are stretched to the word, not drawn over each letter, so every character of
    an invisible layer word gets the box of the whole word (up to the space after it), grown to cover
    descenders: removing any part of a word removes all of its pixels. Visible text under an image keeps
    its own glyph boxes."""
    if not padded:
        return [(ch["c"], tuple(ch["bbox"])) for ch in chars]
    out: list[tuple[str, tuple[float, float, float, float]]] = []
    word: list[dict] = []

    def close(space: dict | None) -> None:
        if not word:
            return
        x1 = space["bbox"][2] if space is not None else word[-1]["bbox"][2]
        x1 = max(x1, word[-1]["bbox"][2])
        box = layer_box(
            word[0]["bbox"][0],
            min(c["bbox"][1] for c in word),
            x1,
            max(c["bbox"][3] for c in word),
        )
        out.extend((c["c"], box) for c in word)
        word.clear()

    for ch in chars:
        if ch["c"].isspace():
            close(ch)
            out.append((ch["c"], tuple(ch["bbox"])))
        else:
            word.append(ch)
    close(None)
    return out


# A run of at least this many single letters, each followed by one space, may be letter-spaced text.
LETTER_RUN = 4
# In letter-spaced text a word gap is wider than this many letter gaps.
WORD_GAP_FACTOR = 2.0


def unspace_letters(
    chars: list[tuple[str, Loc]], glyphs: list[tuple[float, float, float, float]]
) -> list[tuple[str, Loc]]:
    """Letter-spaced text ("C A R L O S  G A R C I A", a title page's name) read as words: the spaces
    between its letters are dropped, those at a gap clearly wider than the letter gaps kept. A reader
    reads the name; detection must too (the second parser and the raw pass already do)."""
    if len(chars) < 2 * LETTER_RUN - 1:
        return chars
    text = "".join(c for c, _ in chars)
    drop: set[int] = set()
    for run in re.finditer(r"(?:(?<=\s)|^)(?:\w )+\w(?=\s|$)", text):
        letters = list(range(run.start(), run.end(), 2))
        if len(letters) < LETTER_RUN:
            continue
        gaps = [glyphs[b][0] - glyphs[a][2] for a, b in zip(letters, letters[1:], strict=False)]
        letter_gap = sorted(gaps)[len(gaps) // 2]
        height = max(glyphs[letters[0]][3] - glyphs[letters[0]][1], 1.0)
        if letter_gap <= 0.05 * height:
            continue  # single-letter words set normally ("a I a"), not letter spacing
        drop.update(a + 1 for a, gap in zip(letters, gaps, strict=False) if gap <= WORD_GAP_FACTOR * letter_gap)
    return [c for i, c in enumerate(chars) if i not in drop] if drop else chars
