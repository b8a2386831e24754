"""Verification: prove that nothing redacted survives anywhere in an output PDF.

This module deliberately shares nothing with rendering except the matching rules (``textmatch``): it
reopens the output from its bytes and re-extracts every place a PDF can carry text - page text
(invisible, white, tiny and off-page text included), metadata and XMP, outline, annotations, form
fields, links, embedded files, page labels, optional-content layer names, every string in every PDF
object and textual stream (old incremental revisions and orphaned objects included), the page text as
read by a second, independent parser (pypdf), and OCR of the raster images that remain. If any
forbidden text (or a variant: case, possessive, line break, hyphenation) is found, it raises
:class:`VerificationFailed`. A renderer bug then stops publication instead of publishing a child's name.

Error messages and reports name channels and categories, never the forbidden text: they end up in logs.
"""

from __future__ import annotations

import glob
import os
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pymupdf

from redaction import textmatch
from redaction.errors import VerificationFailed
from redaction.pdf_strings import GUESSED_GAP, annotation_strings, bytes_text, page_text, raw_strings
from redaction.pdf_strings import TEXT_FLAGS as _TEXT_FLAGS
from redaction.second_parser import PAGE_SEPARATOR as _SEPARATOR
from redaction.second_parser import PypdfJob
from redaction.textmatch import SEPARATOR_CHAR

#: (channel, item key, 0-based page or None) of one surviving item
Found = tuple[str, str, int | None]

#: Channels in the order they are reported.
CHANNELS = (
    "body",
    "body_pypdf",
    "image",
    "metadata",
    "xmp",
    "outline",
    "annotation",
    "form",
    "link",
    "embedded",
    "page_label",
    "layer",
    "raw",
    "revision",
)

# A forbidden item shorter than this (after normalisation) is not searched. A single character - an
# initial such as "K", "J." - occurs word-bounded in almost every document ("a", "I", list markers, the
# "K" of the pseudonym "Child K" that must be kept), so checking it would fail every output, while on
# its own it identifies nobody. The engine still redacts such items where it found them.
MIN_ITEM_CHARS = 2

# Only images bigger than this (in pixels, both sides) are OCR'd: smaller ones are icons, rules and
# bullets, too small to carry a legible name, and OCR costs ~0.1-1 s per image.
MIN_OCR_PIXELS = 50

# Where Debian/Ubuntu, Fedora, Homebrew and source builds put Tesseract's language data.
TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tesseract-ocr/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)


@dataclass(frozen=True)
class VerificationReport:
    """What a passing verification looked at. Holds counts and names only, never document text."""

    channels_checked: tuple[str, ...]
    items_checked: int
    ocr_available: bool
    pages: int
    #: forbidden items too short to check (see MIN_ITEM_CHARS)
    items_skipped: int = 0
    #: pages whose remaining raster images were OCR'd and checked
    ocr_pages: int = 0
    #: pages with raster images that could NOT be OCR'd (OCR off or unavailable): a human must look
    unread_image_pages: int = 0
    #: non-fatal problems (e.g. the second parser failed); the caller decides whether to flag review
    warnings: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return self.unread_image_pages > 0 or bool(self.warnings)


