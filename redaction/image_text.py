"""Text in the raster images of a page, as lines of the detection text, and what a human must check.

The extractor (redaction.extract) adds these lines to the ``image`` channel; every character carries the
box its pixels are removed by. The rules that decide that box are here because they are the policy for
pictures: what is removed word by word, what is removed whole, and what is left for a human.
"""

from __future__ import annotations

from collections.abc import Sequence

import pymupdf

from redaction.ocr import MIN_IMAGE_HEIGHT, MIN_IMAGE_WIDTH, OcrEngine, OcrWord, unrotated_area

Loc = tuple[int, float, float, float, float]  # page, x0, y0, x1, y1
Box = tuple[float, float, float, float]
# One line of OCR text: its characters with their boxes, the line's box, a key that groups it.
OcrLine = tuple[list[tuple[str, Loc]], tuple[float, float, float, float], int]


# An image this share of the page or more is a scan of the page: its words are removed one by one, so a
# scanned report stays readable. A smaller image (a photographed form, a screenshot, a scanned letter set
# into the text) is removed whole as soon as it holds anything identifying: OCR of small pictures misses
# words, and one missed word in a picture that holds a name is the name.
SCAN_SHARE = 0.5
# Below this mean word confidence an image's text "could not be read": removed whole, and a human looks.
MIN_CONFIDENCE = 65.0
# An image with a text layer is "unreadable" only when our OCR finds at least this many words beyond the
# layer, read with too little confidence.
LAYER_STRAYS = 5


def read_page_images(
    page: pymupdf.Page,
    ocr: OcrEngine | None,
    has_text: bool,
    layer: Sequence[Box] = (),
    pictures: list[Loc] | None = None,
) -> tuple[list[OcrLine], list[str]]:
    """OCR text of the raster images on a page, as lines, and the reasons a human must look.

    ``layer`` are the boxes of the characters of the images' own text layer (an OCR program's invisible
    text, read as page text by the extractor): a word of ours on one of them is already in the
    detection text. The images are still read, so that a word the layer lacks (a stamp, a handwritten
    name, a word the scanner's OCR skipped) is still found.

    Every character of a small image's text maps to the WHOLE image, so any finding in it removes the
    picture; a page-sized scan's characters map to their word. An image that could not be read with
    confidence gets a marker line (it holds a digit, so it is always proposed) and a reason. The boxes of
    pictures removed whole are added to ``pictures`` (the render labels them "image removed").
    """
    area = unrotated_area(page)
    boxes = [pymupdf.Rect(info["bbox"]) & area for info in page.get_image_info()]
    if not any(b.width >= MIN_IMAGE_WIDTH and b.height >= MIN_IMAGE_HEIGHT for b in boxes):
        return [], []
    number = page.number + 1
    if ocr is None or not ocr.available:
        return [], [f"page {number}: images could not be checked for text (OCR unavailable)"]
    lines: list[OcrLine] = []
    problems: list[str] = []
    on_layer = _LayerIndex(layer) if layer else None
    page_area = max(page.rect.width * page.rect.height, 1.0)
    for index, reading in enumerate(ocr.read_images(page), start=1):
        whole = pymupdf.Rect(reading.box)
        scan = whole.width * whole.height >= SCAN_SHARE * page_area
        fresh = [w for w in reading.words if on_layer is None or not on_layer.covers(w.box)]
        by_line: dict[tuple[int, int, int], list[OcrWord]] = {}
        for word in fresh:
            by_line.setdefault(word.line, []).append(word)
        for key, group in by_line.items():
            boxes_of = [w.box if scan else reading.box for w in group]
            lines.append(_ocr_line(page.number, [w.text for w in group], boxes_of, hash((index, key))))
        if pictures is not None and not scan:
            pictures.append((page.number, *reading.box))
        if len(fresh) < len(reading.words):
            # The image has its own text layer, read as page text: only our words beyond it count, and
            # a few stray low-confidence ones (specks, a smudge) are removed one by one like any other.
            mean = sum(w.confidence for w in fresh) / len(fresh) if fresh else 100.0
            unreadable = len(fresh) >= LAYER_STRAYS and mean < MIN_CONFIDENCE
        else:
            unreadable = reading.error is not None or bool(reading.words and reading.confidence < MIN_CONFIDENCE)
        if unreadable:
            why = reading.error or "its text could not be read with confidence"
            problems.append(f"page {number}: image {index}: {why}; check it by eye")
            marker = f"[image-{number}-{index}-unread]"
            lines.append(_ocr_line(page.number, [marker], [reading.box], hash((index, "unread"))))
    if not lines and not has_text and not problems:
        problems.append(f"page {number}: image-only page with no readable text")
    return lines, problems


def _ocr_line(page_no: int, words: list[str], boxes: list[tuple[float, float, float, float]], key: int) -> OcrLine:
    """One line of OCR text; each character maps to the box given for its word (pixels go word by word,
    or picture by picture)."""
    chars: list[tuple[str, Loc]] = []
    for word, box in zip(words, boxes, strict=True):
        if chars:
            chars.append((" ", (page_no, *box)))
        chars.extend((ch, (page_no, *box)) for ch in word)
    xs = [b[0] for b in boxes] + [b[2] for b in boxes]
    ys = [b[1] for b in boxes] + [b[3] for b in boxes]
    return chars, (min(xs), min(ys), max(xs), max(ys)), key


class _LayerIndex:
    """The text layer's character boxes, bucketed by horizontal band, to ask "is this point on one"."""

    BAND = 20.0

    def __init__(self, boxes: Sequence[Box]) -> None:
        self.bands: dict[int, list[Box]] = {}
        for box in boxes:
            for band in range(int(box[1] // self.BAND), int(box[3] // self.BAND) + 1):
                self.bands.setdefault(band, []).append(box)

    def covers(self, box: Box) -> bool:
        """Whether the centre of an OCR word lies on a character of the layer."""
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in self.bands.get(int(y // self.BAND), ()))
