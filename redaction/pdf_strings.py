"""Strings left anywhere in a PDF file, for verification's last-resort pass.

Literal and hex strings of every object, text shown by content streams, whole XML/embedded streams, and
strings in the uncompressed parts of the file (old incremental revisions included), decoded from
PDFDocEncoding, UTF-16 and UTF-8. Operators and names are not searched (they would match short items).
"""

from __future__ import annotations

import codecs
import hashlib
import re
import zlib
from collections.abc import Iterator

import pymupdf

from redaction.second_parser import PAGE_SEPARATOR as _SEPARATOR

_LITERAL = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]{2,})>")
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{1,3}|\r\n|\r|\n)")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
# PDFDocEncoding differs from Latin-1 in 0x18-0x1F and 0x80-0x9F (ISO 32000-1, Annex D.2).
_PDFDOC = {
    0x18: "\u02d8",
    0x19: "\u02c7",
    0x1A: "\u02c6",
    0x1B: "\u02d9",
    0x1C: "\u02dd",
    0x1D: "\u02db",
    0x1E: "\u02da",
    0x1F: "\u02dc",
    0x80: "\u2022",
    0x81: "\u2020",
    0x82: "\u2021",
    0x83: "\u2026",
    0x84: "\u2014",
    0x85: "\u2013",
    0x86: "\u0192",
    0x87: "\u2044",
    0x88: "\u2039",
    0x89: "\u203a",
    0x8A: "\u2212",
    0x8B: "\u2030",
    0x8C: "\u201e",
    0x8D: "\u201c",
    0x8E: "\u201d",
    0x8F: "\u2018",
    0x90: "\u2019",
    0x91: "\u201a",
    0x92: "\u2122",
    0x93: "\ufb01",
    0x94: "\ufb02",
    0x95: "\u0141",
    0x96: "\u0152",
    0x97: "\u0160",
    0x98: "\u0178",
    0x99: "\u017d",
    0x9A: "\u0131",
    0x9B: "\u0142",
    0x9C: "\u0153",
    0x9D: "\u0161",
    0x9E: "\u017e",
    0xA0: "\u20ac",
}
_PDFDOC_CHARS = "".join(_PDFDOC.get(b, chr(b)) for b in range(256))
_HIGH = re.compile(rb"[\x18-\x1f\x80-\xff]")
_NON_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Control characters in decoded strings: NUL is dropped (a UTF-16 string without its byte-order mark
# decodes as "\x00T\x00y..." and must still read "Ty..."), the others become spaces.
_CONTROL_TABLE = {0: None, **{c: " " for c in (*range(1, 9), 11, *range(14, 32), 127)}}
_PRINTABLE = bytes(range(32, 127)) + b"\t\n\r"

#: The space the raw reading of a content stream puts between two strings where it GUESSES a word break
#: (between show operators, at a wide gap in a TJ array): whitespace to every pattern, so a name split
#: between operators still reads as a word, but told apart from a space the document itself holds. The
#: guess is wrong where a producer positions the parts of one word separately ("(Py)Tj 297 0 Td
#: (MuPDF)Tj" shows "PyMuPDF"): verification asks page extraction, which knows the glyphs' positions,
#: before it calls a match that rests on such a guess a survivor. OGHAM SPACE MARK: NFKC keeps it, and no
#: document's content stream is decoded into it by accident here (it is not in any single-byte encoding).
GUESSED_GAP = "\u1680"


#: Strings a tagged PDF's structure tree carries for assistive technology: alternative text, replacement
#: text, an abbreviation's expansion, an element's title. Extraction reads them and the render rewrites
#: them: one list, so the two never disagree.
STRUCTURE_TEXT_KEYS = ("Alt", "ActualText", "E", "T")


def structure_strings(doc: pymupdf.Document) -> Iterator[tuple[int, str, str]]:
    """(xref, key, text) of every non-empty structure-tree string; nothing for an untagged PDF."""
    try:
        if doc.xref_get_key(doc.pdf_catalog(), "StructTreeRoot")[0] == "null":
            return
    except Exception:  # noqa: BLE001 - no catalog to speak of
        return
    for xref in range(1, doc.xref_length()):
        for key in STRUCTURE_TEXT_KEYS:
            try:
                kind, value = doc.xref_get_key(xref, key)
            except Exception:  # noqa: BLE001 - an object the file lacks
                break
            if kind == "string" and value:
                yield xref, key, value


def raw_strings(doc: pymupdf.Document, pdf: bytes) -> tuple[list[str], bool]:
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
            xref in content_xrefs
            or _is_content_kind(source)
            or _is_operator_kind(source)
            or _OPERATORS.search(data[:65536])
            or _CMAP_OPERATORS.search(data[:65536])
        )
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
        head = pdf[max(position, start.start() - 2048) : start.start()]
        head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        outside.append(pdf[position : start.start()])
        position = end + len(b"endstream")
        body = pdf[start.end() : end]
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
        return [bytes_text(data)]
    # A content stream: only its strings (operators such as "Tf" or "BT" would match initials), in the
    # order it shows them, read twice. Joined with nothing, because producers split words between
    # strings and operators ([(Ty) -20 (ler)] TJ, (Mor) Tj (ris) Tj). Joined as shown, with a guessed
    # space (GUESSED_GAP) between show operators and at a word-sized gap inside a TJ array, because they
    # also split between
    # words ((Tyler) Tj (Morris) Tj, [(Tyler) -300 (Morris)] TJ) - and a kerned word is one word there
    # ([(Ein) 19.5 (weihung)] TJ is "Einweihung", not "Ein"). A phrase kept on purpose ("Mercia Fields
    # Police") reads whole however the producer cut it up.
    shown = [(gap, _decodings(raw)) for gap, raw in _shown_strings(data)]
    if not shown:
        return []
    width = max(len(d) for _, d in shown)
    parts = []
    for k in range(width):
        texts = [(gap, d[k] if k < len(d) else d[0]) for gap, d in shown]
        parts += ["".join(t for _, t in texts), "".join(g + t for g, t in texts)]
    return parts


