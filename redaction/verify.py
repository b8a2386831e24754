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

import codecs
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pymupdf

from redaction import textmatch
from redaction.errors import VerificationFailed

#: Channels in the order they are reported.
CHANNELS = (
    "body", "body_pypdf", "image", "metadata", "xmp", "outline", "annotation", "form", "link", "embedded",
    "page_label", "layer", "raw", "revision",
)

# A forbidden item shorter than this (after normalisation) is not searched. A single character - an
# initial such as "K", "J." - occurs word-bounded in almost every document ("a", "I", list markers, the
# "K" of the pseudonym "Child K" that must be kept), so checking it would fail every output, while on
# its own it identifies nobody. The engine still redacts such items where it found them.
MIN_ITEM_CHARS = 2

# Only images bigger than this (in pixels, both sides) are OCR'd: smaller ones are icons, rules and
# bullets, too small to carry a legible name, and OCR costs ~0.1-1 s per image.
MIN_OCR_PIXELS = 50

# Joins the parts of one channel. Not whitespace and not a word character, so a match cannot run from
# one part (a metadata field, a page) into the next.
_SEPARATOR = "\n\x1f\n"

# Where Debian/Ubuntu, Fedora, Homebrew and source builds put Tesseract's language data.
TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tesseract-ocr/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)

_TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_MEDIABOX_CLIP


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
) -> VerificationReport:
    """Check every channel of ``pdf`` for the ``(text, category)`` pairs in ``forbidden``.

    ``allowed`` are phrases the engine deliberately kept that may contain a forbidden item: an agency
    name such as "Mercia Fields Police" when "Mercia Fields" was redacted elsewhere. Occurrences of a
    forbidden item inside an allowed phrase are not failures; everywhere else they are. An allowed
    phrase that is itself forbidden is ignored (forbidden wins).

    ``tessdata`` is Tesseract's language-data directory; None looks in the usual places
    (:func:`find_tessdata`). ``second_parser=False`` skips pypdf (for unit tests of other channels).
    Raises VerificationFailed if anything survives or the output cannot be read.
    """
    # Start the independent parser first: it runs in its own process, on the other core, while this
    # process compiles the patterns and extracts everything else.
    pypdf_job = _PypdfJob(pdf) if second_parser else None
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
        warnings: list[str] = []
        if pypdf_job is not None:
            text, problem = pypdf_job.result()
            if problem:
                warnings.append(problem)
            if text:
                found |= matcher.scan("body_pypdf", text)
                checked.append("body_pypdf")
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


def verify_text(text: str, forbidden: Iterable[tuple[str, str]], *,
                allowed: Iterable[str] = ()) -> VerificationReport:
    """The same check for plain-text output (one channel, ``body``)."""
    matcher = _Matcher(forbidden, allowed)
    _raise_if_found(matcher.scan("body", text), matcher)
    return VerificationReport(channels_checked=("body",), items_checked=matcher.item_count,
                              ocr_available=False, pages=0, items_skipped=matcher.skipped)


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
        self.pattern = textmatch.combined_pattern(items)
        self.allowed = textmatch.combined_pattern(
            a for a in allowed if textmatch.match_key(a) not in self.categories)

    def scan(self, channel: str, text: str) -> set[tuple[str, str]]:
        """(channel, item key) for every item found in either reading of ``text``."""
        found: set[tuple[str, str]] = set()
        if self.pattern is None or not text:
            return found
        for reading in _readings(text):
            if self.allowed is not None:
                # Blank kept phrases out; \x1f is neither a word character nor whitespace, so a
                # forbidden match can neither start inside one nor run through one.
                reading = self.allowed.sub(lambda m: "\x1f" * len(m.group(0)), reading)
            for match in self.pattern.finditer(reading):
                keys = self._keys_in(reading, match.start(), match.end()) or {_UNKNOWN_KEY}
                found.update((channel, key) for key in keys)
        return found

    def _keys_in(self, text: str, start: int, end: int) -> set[str]:
        """Every item inside a match: "Tyler Morris" also contains the items "Tyler" and "Morris"."""
        starts = [start] + [i for i in range(start + 1, end)
                            if not textmatch.is_word_char(text[i - 1]) and not text[i].isspace()]
        ends = [j for j in range(start + 1, end)
                if not textmatch.is_word_char(text[j]) and not text[j - 1].isspace()] + [end]
        keys = set()
        for i in starts:
            for j in ends:
                if j > i:
                    key = re.sub(r"\s+", "", text[i:j]).lower()
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


