"""Rendering: true removal with PyMuPDF redactions, then every side channel sanitised.

Nothing is drawn "on top": ``apply_redactions`` deletes the characters, the image pixels and the vector
graphics under each box. Then metadata and XMP are replaced by neutral values, the outline is rewritten
without redacted text, annotations, form fields, links, embedded files, JavaScript, page labels and
thumbnails are removed, and the file is written afresh with full garbage collection so no incremental
update (with the old text) survives.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import pymupdf
from pymupdf import mupdf

from redaction.pdf_strings import pdf_string_texts, pdf_strings, structure_strings
from redaction.text_bands import Box, text_bands
from redaction.textmatch import combined_pattern, normalise, variant_pattern
from redaction.types import Proposal

NEUTRAL_METADATA = {
    "title": "Redacted document",
    "author": "",
    "subject": "",
    "keywords": "",
    "creator": "SafePub",
    "producer": "SafePub",
    "creationDate": "",
    "modDate": "",
}
OUTLINE_REPLACEMENT = "[redacted]"


def render_pdf(doc: pymupdf.Document, proposals: Iterable[Proposal]) -> bytes:
    """Applies the proposals to an open document (modified in place) and returns the new file's bytes."""
    proposals = list(proposals)
    if _needs_repair(doc):
        # A file MuPDF had to repair (a broken or missing xref) is written afresh first: redacting it
        # in place can leave the page pointing at its old content stream when the file is saved, so the
        # "removed" text came back in the output.
        with pymupdf.open(stream=doc.tobytes(garbage=3), filetype="pdf") as clean:
            return render_pdf(clean, proposals)
    by_page: dict[int, list[Proposal]] = defaultdict(list)
    for proposal in proposals:
        if proposal.page is not None and proposal.rects:
            by_page[proposal.page].append(proposal)
    for page in doc:
        page_proposals = by_page.get(page.number, [])
        if not page_proposals:
            continue
        labelled = [p for p in page_proposals if p.action == "label" and p.label]
        # Plain removals: touching boxes on one line become one annotation (fewer, faster, same pixels).
        plain = merge_rects(r for p in page_proposals if p not in labelled for r in p.rects)
        boxes = plain + [r for p in labelled for r in p.rects]
        bands = text_bands(page, boxes)
        text_apart = bands != boxes
        if text_apart:
            # the text under a box that reaches into the next line goes first, through its band alone
            _remove(page, bands, text=_TEXT, images=_NO_IMAGES, graphics=_NO_GRAPHICS)
        text = _NO_TEXT if text_apart else _TEXT
        if labelled or page.rotation:
            for proposal in labelled:
                for rect in proposal.rects:
                    _add_redaction(page, pymupdf.Rect(rect), proposal)
            for rect in plain:
                page.add_redact_annot(pymupdf.Rect(rect), fill=(0, 0, 0), cross_out=False)
            page.apply_redactions(images=_IMAGES, graphics=_GRAPHICS, text=text)
        else:
            remove_boxes(page, plain, text=text)
    _sanitise(doc, proposals)
    return doc.tobytes(garbage=4, deflate=True, clean=True, no_new_id=True)


def _needs_repair(doc: pymupdf.Document) -> bool:
    """Whether MuPDF has to repair the file. It repairs lazily, at the first object it cannot find
    where the xref says; every object is looked up here so that this happens before any redaction."""
    if not doc.is_repaired:
        for xref in range(1, doc.xref_length()):
            try:
                doc.xref_get_key(xref, "Type")
            except Exception:  # noqa: BLE001 - an object the file lacks
                continue
            if doc.is_repaired:
                break
    return bool(doc.is_repaired)


_IMAGES = pymupdf.PDF_REDACT_IMAGE_PIXELS
_GRAPHICS = pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED
_TEXT = pymupdf.PDF_REDACT_TEXT_REMOVE
_NO_IMAGES = pymupdf.PDF_REDACT_IMAGE_NONE
_NO_GRAPHICS = pymupdf.PDF_REDACT_LINE_ART_NONE
_NO_TEXT = pymupdf.PDF_REDACT_TEXT_NONE