# ---------------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------------
def verify_pdf(
    pdf: bytes,
    forbidden: Iterable[tuple[str, str]],
    *,
    ocr: bool = True,
    tessdata: str | None = None,
    second_parser: bool = True,
    allowed: Iterable[str] = (),
    pypdf_job: PypdfJob | None = None,
) -> VerificationReport:
    """Check every channel of ``pdf`` for the ``(text, category)`` pairs in ``forbidden``.

    ``allowed`` are phrases the engine deliberately kept that may contain a forbidden item: an agency
    name such as "Mercia Fields Police" when "Mercia Fields" was redacted elsewhere. Occurrences of a
    forbidden item inside an allowed phrase are not failures; everywhere else they are. An allowed
    phrase that is itself forbidden is ignored (forbidden wins).

    ``tessdata`` is Tesseract's language-data directory; None looks in the usual places
    (:func:`find_tessdata`). ``second_parser=False`` skips pypdf (for unit tests of other channels).
    ``pypdf_job`` is a second-parser process the caller started earlier (its start-up then overlaps the
    rendering); verification sends it the PDF and always closes it.
    Raises VerificationFailed if anything survives or the output cannot be read.
    """
    # Start the independent parser first: it runs in its own process, on the other core, while this
    # process compiles the patterns and extracts everything else.
    if pypdf_job is None and second_parser:
        pypdf_job = PypdfJob()
    if pypdf_job is not None:
        pypdf_job.send(pdf)
    try:
        matcher = _Matcher(forbidden, allowed)
        try:
            doc = pymupdf.open(stream=pdf, filetype="pdf")
        except Exception:  # noqa: BLE001 - an unreadable output can never be called clean
            raise VerificationFailed("the output PDF cannot be opened for verification") from None
        try:
            found, checked, ocr_info = _scan_document(doc, pdf, matcher, ocr=ocr, tessdata=tessdata)
            pages = doc.page_count
        finally:
            doc.close()
        warnings: list[str] = list(ocr_info[3])
        if pypdf_job is not None:
            text, problem = pypdf_job.result()
            if problem:
                warnings.append(problem)
            if text:
                for number, page_text_ in enumerate(text.split(_SEPARATOR)):
                    found |= matcher.scan("body_pypdf", page_text_, number)
                checked.append("body_pypdf")
        else:
            warnings.append("second parser (pypdf) was not run")
    finally:
        if pypdf_job is not None:
            pypdf_job.close()
    _raise_if_found(found, matcher)
    return VerificationReport(
        channels_checked=tuple(c for c in CHANNELS if c in checked),
        items_checked=matcher.item_count,
        ocr_available=ocr_info[0],
        pages=pages,
        items_skipped=matcher.skipped,
        ocr_pages=ocr_info[1],
        unread_image_pages=ocr_info[2],
        warnings=tuple(warnings),
    )


def verify_text(text: str, forbidden: Iterable[tuple[str, str]], *, allowed: Iterable[str] = ()) -> VerificationReport:
    """The same check for plain-text output (one channel, ``body``)."""
    matcher = _Matcher(forbidden, allowed)
    _raise_if_found(matcher.scan("body", text), matcher)
    return VerificationReport(
        channels_checked=("body",),
        items_checked=matcher.item_count,
        ocr_available=False,
        pages=0,
        items_skipped=matcher.skipped,
    )


def find_tessdata(candidates: Iterable[str] = TESSDATA_CANDIDATES) -> str | None:
    """The first directory holding Tesseract's English model, or None (then OCR is unavailable)."""
    for pattern in candidates:
        for path in sorted(glob.glob(pattern), reverse=True):  # newest version first
            if os.path.isfile(os.path.join(path, "eng.traineddata")):
                return path
    return None


# ---------------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------------
class _Matcher:
    """All forbidden items as ONE trie-shaped regex, plus a key table to name what matched."""

    def __init__(self, forbidden: Iterable[tuple[str, str]], allowed: Iterable[str] = ()) -> None:
        self.categories: dict[str, str] = {}
        items: list[str] = []
        skipped: set[str] = set()
        for text, category in forbidden:
            key = textmatch.match_key(text)
            if len(key) < MIN_ITEM_CHARS:
                skipped.add(key)
                continue
            if key not in self.categories:
                self.categories[key] = category
                items.append(text)
        self.item_count = len(items)
        self.skipped = len(skipped - {""})
        self.patterns = textmatch.patterns(items)
        self.allowed = textmatch.combined_pattern(a for a in allowed if textmatch.match_key(a) not in self.categories)

    def scan(
        self, channel: str, text: str, page: int | None = None, *, read_joined: Callable[[str], bool] | None = None
    ) -> set[Found]:
        """(channel, item key, page) for every item found in either reading of ``text``.

        ``read_joined`` (raw content-stream text only): whether page extraction read a word as one word.
        A match whose word bound is only a GUESSED_GAP, with a letter or digit beyond it, is a survivor
        unless extraction, which knows where the glyphs are, read the whole run joined (see
        :func:`_guessed_runs`)."""
        found: set[Found] = set()
        if not self.patterns or not text:
            return found
        for reading in _readings(text):
            if self.allowed is not None:
                # Blank kept phrases out; SEPARATOR_CHAR is neither a word character nor whitespace, so a
                # forbidden match can neither start inside one nor run through one.
                reading = self.allowed.sub(lambda m: SEPARATOR_CHAR * len(m.group(0)), reading)
            for pattern in self.patterns:
                for match in pattern.finditer(reading):
                    if read_joined is not None:
                        runs = _guessed_runs(reading, match.start(), match.end())
                        if any(read_joined(run) for run in runs):
                            continue
                    keys = self._keys_in(reading, match.start(), match.end()) or {_UNKNOWN_KEY}
                    found.update((channel, key, page) for key in keys)
        return found

    def _keys_in(self, text: str, start: int, end: int) -> set[str]:
        """Every item inside a match: "Tyler Morris" also contains the items "Tyler" and "Morris"."""
        starts = [start] + [
            i for i in range(start + 1, end) if not textmatch.is_word_char(text[i - 1]) and not text[i].isspace()
        ]
        ends = [
            j for j in range(start + 1, end) if not textmatch.is_word_char(text[j]) and not text[j - 1].isspace()
        ] + [end]
        keys = set()
        for i in starts:
            for j in ends:
                if j > i:
                    key = textmatch.match_key(text[i:j])
                    if key in self.categories:
                        keys.add(key)
        return keys