def _raise_if_found(found: set[tuple[str, str]], matcher: _Matcher) -> None:
    if not found:
        return
    categories = {**matcher.categories, _REVISION_KEY: "EARLIER_REVISION", _UNKNOWN_KEY: "UNKNOWN"}
    survivors = sorted((channel, categories[key]) for channel, key in found)
    items = {key for channel, key in found if key != _REVISION_KEY}
    channels = sorted({channel for channel, key in found if key != _REVISION_KEY}, key=CHANNELS.index)
    problems = []
    if items:
        noun = "item survives" if len(items) == 1 else "items survive"
        problems.append(f"{len(items)} redacted {noun} in the output (channels: {', '.join(channels)})")
    if (("revision", _REVISION_KEY)) in found:
        problems.append("the output keeps an earlier revision of the document (incremental update)")
    raise VerificationFailed("; ".join(problems), survivors=survivors)


# ---------------------------------------------------------------------------------------------------
# Extraction with PyMuPDF
# ---------------------------------------------------------------------------------------------------
def _scan_document(
    doc: pymupdf.Document, pdf: bytes, matcher: _Matcher, *, ocr: bool, tessdata: str | None
) -> tuple[set[tuple[str, str]], list[str], tuple[bool, int, int]]:
    found: set[tuple[str, str]] = set()
    checked: list[str] = []

    def check(channel: str, parts: Iterable[str]) -> None:
        found.update(matcher.scan(channel, _SEPARATOR.join(p for p in parts if p)))
        checked.append(channel)

    raw_parts, uses_actual_text = _raw_strings(doc, pdf)
    check("raw", raw_parts)
    layers_on = _all_layers_on(doc)
    try:
        check("body", _page_texts(layers_on, ignore_actual_text=uses_actual_text))
    finally:
        if layers_on is not doc:
            layers_on.close()
    check("metadata", [v for v in (doc.metadata or {}).values() if isinstance(v, str)])
    check("xmp", [doc.get_xml_metadata() or ""])
    check("outline", [str(entry[1]) for entry in doc.get_toc(simple=True)])
    annotations, forms, links = _page_objects(doc)
    check("annotation", annotations)
    check("form", forms)
    check("link", links)
    check("embedded", _embedded_files(doc))
    check("page_label", [str(rule.get("prefix") or "") for rule in doc.get_page_labels()])
    check("layer", _layer_names(doc))
    # An incremental update keeps the previous revision - the unredacted document, images included -
    # readable by anyone who truncates the file. Rendering always writes a fresh file, so any earlier
    # revision in the output is a failure whether or not a forbidden string is visible in it.
    checked.append("revision")
    if doc.version_count > 1:
        found.add(("revision", _REVISION_KEY))
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


def _page_texts(doc: pymupdf.Document, *, ignore_actual_text: bool) -> Iterator[str]:
    """All page text: no clipping to the page (text off the visible area is still in the file), no
    filtering by colour or size (white and 1pt text are read like any other)."""
    for page in doc:
        yield _page_text(page)
        # /ActualText replaces the glyphs' text on extraction: a span can *show* a name while claiming
        # to say something else. Read the glyphs as well when the file uses it.
        if ignore_actual_text:
            yield _page_text(page, pymupdf.TEXT_IGNORE_ACTUALTEXT)


def _page_text(page: pymupdf.Page, extra_flags: int = 0) -> str:
    # PyMuPDF pitfall: clearing TEXT_MEDIABOX_CLIP is not enough, get_text() still clips to the page
    # rectangle unless it is given an infinite clip.
    return page.get_text("text", flags=_TEXT_FLAGS | extra_flags, clip=pymupdf.INFINITE_RECT())