def remove_boxes(page: pymupdf.Page, rects: list[Box], *, text: int = _TEXT) -> None:
    """Black boxes on an unrotated page: exactly what ``add_redact_annot`` + ``apply_redactions`` do
    (the same MuPDF calls with the same options, then the same black fill), without the work they spend
    on annotations that the redaction deletes at once (an appearance stream and a unique id for each,
    then reading them all back): a third of the rendering time of a long review. Uses two PyMuPDF
    internals (``_pdf_page``, ``_apply_redactions``); the version is pinned and a test compares the
    pixels and text with the public path."""
    _remove(page, rects, text=text, images=_IMAGES, graphics=_GRAPHICS)
    shape = page.new_shape()
    for rect in rects:
        shape.draw_rect(pymupdf.Rect(rect))
        shape.finish(fill=(0, 0, 0), color=(0, 0, 0))
    shape.commit()


def _remove(page: pymupdf.Page, rects: list[Box], *, text: int, images: int, graphics: int) -> None:
    """MuPDF's redaction of ``rects`` with the given options, with no fill and no annotation left."""
    pdf_page = page._pdf_page()
    for rect in rects:
        annot = mupdf.pdf_create_annot(pdf_page, mupdf.PDF_ANNOT_REDACT)
        mupdf.pdf_set_annot_rect(annot, mupdf.FzRect(*rect))
    if not page._apply_redactions(text, images, graphics):
        raise RuntimeError("MuPDF could not apply the redactions")


def merge_rects(rects: Iterable[Box]) -> list[Box]:
    """Unions of boxes that overlap or touch on the same line (never bridging a gap between them:
    the words between two redactions must survive)."""
    merged: list[list[float]] = []
    for x0, y0, x1, y1 in sorted(rects, key=lambda r: (r[0], r[1])):
        for m in merged:
            same_line = min(m[3], y1) - max(m[1], y0) > 0.6 * min(m[3] - m[1], y1 - y0)
            if same_line and x0 <= m[2] + 1.0 and x1 >= m[0] - 1.0:
                m[0], m[1], m[2], m[3] = min(m[0], x0), min(m[1], y0), max(m[2], x1), max(m[3], y1)
                break
        else:
            merged.append([x0, y0, x1, y1])
    return [(m[0], m[1], m[2], m[3]) for m in merged]


def _add_redaction(page: pymupdf.Page, rect: pymupdf.Rect, proposal: Proposal) -> None:
    if proposal.action == "label" and proposal.label:
        size = max(4.0, min(11.0, rect.height * 0.75))
        page.add_redact_annot(
            rect,
            text=proposal.label,
            fontname="helv",
            fontsize=size,
            fill=(0, 0, 0),
            text_color=(1, 1, 1),
            cross_out=False,
        )
    else:
        page.add_redact_annot(rect, fill=(0, 0, 0), cross_out=False)


def _sanitise(doc: pymupdf.Document, proposals: list[Proposal]) -> None:
    texts = sorted(
        {p.text for p in proposals if p.text and p.category not in ("HIDDEN_TEXT", "IMAGE_TEXT")}, key=len, reverse=True
    )
    _rewrite_outline(doc, texts)
    _rewrite_structure_text(doc, texts)
    _drop_named_destinations(doc, texts)
    for page in doc:
        _delete_page_objects(page)
    for name in doc.embfile_names():
        doc.embfile_del(name)
    try:
        doc.set_page_labels([])
    except Exception:  # noqa: BLE001 - documents without a page-label tree
        pass
    # Every widget is gone: the form's field tree (/AcroForm /Fields, the calculation order /CO) would
    # otherwise keep the deleted fields' objects, values included, alive in the file.
    # Nor may anything run when the published file is opened: the open action, document and page
    # actions and the document's JavaScript name tree go (links and fields, the other places actions
    # live, are gone already).
    catalog = doc.pdf_catalog()
    for key in ("AcroForm", "OpenAction", "AA", "Names/JavaScript"):
        _delete_key(doc, catalog, key)
    for page in doc:
        _delete_key(doc, page.xref, "AA")
    # PyMuPDF's own scrubber, for what is left: page contents cleaned, thumbnails, the Info dictionary.
    # Annotations, links and fields are already gone (its passes over them trip over the same broken
    # link lists), and its object pass (JavaScript, XMP streams) stops at the first object a repaired
    # file lacks, so that pass is ours (_scrub_objects). hidden_text=False: invisible text on no image
    # was removed by its HIDDEN_TEXT proposals, and an OCR text layer is kept (it keeps a scan
    # searchable); verification searches all of it for every redacted item.
    doc.scrub(
        attached_files=False,
        clean_pages=True,
        embedded_files=True,
        hidden_text=False,
        javascript=False,
        metadata=True,
        redactions=False,
        remove_links=False,
        reset_fields=False,
        reset_responses=False,
        thumbnails=True,
        xml_metadata=False,
    )
    _scrub_objects(doc)
    _rewrite_marked_content(doc, texts)
    _rewrite_object_strings(doc, texts)
    doc.del_xml_metadata()
    doc.set_metadata(NEUTRAL_METADATA)