# Not a possible item key (keys have no whitespace): marks "the file keeps an earlier revision".
_REVISION_KEY = " revision"
_UNKNOWN_KEY = " unknown"


def _readings(text: str) -> tuple[str, ...]:
    """textmatch's readings, plus one with underscores as spaces: "_" is a word character, so
    "tyler_morris" (a file name, a handle in a URL) would otherwise hide both names from the
    word-bounded patterns."""
    found = textmatch.readings(text)
    if "_" in text:
        found += tuple(reading.replace("_", " ") for reading in found)
    return found


def _guessed_runs(text: str, start: int, end: int) -> list[str]:
    """The word runs a match would belong to if a bound of it is only a guessed gap: "PyMuPDF" for
    "MuPDF" in "Py\u1680MuPDF"; "crystal48" for "crystal" in "larger\u1680crystal\u168048" (each side on
    its own: one bound that is no break is enough to make the match no word). None for a bound that is
    real (whitespace or punctuation the document holds, or the end of the text)."""
    runs = []
    if start >= 2 and text[start - 1] == GUESSED_GAP and textmatch.is_word_char(text[start - 2]):
        left = start - 1
        while left > 0 and textmatch.is_word_char(text[left - 1]):
            left -= 1
        runs.append(text[left:end].replace(GUESSED_GAP, ""))
    if end + 1 < len(text) and text[end] == GUESSED_GAP and textmatch.is_word_char(text[end + 1]):
        right = end + 1
        while right < len(text) and textmatch.is_word_char(text[right]):
            right += 1
        runs.append(text[start:right].replace(GUESSED_GAP, ""))
    return runs


class _JoinedReader:
    """Whether page extraction read a run of glyphs as one word somewhere in the document.

    The raw pass reads content streams without their geometry, so it cannot tell "(Py) Tj 297 0 Td
    (MuPDF) Tj" (one word, "PyMuPDF", drawn in two pieces) from "(Dear) Tj 20 0 Td (Tyler) Tj" (two
    words). Extraction places every glyph: if it read the run joined, the break was never there. A run
    it did not read joined (glyphs it did not see at all, or saw apart) stays a survivor."""

    def __init__(self, page_texts: Iterable[str]) -> None:
        self.text = SEPARATOR_CHAR.join(r for t in page_texts for r in textmatch.readings(t))
        self.known: dict[str, bool] = {}

    def __call__(self, run: str) -> bool:
        if run not in self.known:
            self.known[run] = bool(textmatch.variant_pattern(run).search(self.text))
        return self.known[run]


def _raise_if_found(found: set[Found], matcher: _Matcher) -> None:
    if not found:
        return
    categories = {**matcher.categories, _REVISION_KEY: "EARLIER_REVISION", _UNKNOWN_KEY: "UNKNOWN"}
    survivors = sorted({(channel, key) for channel, key, _ in found})
    survivors = sorted((channel, categories[key]) for channel, key in survivors)
    locations = sorted(
        {(channel, page, categories[key]) for channel, key, page in found},
        key=lambda loc: (CHANNELS.index(loc[0]), -1 if loc[1] is None else loc[1], loc[2]),
    )
    items = {key for channel, key, _ in found if key != _REVISION_KEY}
    channels = sorted({channel for channel, key, _ in found if key != _REVISION_KEY}, key=CHANNELS.index)
    problems = []
    if items:
        noun = "item survives" if len(items) == 1 else "items survive"
        problems.append(f"{len(items)} redacted {noun} in the output (channels: {', '.join(channels)})")
    if ("revision", _REVISION_KEY, None) in found:
        problems.append("the output keeps an earlier revision of the document (incremental update)")
    raise VerificationFailed("; ".join(problems), survivors=survivors, locations=locations)