def _page_objects(doc: pymupdf.Document) -> tuple[list[str], list[str], list[str]]:
    annotations: list[str] = []
    forms: list[str] = []
    links: list[str] = []
    for page in doc:
        for annot in page.annots() or []:
            annotations += [str(v) for v in (annot.info or {}).values() if v]
            if annot.type[0] == pymupdf.PDF_ANNOT_FILE_ATTACHMENT:
                info = annot.file_info or {}
                annotations += [str(info.get(k) or "") for k in ("filename", "description", "desc")]
                annotations.append(_bytes_text(annot.get_file()))
        for widget in page.widgets() or []:
            forms += [str(getattr(widget, key) or "")
                      for key in ("field_name", "field_value", "field_label", "button_caption")]
            forms += [str(v) for v in (widget.choice_values or [])]
        for link in page.get_links():
            for key in ("uri", "file", "nameddest"):
                value = str(link.get(key) or "")
                # "?q=14%20Larch%20Close" and "/tyler+morris" name the family too.
                links += [value, urllib.parse.unquote_plus(value)]
    return annotations, forms, links


def _embedded_files(doc: pymupdf.Document) -> Iterator[str]:
    for name in doc.embfile_names():
        info = doc.embfile_info(name)
        yield name
        # "description" is the key PyMuPDF 1.26 returns; "desc" is the keyword embfile_add() takes.
        yield from (str(info.get(k) or "") for k in ("filename", "ufilename", "description", "desc"))
        yield _bytes_text(doc.embfile_get(name))


def _layer_names(doc: pymupdf.Document) -> Iterator[str]:
    for ocg in (doc.get_ocgs() or {}).values():
        yield str(ocg.get("name") or "")
    for config in doc.layer_ui_configs() or ():
        yield str(config.get("text") or "")


def _bytes_text(data: bytes | None) -> str:
    """Text of an attached file: itself if textual, its page text if it is a PDF."""
    if not data:
        return ""
    if data[:1024].find(b"%PDF-") >= 0:
        try:
            with pymupdf.open(stream=data, filetype="pdf") as inner:
                return _SEPARATOR.join(_page_text(p) for p in inner)
        except Exception:  # noqa: BLE001 - an unreadable attachment is still scanned as bytes below
            pass
    return data.decode("utf-8", "replace") if _is_utf8(data[:4096]) else data.decode("latin-1")


# ---------------------------------------------------------------------------------------------------
# Raw PDF strings
# ---------------------------------------------------------------------------------------------------
_LITERAL = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]{2,})>")
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3}|\r\n|\r|\n)")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f",
            b"(": b"(", b")": b")", b"\\": b"\\"}