_SHOWN = re.compile(
    rb"\((?:\\.|[^\\)])*\)|<([0-9A-Fa-f\s]{2,})>|\[|\]|[-+]?(?:\d+\.?\d*|\.\d+)|[^\s()<>\[\]]+", re.DOTALL
)
_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")
# A gap in a TJ array wider than this (thousandths of an em, negative moves right) separates words.
WORD_GAP = -150.0


def _shown_strings(data: bytes) -> list[tuple[str, bytes]]:
    """The literal and hex strings of a content stream in order, each with what separates it from the
    one before: "" inside a TJ array when the gap is a kerning, else GUESSED_GAP. Hex strings holding NUL or
    control bytes are two-byte glyph ids of a CID font (see _pdf_strings) and are left out."""
    found: list[tuple[str, bytes]] = []
    in_array, gap = False, GUESSED_GAP
    key = b""  # the token before this one: a string's key in a property list
    for match in _SHOWN.finditer(data):
        token, before, key = match.group(0), key, match.group(0)
        first = token[:1]
        if before == b"/Lang" and (first == b"(" or match.group(1) is not None):
            # a marked-content language tag (/Span <</Lang (en-US)>> BDC) never shows and names nobody:
            # read as a word it would sit between two shown strings and hide the phrase they make
            gap = GUESSED_GAP
            continue
        if first == b"(" or match.group(1) is not None:
            if first == b"(":
                raw = _ESCAPE.sub(_unescape, token[1:-1])
            else:
                digits = re.sub(rb"\s", b"", match.group(1))
                raw = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
                if b"\x00" in raw or _NON_TEXT.search(raw):
                    gap = GUESSED_GAP
                    continue
            found.append((gap, raw))
            gap = "" if in_array else GUESSED_GAP
        elif token in (b"[", b"]"):
            in_array, gap = token == b"[", GUESSED_GAP
        elif in_array and _NUMBER.fullmatch(token):
            if float(token) < WORD_GAP:
                gap = GUESSED_GAP
        else:
            gap = GUESSED_GAP
    return found


def pdf_string_texts(token: bytes) -> list[str]:
    """One PDF string token, ``(...)`` or ``<...>``, as text, every plausible way (see _decodings)."""
    if token[:1] == b"(":
        return _decodings(_ESCAPE.sub(_unescape, token[1:-1]))
    digits = re.sub(rb"\s", b"", token[1:-1])
    return _decodings(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii")))


def pdf_strings(source: bytes) -> list[str]:
    """Every literal and hex string of a PDF object's source, each decoded every plausible way."""
    return _pdf_strings(source)


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
# A CMap (a font's ToUnicode map, often without /Type /CMap in its dictionary) is strings only too: read
# whole, its hex codes such as <2019> (the code of a right quote) would match a redacted year.
_CMAP_OPERATORS = re.compile(rb"\bbegin(?:cmap|bfchar|bfrange|codespacerange|cidrange)\b")
_FILTER = re.compile(
    r"/(FlateDecode|Fl|LZWDecode|LZW|ASCII85Decode|A85|ASCIIHexDecode|AHx|RunLengthDecode|RL|DCTDecode|DCT"
    r"|JPXDecode|CCITTFaxDecode|CCF|JBIG2Decode|Crypt)\b"
)


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

TEXT_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_MEDIABOX_CLIP


def page_text(page: pymupdf.Page, extra_flags: int = 0) -> str:
    # PyMuPDF pitfall: clearing TEXT_MEDIABOX_CLIP is not enough, get_text() still clips to the page
    # rectangle unless it is given an infinite clip.
    return page.get_text("text", flags=TEXT_FLAGS | extra_flags, clip=pymupdf.INFINITE_RECT())


# An annotation's own strings: author, subject, contents, rich-text contents, name.
ANNOTATION_KEYS = ("T", "Subj", "Contents", "RC", "NM")


def annotation_strings(page: pymupdf.Page, keys: tuple[str, ...] = ANNOTATION_KEYS) -> list[tuple[int, str, str]]:
    """(xref, key, text) of every annotation's strings on the page, read from the objects themselves:
    PyMuPDF's own annotation objects fail on some real files (an annotation it cannot load), and an
    annotation nobody can load is still in the file."""
    doc = page.parent
    found: list[tuple[int, str, str]] = []
    try:
        xrefs = [entry[0] for entry in page.annot_xrefs()]
    except Exception:  # noqa: BLE001 - no readable /Annots: the raw pass still reads the objects
        return found
    for xref in xrefs:
        for key in keys:
            try:
                kind, value = doc.xref_get_key(xref, key)
            except Exception:  # noqa: BLE001 - an object the file lacks
                break
            if kind == "string" and value:
                found.append((xref, key, value))
    return found


def bytes_text(data: bytes | None) -> str:
    """Text of an attached file: itself if textual, its page text if it is a PDF."""
    if not data:
        return ""
    if data[:1024].find(b"%PDF-") >= 0:
        try:
            with pymupdf.open(stream=data, filetype="pdf") as inner:
                return _SEPARATOR.join(page_text(p) for p in inner)
        except Exception:  # noqa: BLE001 - an unreadable attachment is still scanned as bytes below
            pass
    return data.decode("utf-8", "replace") if _is_utf8(data[:4096]) else data.decode("latin-1")


# ---------------------------------------------------------------------------------------------------
# Raw PDF strings
# ---------------------------------------------------------------------------------------------------
