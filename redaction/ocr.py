"""OCR of raster images on a page, through PyMuPDF's Tesseract support.

Tesseract comes from Debian's ``tesseract-ocr`` package; its language data is found on disk, never
downloaded. When it is missing the engine still runs but marks image pages for human review.
"""

from __future__ import annotations

import glob
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass

import pymupdf

OCR_FONT = "GlyphLessFont"  # the font PyMuPDF gives to text recognised by Tesseract


@dataclass(frozen=True)
class OcrWord:
    text: str
    box: tuple[float, float, float, float]


def find_tessdata() -> str | None:
    """The tessdata folder holding eng.traineddata, if Tesseract is installed."""
    candidates = [os.environ.get("TESSDATA_PREFIX", "")]
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "eng.traineddata")):
            return folder
    return None


class OcrEngine:
    """Recognises words in the images of a page; positions are page coordinates."""

    def __init__(self, tessdata: str | None = None, dpi: int = 200) -> None:
        # Tesseract's OpenMP threads would fight the NER workers for the same cores (extraction and NER
        # run at once); one thread each is faster overall. Read by Tesseract when it starts.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        self.tessdata = tessdata or find_tessdata()
        self.dpi = dpi
        self.available = bool(self.tessdata) and shutil.which("tesseract") is not None

    def image_words(self, page: pymupdf.Page) -> dict[tuple[int, int], list[OcrWord]]:
        """OCR words of the page's images grouped by line (block, line), in reading order."""
        textpage = page.get_textpage_ocr(
            flags=pymupdf.TEXTFLAGS_DICT, language="eng", dpi=self.dpi, full=False, tessdata=self.tessdata
        )
        lines: dict[tuple[int, int], list[OcrWord]] = defaultdict(list)
        data = page.get_text("dict", textpage=textpage)
        for b, block in enumerate(data["blocks"]):
            for n, line in enumerate(block.get("lines", [])):
                for span in line["spans"]:
                    if span.get("font") != OCR_FONT:
                        continue
                    for word in span["text"].split():
                        lines[(b, n)].append(OcrWord(word, _word_box(span, word)))
        return dict(lines)


def _word_box(span: dict, word: str) -> tuple[float, float, float, float]:
    """Tesseract gives one span per word (with its leading space); its box is the word's box."""
    del word
    x0, y0, x1, y1 = span["bbox"]
    return (x0, y0, x1, y1)