def _delete_page_objects(page: pymupdf.Page) -> None:
    """Every annotation of the page, of every subtype (widgets and links included), deleted.

    PyMuPDF's own deletions run first (they also drop popups and replies); whatever they cannot handle
    (a link list PyMuPDF cannot walk, an unknown subtype) goes with the page's /Annots array. Each
    annotation object is also emptied: a tagged PDF's structure tree still points at it (/OBJR), which
    would keep it - contents, tooltips, field values, URIs - alive in the file."""
    doc = page.parent
    try:
        xrefs = [entry[0] for entry in page.annot_xrefs()]
    except Exception:  # noqa: BLE001 - an unreadable /Annots array is dropped below all the same
        xrefs = []
    try:
        for widget in list(page.widgets() or []):
            page.delete_widget(widget)
        for annot in list(page.annots() or []):
            page.delete_annot(annot)
        for link in page.get_links():
            page.delete_link(link)
    except Exception:  # noqa: BLE001 - PyMuPDF failing on one of them: the object-level pass below
        pass
    for xref in xrefs:
        _empty_object(doc, xref)
    _delete_key(doc, page.xref, "Annots")


def _holds(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` holds a redacted item as verification reads it ("_" as a space included)."""
    text = normalise(text)
    return bool(pattern.search(text) or ("_" in text and pattern.search(text.replace("_", " "))))


def _delete_key(doc: pymupdf.Document, xref: int, path: str) -> None:
    """Removes a key (a path such as "Names/JavaScript") from an object's dictionary. Setting it to
    null, all PyMuPDF offers, leaves "/OpenAction null" in the file."""
    if doc.xref_get_key(xref, path)[0] == "null":
        return
    parent, _, key = path.rpartition("/")
    try:
        obj = mupdf.pdf_load_object(pymupdf._as_pdf_document(doc), xref)
        if parent:
            obj = mupdf.pdf_dict_getp(obj, parent)
        if not mupdf.pdf_is_dict(obj):
            raise ValueError("not a dictionary")
        mupdf.pdf_dict_dels(obj, key)
    except Exception:  # noqa: BLE001 - a strange object: null is as good as gone to a reader
        doc.xref_set_key(xref, path, "null")


def _empty_object(doc: pymupdf.Document, xref: int) -> None:
    try:
        if xref > 0:
            doc.update_object(xref, "<<>>")
    except Exception:  # noqa: BLE001 - an object the file lacks holds nothing
        pass


# Annotation subtypes (ISO 32000-2, 12.5.6), for annotation dictionaries written without /Type /Annot.
_ANNOTS = frozenset(
    "/" + name
    for name in (
        "Text Link FreeText Line Square Circle Polygon PolyLine Highlight Underline Squiggly StrikeOut Caret"
        " Stamp Ink Popup FileAttachment Sound Movie Screen Widget PrinterMark TrapNet Watermark 3D Redact"
        " Projection RichMedia"
    ).split()
)


def _scrub_objects(doc: pymupdf.Document) -> None:
    """JavaScript actions (and anything else holding a script) emptied, XMP metadata streams deleted,
    in every object that exists. A repaired file may list objects it does not have: those are skipped
    (garbage collection drops them)."""
    pages = {page.xref for page in doc}
    for xref in range(1, doc.xref_length()):
        try:
            # an application's private data (Illustrator keeps the whole editable original there)
            _delete_key(doc, xref, "PieceInfo")
            if doc.xref_get_key(xref, "Type")[1] == "/Page" and xref not in pages:
                # a page that is not in the document (cut out of a longer file), still reachable from a
                # destination or the structure tree: its unredacted contents would ride along
                doc.update_object(xref, "<<>>")
            elif doc.xref_get_key(xref, "S")[1] == "/JavaScript" or doc.xref_get_key(xref, "JS")[0] != "null":
                doc.update_object(xref, "<<>>")
            elif doc.xref_get_key(xref, "Type")[1] == "/Annot" or doc.xref_get_key(xref, "Subtype")[1] in _ANNOTS:
                # every page's annotations are deleted by now: one still in the file is reachable only
                # from the structure tree (/OBJR), or from nothing
                doc.update_object(xref, "<<>>")
            elif doc.xref_get_key(xref, "Type")[1] == "/Metadata":
                doc.update_object(xref, "<<>>")
                doc.update_stream(xref, b"deleted", new=True)
            elif doc.xref_get_key(xref, "Metadata")[0] != "null":
                doc.xref_set_key(xref, "Metadata", "null")
        except Exception:  # noqa: BLE001 - MuPDF's FzErrorFormat for an object the file lacks
            continue


def _rewrite_outline(doc: pymupdf.Document, texts: list[str]) -> None:
    """Outline titles lose every redacted text. Titles are changed in place, leaving each entry's
    destination alone (rebuilding the outline trips over destinations PyMuPDF reads but cannot write);
    an outline that cannot be changed at all is removed."""
    toc = doc.get_toc(simple=True)
    if not toc or not texts:
        return
    patterns = [variant_pattern(t) for t in texts]
    try:
        for index, entry in enumerate(toc):
            title = str(entry[1])
            for pattern in patterns:
                title = pattern.sub(OUTLINE_REPLACEMENT, title)
            if title != entry[1]:
                doc.set_toc_item(index, title=re.sub(r"\s+", " ", title).strip())
    except (RuntimeError, ValueError, IndexError, AttributeError, TypeError):
        doc.set_toc([])


def _drop_named_destinations(doc: pymupdf.Document, texts: list[str]) -> None:
    """Named destinations are dropped when a name holds a redacted text ("c_Review_Ferrario:4") or one
    points at a page that is not in the document: a page cut out of a longer file stays in it, whole
    and unredacted, as long as a destination names it. The outline is first rebuilt with explicit page
    destinations, so its entries still go where they did; one that cannot be rebuilt is removed."""
    pattern = combined_pattern(texts)
    try:
        names = doc.resolve_names() or {}
    except Exception:  # noqa: BLE001 - an unreadable name tree: the verifier's raw pass still reads it
        return
    dangling = any(isinstance(d, dict) and d.get("page", 0) < 0 for d in names.values())
    named = pattern is not None and any(_holds(pattern, str(name)) for name in names)
    if not (dangling or named):
        return
    toc = doc.get_toc(simple=True)
    catalog = doc.pdf_catalog()
    for key in ("Names/Dests", "Dests"):
        _delete_key(doc, catalog, key)
    try:
        doc.set_toc([entry if entry[2] >= 1 else [entry[0], entry[1], 1] for entry in toc])
    except Exception:  # noqa: BLE001 - PyMuPDF cannot write this outline back
        doc.xref_set_key(catalog, "Outlines", "null")


def _rewrite_structure_text(doc: pymupdf.Document, texts: list[str]) -> None:
    """Redacted texts replaced in the structure tree's strings (alt text stays, minus the names)."""
    pattern = combined_pattern(texts) if texts else None
    if pattern is None:
        return
    for xref, key, value in list(structure_strings(doc)):
        changed = pattern.sub(OUTLINE_REPLACEMENT, normalise(value))
        if changed != normalise(value):
            doc.xref_set_key(xref, key, pymupdf.get_pdf_str(changed))


_STRING_TOKEN = re.compile(r"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>", re.DOTALL)


def _rewrite_object_strings(doc: pymupdf.Document, texts: list[str]) -> None:
    """Every string left in any object's dictionary loses its redacted texts: strings nothing displays
    but the file still holds and verification reads (a font descriptor's /FontFamily "Myriad Pro Cond",
    its /CharSet, an action's URI, a language tag, the key of a name tree). The string is rewritten with
    the text replaced, whatever the key: a string that a reader needs is never one that may name the
    family. Keys holding arrays or dictionaries are rewritten token by token."""
    pattern = combined_pattern(texts)
    if pattern is None:
        return

    def rewritten(token: str) -> str:
        readings = pdf_string_texts(token.encode("latin-1", "replace"))
        for text in readings:
            if _holds(pattern, text):
                changed = pattern.sub(OUTLINE_REPLACEMENT, normalise(text).replace("_", " "))
                return pymupdf.get_pdf_str(changed)
        return token

    for xref in range(1, doc.xref_length()):
        try:
            source = doc.xref_object(xref, compressed=True, ascii=True)
        except Exception:  # noqa: BLE001 - an object the file lacks
            continue
        strings = pdf_strings(source.encode("latin-1", "replace"))
        if not any(_holds(pattern, text) for text in strings):
            continue
        for key in doc.xref_get_keys(xref):
            kind, value = doc.xref_get_key(xref, key)
            if kind not in ("string", "array", "dict"):
                continue
            if kind == "string":
                if _holds(pattern, value):
                    changed = pattern.sub(OUTLINE_REPLACEMENT, normalise(value).replace("_", " "))
                    doc.xref_set_key(xref, key, pymupdf.get_pdf_str(changed))
                continue
            new = _STRING_TOKEN.sub(lambda m: rewritten(m.group(0)), value)
            if new != value:
                doc.xref_set_key(xref, key, new)


_MARKED_TEXT = re.compile(rb"/(?:ActualText|Alt|E)\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", re.DOTALL)


def _rewrite_marked_content(doc: pymupdf.Document, texts: list[str]) -> None:
    """A content stream's marked-content properties (/Span <</ActualText (...)>> BDC) keep their strings
    when the glyphs they describe are redacted: an entry whose string holds a redacted text is removed
    (the glyphs that are left are then read as they are)."""
    pattern = combined_pattern(texts)
    if pattern is None:
        return
    contents = {xref for page in doc for xref in page.get_contents()}
    for xref in range(1, doc.xref_length()):
        try:
            if not doc.xref_is_stream(xref):
                continue
            if xref not in contents and doc.xref_get_key(xref, "Subtype")[1] != "/Form":
                continue
            data = doc.xref_stream(xref) or b""
        except Exception:  # noqa: BLE001 - an object the file lacks
            continue
        if b"BDC" not in data and b"BMC" not in data:
            continue

        def empty(match: re.Match[bytes]) -> bytes:
            value = match.group(1)
            readings = pdf_string_texts(value)
            # the key goes with its value: an empty /ActualText would make the span read as nothing
            return b"" if any(_holds(pattern, t) for t in readings) else match.group(0)

        changed = _MARKED_TEXT.sub(empty, data)
        if changed != data:
            doc.update_stream(xref, changed)


def render_text(text: str, proposals: Iterable[Proposal]) -> str:
    """Plain text: each proposal's characters replaced by its label or a block of the same width."""
    spans = sorted(
        {(p.start, p.end, p.label if p.action == "label" else None) for p in proposals if p.start >= 0},
        key=lambda s: (s[0], -s[1]),
    )
    out, cursor = [], 0
    for start, end, label in spans:
        if start < cursor:
            start = cursor
        if start >= end:
            continue
        out.append(text[cursor:start])
        out.append(f"[{label}]" if label else "\u2588" * (end - start))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