# ---------------------------------------------------------------------------------------------------
# Extraction with PyMuPDF
# ---------------------------------------------------------------------------------------------------
def _scan_document(
    doc: pymupdf.Document, pdf: bytes, matcher: _Matcher, *, ocr: bool, tessdata: str | None
) -> tuple[set[Found], list[str], OcrOutcome]:
    found: set[Found] = set()
    checked: list[str] = []

    def check(channel: str, parts: Iterable[str]) -> None:
        found.update(matcher.scan(channel, _SEPARATOR.join(p for p in parts if p)))
        checked.append(channel)

    def check_pages(channel: str, parts: Iterable[tuple[int, str]]) -> None:
        by_page: dict[int, list[str]] = {}
        for number, part in parts:
            if part:
                by_page.setdefault(number, []).append(part)
        for number, texts in by_page.items():
            found.update(matcher.scan(channel, _SEPARATOR.join(texts), number))
        checked.append(channel)

    raw_parts, uses_actual_text = raw_strings(doc, pdf)
    layers_on = _all_layers_on(doc)
    try:
        body = list(_page_texts(layers_on, ignore_actual_text=uses_actual_text))
    finally:
        if layers_on is not doc:
            layers_on.close()
    found.update(
        matcher.scan("raw", _SEPARATOR.join(p for p in raw_parts if p), read_joined=_JoinedReader(t for _, t in body))
    )
    checked.append("raw")
    check_pages("body", body)
    check("metadata", [v for v in (doc.metadata or {}).values() if isinstance(v, str)])
    check("xmp", [doc.get_xml_metadata() or ""])
    check("outline", [str(entry[1]) for entry in doc.get_toc(simple=True)])
    annotations, forms, links = _page_objects(doc)
    check_pages("annotation", annotations)
    check_pages("form", forms)
    check_pages("link", links)
    check("embedded", _embedded_files(doc))
    check("page_label", [str(rule.get("prefix") or "") for rule in doc.get_page_labels()])
    check("layer", _layer_names(doc))
    # An incremental update keeps the previous revision - the unredacted document, images included -
    # readable by anyone who truncates the file. Rendering always writes a fresh file, so any earlier
    # revision in the output is a failure whether or not a forbidden string is visible in it.
    checked.append("revision")
    if doc.version_count > 1:
        found.add(("revision", _REVISION_KEY, None))
    ocr_info = _ocr_images(doc, matcher, found, checked, ocr=ocr, tessdata=tessdata)
    return found, checked, ocr_info


def _all_layers_on(doc: pymupdf.Document) -> pymupdf.Document:
    """The document with every optional-content layer visible.

    PyMuPDF pitfall: get_text() silently skips content in layers that are OFF, so a name in a hidden
    layer is invisible to extraction (pypdf and the raw pass still see it). Document.set_layer()
    only takes effect after a reload, hence the in-memory round trip - paid only by files with layers.
    """
    ocgs = doc.get_ocgs()
    if not ocgs:
        return doc
    try:
        doc.set_layer(-1, on=list(ocgs), off=[])
        return pymupdf.open(stream=doc.tobytes(), filetype="pdf")
    except Exception:  # noqa: BLE001 - a broken layer config: raw strings and pypdf still cover it
        return doc


def _page_texts(doc: pymupdf.Document, *, ignore_actual_text: bool) -> Iterator[tuple[int, str]]:
    """All page text: no clipping to the page (text off the visible area is still in the file), no
    filtering by colour or size (white and 1pt text are read like any other)."""
    for page in doc:
        yield page.number, page_text(page)
        # /ActualText replaces the glyphs' text on extraction: a span can *show* a name while claiming
        # to say something else. Read the glyphs as well when the file uses it.
        if ignore_actual_text:
            yield page.number, page_text(page, pymupdf.TEXT_IGNORE_ACTUALTEXT)


