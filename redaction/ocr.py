"""OCR of the raster images on a page, one image at a time, with Tesseract.

Each image is rendered on its own, upscaled to an effective 300 dpi (a small, low-resolution screenshot
in a two-column page is read as well as a full-page scan), and given to the ``tesseract`` command through
pipes: the pixels of a draft never touch the disk. Where the first reading finds little, a second one at
450 dpi in sparse-text mode (speech bubbles, form fields, labels scattered over a photograph) is tried
and the more confident reading kept. Tesseract reports a confidence for every word, so the caller can
tell "no text" from "text that could not be read".

Tesseract comes from Debian's ``tesseract-ocr`` package; its language data is found on disk, never
downloaded. When it is missing the engine still runs but marks image pages for human review.
"""

from __future__ import annotations

import csv
import glob
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field

import pymupdf

# Images smaller than this (points, both sides) are icons, rules and bullets: too small for a legible name.
MIN_IMAGE_WIDTH, MIN_IMAGE_HEIGHT = 20, 8
FIRST_PASS = (300, 3)  # dpi, Tesseract page-segmentation mode (3: automatic)
SECOND_PASS = (450, 11)  # 11: sparse text, in no particular order
# A reading is good enough not to try again when it has this many words at this mean confidence.
ENOUGH_WORDS, GOOD_CONFIDENCE = 3, 80.0
TIMEOUT_SECONDS = 60
# At most this many pixels per rendering (one byte each, grey): a hostile PDF can declare an image box of
# any size, and 300 dpi over a 200-inch page would ask for gigabytes. Bigger boxes are read at a lower
# resolution, which reads less confidently and so fails closed (removed whole, a human looks).
MAX_PIXELS = 40_000_000


def unrotated_area(page: pymupdf.Page) -> pymupdf.Rect:
    """The page's area in the coordinates of its text and images. PyMuPDF gives those unrotated, but
    ``page.rect`` rotated: on a page turned by 90 degrees, clipping to ``page.rect`` cut off every image
    (and called every text) below the rotated height, so a logo there was never read."""
    return page.rect * page.derotation_matrix


def render_dpi(box: pymupdf.Rect, wanted: int) -> int:
    """The resolution to render ``box`` at: ``wanted``, lowered so the rendering stays under MAX_PIXELS."""
    area_in_square_inches = max(box.width * box.height, 1.0) / (72.0 * 72.0)
    return max(1, min(wanted, int((MAX_PIXELS / area_in_square_inches) ** 0.5)))


@dataclass(frozen=True)
class OcrWord:
    text: str
    box: tuple[float, float, float, float]  # page coordinates
    confidence: float = 100.0  # Tesseract's, 0-100
    line: tuple[int, int, int] = (0, 0, 0)  # Tesseract's (block, paragraph, line)


@dataclass(frozen=True)
class ImageReading:
    """What OCR made of one image: its place on the page, its words, or why it could not be read."""

    box: tuple[float, float, float, float]
    words: list[OcrWord] = field(default_factory=list)
    error: str | None = None

    @property
    def confidence(self) -> float:
        """Mean word confidence (100 when there are no words: nothing was misread)."""
        return sum(w.confidence for w in self.words) / len(self.words) if self.words else 100.0

    @property
    def weight(self) -> float:
        """How much trustworthy text the reading holds: the sum of its word confidences."""
        return sum(w.confidence for w in self.words)


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

    def __init__(self, tessdata: str | None = None) -> None:
        # Tesseract's OpenMP threads would fight the NER workers for the same cores (extraction and NER
        # run at once); one thread each is faster overall. Read by Tesseract when it starts.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        self.tessdata = tessdata or find_tessdata()
        self.available = bool(self.tessdata) and shutil.which("tesseract") is not None

    def read_images(self, page: pymupdf.Page) -> list[ImageReading]:
        """Every image on the page big enough to hold text, read on its own."""
        readings = []
        seen: set[tuple[int, int, int, int]] = set()
        area = unrotated_area(page)
        for info in page.get_image_info():
            box = pymupdf.Rect(info["bbox"]) & area
            key = (round(box.x0), round(box.y0), round(box.x1), round(box.y1))
            if box.width < MIN_IMAGE_WIDTH or box.height < MIN_IMAGE_HEIGHT or key in seen:
                continue
            seen.add(key)
            reading = self._read(page, box, *FIRST_PASS)
            if reading.error is None and (len(reading.words) < ENOUGH_WORDS or reading.confidence < GOOD_CONFIDENCE):
                second = self._read(page, box, *SECOND_PASS)
                if second.error is None and second.weight > reading.weight:
                    reading = second
            readings.append(reading)
        return readings

    def _read(self, page: pymupdf.Page, box: pymupdf.Rect, dpi: int, psm: int) -> ImageReading:
        place = (box.x0, box.y0, box.x1, box.y1)
        dpi = render_dpi(box, dpi)
        # rendered as the page is shown (a rotated page's text reads upright), then mapped back
        shown = box * page.rotation_matrix
        try:
            pixmap = page.get_pixmap(clip=shown, dpi=dpi, colorspace=pymupdf.csGRAY)
            png = pixmap.tobytes("png")
            result = subprocess.run(
                ["tesseract", "stdin", "stdout", "-l", "eng", "--psm", str(psm), "--dpi", str(dpi), "tsv"],
                input=png,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=True,
                env=self._environment(),
            )
        except subprocess.TimeoutExpired:
            return ImageReading(place, error="OCR timed out")
        except (subprocess.CalledProcessError, OSError, RuntimeError, ValueError) as exc:
            return ImageReading(place, error=f"OCR failed ({type(exc).__name__})")
        scale = 72.0 / dpi
        words = []
        rows = csv.DictReader(
            io.StringIO(result.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE
        )
        for row in rows:
            text = (row.get("text") or "").strip()
            if row.get("level") != "5" or not text or not any(ch.isalnum() for ch in text):
                continue
            try:
                confidence = float(row["conf"])
                left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
                line = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            except (KeyError, TypeError, ValueError):
                continue
            if confidence < 0:
                continue
            x0, y0 = shown.x0 + left * scale, shown.y0 + top * scale
            word = pymupdf.Rect(x0, y0, x0 + width * scale, y0 + height * scale) * page.derotation_matrix
            words.append(OcrWord(text, (word.x0, word.y0, word.x1, word.y1), confidence, line))
        return ImageReading(place, words)

    def _environment(self) -> dict[str, str]:
        """Only what Tesseract needs: its language data, one thread (see __init__), a PATH."""
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1"}
        if self.tessdata:
            environment["TESSDATA_PREFIX"] = self.tessdata
        return environment