_TJ_ARRAY = re.compile(rb"\[((?:\\.|[^\]\\])*)\]\s*TJ", re.DOTALL)
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
# PDFDocEncoding differs from Latin-1 in 0x18-0x1F and 0x80-0x9F (ISO 32000-1, Annex D.2).
_PDFDOC = {
    0x18: "\u02d8", 0x19: "\u02c7", 0x1A: "\u02c6", 0x1B: "\u02d9", 0x1C: "\u02dd", 0x1D: "\u02db",
    0x1E: "\u02da", 0x1F: "\u02dc", 0x80: "\u2022", 0x81: "\u2020", 0x82: "\u2021", 0x83: "\u2026",
    0x84: "\u2014", 0x85: "\u2013", 0x86: "\u0192", 0x87: "\u2044", 0x88: "\u2039", 0x89: "\u203a",
    0x8A: "\u2212", 0x8B: "\u2030", 0x8C: "\u201e", 0x8D: "\u201c", 0x8E: "\u201d", 0x8F: "\u2018",
    0x90: "\u2019", 0x91: "\u201a", 0x92: "\u2122", 0x93: "\ufb01", 0x94: "\ufb02", 0x95: "\u0141",
    0x96: "\u0152", 0x97: "\u0160", 0x98: "\u0178", 0x99: "\u017d", 0x9A: "\u0131", 0x9B: "\u0142",
    0x9C: "\u0153", 0x9D: "\u0161", 0x9E: "\u017e", 0xA0: "\u20ac",
}
_PDFDOC_CHARS = "".join(_PDFDOC.get(b, chr(b)) for b in range(256))
_HIGH = re.compile(rb"[\x18-\x1f\x80-\xff]")
_NON_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Control characters in decoded strings: NUL is dropped (a UTF-16 string without its byte-order mark
# decodes as "\x00T\x00y..." and must still read "Ty..."), the others become spaces.
_CONTROL_TABLE = {0: None, **{c: " " for c in (*range(1, 9), 11, *range(14, 32), 127)}}
_PRINTABLE = bytes(range(32, 127)) + b"\t\n\r"


def _raw_strings(doc: pymupdf.Document, pdf: bytes) -> tuple[list[str], bool]:
    """Every string a PDF object or stream still holds, whether or not anything displays it.

    Returns (texts, whether any content stream uses /ActualText). Covers: every object of the current
    revision (dictionaries, arrays, the trailer), every decodable stream (content streams and form
    XObjects: their shown strings, TJ arrays joined; XML, JavaScript, embedded files: their whole
    text), and - read straight from the file bytes - objects and Flate streams that the current
    cross-reference table no longer points to (earlier revisions, orphans). Fonts, images and binary
    streams are skipped: their bytes would produce random matches.
    """
    parts: list[str] = []
    seen: set[bytes] = set()
    actual_text = False
    content_xrefs = {xref for page in doc for xref in page.get_contents()}
    for xref in range(1, doc.xref_length()):
        try:
            # ascii=True: non-ASCII string bytes come back as octal escapes, decoded exactly below.
            source = doc.xref_object(xref, compressed=True, ascii=True)
        except Exception:  # noqa: BLE001 - a broken object must not stop the rest of the check
            continue
        parts += _pdf_strings(source.encode("latin-1", "replace"))
        if not doc.xref_is_stream(xref) or _is_binary_kind(source):
            continue
        try:
            data = doc.xref_stream(xref) or b""
        except Exception:  # noqa: BLE001 - undecodable stream: the raw file pass below still sees it
            continue
        seen.add(hashlib.blake2b(data, digest_size=16).digest())
        whole = _is_whole_kind(source) or not (
            xref in content_xrefs or _is_content_kind(source) or _is_operator_kind(source)
            or _OPERATORS.search(data[:65536]))
        actual_text |= not whole and b"ActualText" in data
        parts += _stream_texts(data, whole=whole)
    try:
        trailer = doc.xref_object(-1, compressed=True, ascii=True)
        parts += _pdf_strings(trailer.encode("latin-1", "replace"))
    except Exception:  # noqa: BLE001
        pass
    parts += _file_level_strings(pdf, seen)
    return [p.translate(_CONTROL_TABLE) for p in parts if p], actual_text


def _file_level_strings(pdf: bytes, seen: set[bytes]) -> list[str]:
    """Strings in the file bytes themselves: objects outside streams (an old revision's Info dict or
    annotation) and Flate/unfiltered streams not already read through the current xref."""
    parts: list[str] = []
    outside: list[bytes] = []
    position = 0
    for start in _STREAM_START.finditer(pdf):
        if start.start() < position:
            continue
        end = pdf.find(b"endstream", start.end())
        end = len(pdf) if end < 0 else end
        head = pdf[max(position, start.start() - 2048):start.start()]
        head = head[head.rfind(b"obj") + 3:] if b"obj" in head else head
        outside.append(pdf[position:start.start()])
        position = end + len(b"endstream")
        body = pdf[start.end():end]
        source = head.decode("latin-1")
        if _is_binary_kind(source):
            continue
        filters = _FILTER.findall(source)
        if filters:
            if filters != ["FlateDecode"] or "/DecodeParms" in source:
                continue  # other filters and predictors: MuPDF decoded the current revision's already
            try:
                body = zlib.decompressobj().decompress(body)
            except zlib.error:
                continue
        if hashlib.blake2b(body, digest_size=16).digest() in seen or not _looks_textual(body):
            continue
        parts += _stream_texts(body, whole=_is_whole_kind(source))  # unknown kind: strings only
    outside.append(pdf[position:])
    parts += _pdf_strings(b" ".join(outside))
    return parts


def _stream_texts(data: bytes, *, whole: bool) -> list[str]:
    if not _looks_textual(data):
        return []
    if whole:
        # Not a content stream: scan the text itself (XML metadata, JavaScript, an attached .txt).
        return [_bytes_text(data)]
    # A content stream: only its strings (operators such as "Tf" or "BT" would match initials).
    # Strings of a TJ array are also joined, because kerning splits a word: [(Ty) -20 (ler)] TJ.
    parts = _pdf_strings(data, shown=True)
    if b"TJ" in data:
        parts += ["".join(_pdf_strings(m.group(1), shown=True)) for m in _TJ_ARRAY.finditer(data)]
    return parts


def _pdf_strings(source: bytes, *, shown: bool = False) -> list[str]:
    """Literal ``(...)`` and hex ``<...>`` strings, each decoded every plausible way.

    ``shown``: the strings come from a content stream, where they are in the font's encoding. Hex
    strings there are nearly always two-byte glyph ids of a CID font: decoded as characters they are
    noise (and random capitals in noise match initials), so they are kept only if they read as text.
    Page text extraction, which knows the fonts, covers what they show.
    """
    found: list[str] = []
    for match in _LITERAL.finditer(source):
        raw = _ESCAPE.sub(_unescape, match.group(0)[1:-1])
        found += _decodings(raw)
    for match in _HEX.finditer(source):
        digits = re.sub(rb"\s", b"", match.group(1))
        if len(digits) % 2:
            digits += b"0"  # an odd final digit is followed by an implied 0
        data = bytes.fromhex(digits.decode("ascii"))
        if shown and (b"\x00" in data or _NON_TEXT.search(data)):
            continue
        found += _decodings(data)
    return found


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    if code in _ESCAPES:
        return _ESCAPES[code]
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    return b""  # backslash + end of line: a line continuation


def _decodings(data: bytes) -> list[str]:
    """A PDF string as text: UTF-16 or UTF-8 if marked so, else PDFDocEncoding / Latin-1, plus
    Windows-1252 (simple-font content streams) and unmarked UTF-8 (sloppy producers) when they differ."""
    if data[:2] == b"\xfe\xff":
        return [data[2:].decode("utf-16-be", "replace")]
    if data[:2] == b"\xff\xfe":
        return [data[2:].decode("utf-16-le", "replace")]
    if data[:3] == b"\xef\xbb\xbf":
        return [data[3:].decode("utf-8", "replace")]
    latin = data.decode("latin-1")
    if not _HIGH.search(data):
        return [latin]
    pdfdoc = codecs.charmap_decode(data, "replace", _PDFDOC_CHARS)[0]
    texts = {latin, pdfdoc, data.decode("cp1252", "replace")}
    try:
        texts.add(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return list(texts)


_BINARY_KIND = re.compile(
    r"/Subtype\s*/(Image|Type1C|CIDFontType0C|OpenType)\b|/Length[123]\b|/FontFile|/Type\s*/XRef\b"
    r"|/ImageMask\s+true|/BitsPerComponent"
)
_CONTENT_KIND = re.compile(r"/Subtype\s*/Form\b|/PatternType\b|/Type\s*/Pattern\b|/CharProcs\b")
_OPERATOR_KIND = re.compile(r"/Type\s*/(ObjStm|CMap)\b|/CMapName\b|/FunctionType\b|/ShadingType\b")
_WHOLE_KIND = re.compile(r"/Type\s*/(Metadata|EmbeddedFile)\b|/Subtype\s*/XML\b")
# Content-stream operators: a stream using them is scanned for its strings only.
_OPERATORS = re.compile(rb"(?:^|\s)(?:BT|ET|cm|Do|re|Tf|TJ|Tj|BDC|EMC)(?:\s|$)")
_FILTER = re.compile(
    r"/(FlateDecode|Fl|LZWDecode|LZW|ASCII85Decode|A85|ASCIIHexDecode|AHx|RunLengthDecode|RL|DCTDecode|DCT"
    r"|JPXDecode|CCITTFaxDecode|CCF|JBIG2Decode|Crypt)\b")


def _is_binary_kind(source: str) -> bool:
    return bool(_BINARY_KIND.search(source))


def _is_content_kind(source: str) -> bool:
    return bool(_CONTENT_KIND.search(source))


def _is_operator_kind(source: str) -> bool:
    return bool(_OPERATOR_KIND.search(source))


def _is_whole_kind(source: str) -> bool:
    return bool(_WHOLE_KIND.search(source))


def _looks_textual(data: bytes) -> bool:
    """Binary payloads (ICC profiles, compressed data) would give random matches on short items."""
    if not data:
        return False
    sample = data[:4096]
    printable = len(sample) - len(sample.translate(None, _PRINTABLE))
    return printable / len(sample) > 0.9 or _is_utf8(sample)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # A sample cut in the middle of a multi-byte character is still UTF-8.
        try:
            data[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


# ---------------------------------------------------------------------------------------------------
# OCR of remaining images
# ---------------------------------------------------------------------------------------------------
def _ocr_images(
    doc: pymupdf.Document, matcher: _Matcher, found: set[tuple[str, str]], checked: list[str], *,
    ocr: bool, tessdata: str | None,
) -> tuple[bool, int, int]:
    """OCR pages whose remaining raster images could hold legible text.

    Returns (OCR available, pages OCR'd, pages with images left unread). Each image is read at its own
    resolution (``full=False``): an image whose pixels were blanked reads blank, while an image merely
    covered by a black rectangle still reads its text - exactly the failure to catch.
    """
    pages = [page.number for page in doc if any(
        info.get("width", 0) > MIN_OCR_PIXELS and info.get("height", 0) > MIN_OCR_PIXELS
        for info in page.get_image_info())]
    tessdata = tessdata or (find_tessdata() if ocr else None)
    available = bool(ocr and tessdata)
    if not pages or not available:
        return available, 0, len(pages)
    texts: list[str] = []
    done = 0
    for number in pages:
        page = doc.load_page(number)  # keep a reference: the textpage only holds a weak one
        try:
            textpage = page.get_textpage_ocr(flags=_TEXT_FLAGS, language="eng", full=False, tessdata=tessdata)
            texts.append(textpage.extractText())
        except Exception:  # noqa: BLE001 - Tesseract missing from this MuPDF build, bad language data...
            available = False
            break
        done += 1
    if texts:
        found.update(matcher.scan("image", _SEPARATOR.join(texts)))
        checked.append("image")
    return available, done, len(pages) - done


# ---------------------------------------------------------------------------------------------------
# The second parser: pypdf, in its own process
# ---------------------------------------------------------------------------------------------------
# Runs as ``python -I -c``. pypdf is pure Python and spends most of its time re-parsing each font's
# ToUnicode map on every page; the child memoises Font.from_font_resource per font object, which
# halves the time and is safe there because the process is ours alone and lives for one document.
_PYPDF_CHILD = r"""
import io, json, sys
import pypdf
try:
    from pypdf.generic import _font
    _original = _font.Font.from_font_resource.__func__
    _cache = {}
    def _cached(cls, font_dict):
        hit = _cache.get(id(font_dict))
        if hit is None or hit[0] is not font_dict:
            hit = _cache[id(font_dict)] = (font_dict, _original(cls, font_dict))
        return hit[1]
    _font.Font.from_font_resource = classmethod(_cached)
except Exception:
    pass
reader = pypdf.PdfReader(io.BytesIO(sys.stdin.buffer.read()))
pages, errors = [], 0
for page in reader.pages:
    try:
        pages.append(page.extract_text() or "")
    except Exception:
        pages.append("")
        errors += 1
json.dump({"pages": pages, "errors": errors}, sys.stdout)
"""
_PYPDF_TIMEOUT = 300


class _PypdfJob:
    """pypdf extracting page text in a child process while the parent does everything else.

    A separate process also contains pypdf's failure modes (deep recursion, runaway memory on a
    hostile structure) and gives it the second core. Nothing is written to disk: the PDF goes in on
    stdin and the text comes back on stdout.
    """

    def __init__(self, pdf: bytes) -> None:
        self._pdf = pdf
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _PYPDF_CHILD],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )

    def result(self) -> tuple[str, str | None]:
        """(text of the pages it could read, None or the reason it could not read some or all)."""
        try:
            out, _ = self._proc.communicate(self._pdf, timeout=_PYPDF_TIMEOUT)
        except subprocess.TimeoutExpired:
            return "", "second parser (pypdf) timed out"
        if self._proc.returncode != 0:
            return "", "second parser (pypdf) could not read the output"
        try:
            result = json.loads(out)
        except ValueError:
            return "", "second parser (pypdf) returned no result"
        problem = f"second parser (pypdf) failed on {result['errors']} page(s)" if result["errors"] else None
        return _SEPARATOR.join(result["pages"]), problem

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()


__all__ = ["VerificationReport", "verify_pdf", "verify_text", "find_tessdata", "CHANNELS"]