def _page_objects(
    doc: pymupdf.Document,
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str]]]:
    """(page, text) of every annotation, form field and link."""
    annotations: list[tuple[int, str]] = []
    forms: list[tuple[int, str]] = []
    links: list[tuple[int, str]] = []
    for page in doc:
        n = page.number
        annotations += [(n, value) for _, _, value in annotation_strings(page)]
        try:
            for annot in page.annots() or []:
                if annot.type[0] == pymupdf.PDF_ANNOT_FILE_ATTACHMENT:
                    info = annot.file_info or {}
                    annotations += [(n, str(info.get(k) or "")) for k in ("filename", "description", "desc")]
                    annotations.append((n, bytes_text(annot.get_file())))
        except Exception:  # noqa: BLE001 - an annotation PyMuPDF cannot load: the raw pass reads its file
            pass
        for widget in page.widgets() or []:
            forms += [
                (n, str(getattr(widget, key) or ""))
                for key in ("field_name", "field_value", "field_label", "button_caption")
            ]
            forms += [(n, str(v)) for v in (widget.choice_values or [])]
        for link in page.get_links():
            for key in ("uri", "file", "nameddest"):
                value = str(link.get(key) or "")
                # "?q=14%20Larch%20Close" and "/tyler+morris" name the family too.
                links += [(n, value), (n, urllib.parse.unquote_plus(value))]
    return annotations, forms, links


def _embedded_files(doc: pymupdf.Document) -> Iterator[str]:
    for name in doc.embfile_names():
        info = doc.embfile_info(name)
        yield name
        # "description" is the key PyMuPDF 1.26 returns; "desc" is the keyword embfile_add() takes.
        yield from (str(info.get(k) or "") for k in ("filename", "ufilename", "description", "desc"))
        yield bytes_text(doc.embfile_get(name))


def _layer_names(doc: pymupdf.Document) -> Iterator[str]:
    for ocg in (doc.get_ocgs() or {}).values():
        yield str(ocg.get("name") or "")
    for config in doc.layer_ui_configs() or ():
        yield str(config.get("text") or "")


#: (OCR available, pages OCR'd, pages with images left unread, warnings)
OcrOutcome = tuple[bool, int, int, tuple[str, ...]]


def _ocr_images(
    doc: pymupdf.Document,
    matcher: _Matcher,
    found: set[Found],
    checked: list[str],
    *,
    ocr: bool,
    tessdata: str | None,
) -> OcrOutcome:
    """OCR pages whose remaining raster images could hold legible text.

    Each image is read at its own resolution (``full=False``): an image whose pixels were blanked
    reads blank, while an image merely covered by a black rectangle still reads its text - exactly the
    failure to catch. A page that could not be read is a warning (a human must look), never skipped in
    silence.
    """
    pages = [
        page.number
        for page in doc
        if any(
            info.get("width", 0) > MIN_OCR_PIXELS and info.get("height", 0) > MIN_OCR_PIXELS
            for info in page.get_image_info()
        )
    ]
    tessdata = tessdata or (find_tessdata() if ocr else None)
    available = bool(ocr and tessdata)
    if not pages:
        return available, 0, 0, ()
    if not available:
        why = "OCR is off" if not ocr else "OCR is unavailable"
        return available, 0, len(pages), (f"images on {len(pages)} page(s) were not checked by OCR ({why})",)
    done = 0
    failed: list[int] = []
    for number in pages:
        page = doc.load_page(number)  # keep a reference: the textpage only holds a weak one
        try:
            textpage = page.get_textpage_ocr(flags=_TEXT_FLAGS, language="eng", full=False, tessdata=tessdata)
            text = textpage.extractText()
        except Exception:  # noqa: BLE001 - Tesseract missing from this MuPDF build, bad language data...
            failed.append(number)
            continue
        found.update(matcher.scan("image", text, number))
        done += 1
    if done:
        checked.append("image")
    warnings = tuple(f"OCR failed on the images of page {number + 1}" for number in failed)
    return available and not failed, done, len(failed), warnings


# ---------------------------------------------------------------------------------------------------
# The second parser: pypdf, in its own process
# ---------------------------------------------------------------------------------------------------
# Runs as ``python -I -c``. pypdf is pure Python and spends most of its time re-parsing each font's
# ToUnicode map on every page; the child memoises Font.from_font_resource per font object, which
# halves the time and is safe there because the process is ours alone and lives for one document.


__all__ = ["VerificationReport", "verify_pdf", "verify_text", "find_tessdata", "CHANNELS"]
