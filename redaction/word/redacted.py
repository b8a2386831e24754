"""The partnership's own redacted .docx: the draft as it prints, with identifying text replaced.

    data = redacted_docx(package, [("Kezia Marlowe-Dunn", "[Child W]"), ("LE17 5QX", "[postcode]")])

Built from the printable package (``printable.py``: tracked changes accepted, comments, hidden text, field
codes and the glossary gone, properties neutralised, ``rsid``s and custom XML emptied, the thumbnail
blank). In every story (the body, headers, footers, foot- and endnotes, text boxes inside them) each
occurrence of a redacted text is replaced by its label, found as the rest of the engine finds text
(``textmatch``: any case, curly or straight quotes, non-breaking and soft hyphens, accents however
stored, line breaks), also where Word split it over several runs. Pictures become white pictures of the
same size (their pixels cannot be checked for names), and the places where Word keeps text that never
prints are cleared: picture names and descriptions, bookmark names, content-control titles and tags,
form-field data, hyperlink tooltips, document variables, mail-merge sources, smart-tag data.

What cannot be made safe stops the copy (:class:`VerificationFailed`; the publication PDF is not
affected): an embedded file, a chart or diagram, a picture in a format that cannot be blanked, and any
redaction made by position (a box drawn on a page, text hidden in the PDF), which a Word file cannot
show. Then every part of the new package is read back (text, attributes, XML comments, names) and any
redacted text still there stops it too: the file is only ever handed out verified.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from redaction import textmatch
from redaction.errors import VerificationFailed
from redaction.word.hygiene import REL, WP, W
from redaction.word.package import Package, open_package
from redaction.word.printable import blank_image, printable_docx, serialise

REDACTED = "[redacted]"
_STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_CANNOT_CHECK = re.compile(r"(^|/)(embeddings|charts|diagrams|activeX)/", re.IGNORECASE)
_BLANKABLE = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
_VML = "{urn:schemas-microsoft-com:vml}"
_OFFICE = "{urn:schemas-microsoft-com:office:office}"
#: elements whose whole content is text that never prints (removed from the copy)
_DROPPED = {
    f"{W}{name}" for name in ("ffData", "docVars", "mailMerge", "smartTagPr", "alias", "tag", "attachedTemplate")
}


def redacted_docx(
    package: Package | bytes, replacements: Iterable[tuple[str, str | None]], *, positional: int = 0
) -> bytes:
    """The printable draft with each ``(text, label)`` replaced by its label (or ``[redacted]``), then
    verified part by part. ``positional``: how many redactions were made by position (boxes, hidden
    text), which stop the copy. Longer texts are replaced first, so a full name goes before its surname."""
    if positional:
        raise VerificationFailed(f"{positional} redaction(s) were made by position, which a Word file cannot show")
    if isinstance(package, bytes):
        package = open_package(package)
    pairs = sorted(
        {(" ".join(text.split()), label or REDACTED) for text, label in replacements if text and text.strip()},
        key=lambda pair: -len(pair[0]),
    )
    printable = open_package(printable_docx(package))
    unsafe = [name for name in printable.names if _CANNOT_CHECK.search(name)]
    if unsafe:
        raise VerificationFailed(f"the Word file holds {len(unsafe)} embedded file(s), chart(s) or diagram(s)")
    patterns = [(_pattern(text), label) for text, label in pairs]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in printable.names:
            data = printable.read(name)
            if name.startswith("word/media/") or name.startswith("docProps/thumbnail."):
                if not name.lower().endswith(_BLANKABLE):
                    raise VerificationFailed("the Word file holds a picture in a format that cannot be blanked")
                data = blank_image(data)
            elif name.endswith((".xml", ".rels")):
                root = printable.xml(name)
                if _STORY.match(name):
                    for paragraph in root.iter(f"{W}p"):
                        _replace(paragraph, patterns)
                _scrub(root)
                data = serialise(root, data)
            target.writestr(name, data)
    result = out.getvalue()
    verify_docx(result, [text for text, _ in pairs])
    return result


def verify_docx(data: bytes, forbidden: Sequence[str]) -> None:
    """Every part of the package read back: XML as raw text (comments and processing instructions
    included, entities resolved), as its paragraphs' text and as its attribute values; other parts as
    bytes in the encodings Word uses; and the parts' names. VerificationFailed names the part, never
    the text."""
    package = open_package(data)
    unsafe = [name for name in package.names if _CANNOT_CHECK.search(name)]
    if unsafe:  # another file inside the file (a spreadsheet, a PDF): it cannot be read to be checked
        raise VerificationFailed(f"the Word file embeds {len(unsafe)} object(s) that cannot be checked")
    # as verification of the PDF looks: initials that are also words ("AN") in their own case only
    patterns = textmatch.patterns(t for t in forbidden if t.strip())
    # in pictures and other binary parts only longer texts are looked for (in their metadata): a two-letter
    # text turns up in any few kilobytes of binary data
    binary = textmatch.patterns(t for t in forbidden if sum(c.isalpha() for c in t) >= 4)
    for name in package.names:
        raw = package.read(name)
        if name.endswith((".xml", ".rels")):
            root = package.xml(name)
            texts = [html.unescape(raw.decode("utf-8", "replace"))]
            texts += [_Paragraph(p).text for p in root.iter() if p.tag in (f"{W}p", _A_P)]
            texts += [value for element in root.iter() for value in element.attrib.values()]
            looked_for = patterns
        else:
            texts = [raw.decode("utf-8", "ignore"), raw.decode("utf-16-le", "ignore"), raw.decode("latin-1")]
            looked_for = binary
        texts.append(name)
        if any(p.search(reading) for p in looked_for for t in texts for reading in _readings(t)):
            raise VerificationFailed(f"redacted text survived in the Word file's part {name}")


_A_P = "{http://schemas.openxmlformats.org/drawingml/2006/main}p"
_A_T = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"


def _pattern(text: str) -> re.Pattern[str]:
    """One text's pattern, as the engine matches it (initials that are words in their own case only)."""
    exact = textmatch.exact_pattern([text]) if textmatch.exact_case(text) else None
    return exact or textmatch.variant_pattern(text)


def _readings(text: str) -> tuple[str, ...]:
    return textmatch.readings(unicodedata.normalize("NFC", text))


@dataclass
class _Char:
    node: Element | None  # the w:t holding it, or None for a character an element stands for
    index: int  # its index in node.text; for an element-character, -1
    element: Element | None = None  # w:noBreakHyphen, w:tab ... standing for this character


class _Paragraph:
    """A paragraph's text as the engine reads it: its ``w:t`` (or DrawingML ``a:t``) nodes joined, a
    non-breaking hyphen as "-", a soft hyphen as nothing, tabs and breaks as spaces, NFKC with accents
    composed; with, for each character of that text, where it came from."""

    def __init__(self, paragraph: Element) -> None:
        self.sources: list[list[_Char]] = []  # one group of source characters per character of .text
        pieces: list[str] = []
        for node in paragraph.iter():
            if node.tag in (f"{W}t", _A_T):
                for i, ch in enumerate(node.text or ""):
                    self._add(pieces, ch, _Char(node, i))
            elif node.tag == f"{W}noBreakHyphen":
                self._add(pieces, "-", _Char(None, -1, node))
            elif node.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                self._add(pieces, " ", _Char(None, -1, node))
        self.text = "".join(pieces)

    def _add(self, pieces: list[str], ch: str, source: _Char) -> None:
        if unicodedata.combining(ch) and self.sources:
            # an accent stored on its own joins the letter before it ("e" + U+0308 is "ë")
            self.sources[-1].append(source)
            merged = unicodedata.normalize("NFC", pieces[-1] + ch)
            pieces[-1] = merged
            return
        folded = textmatch.normalise(ch)
        if not folded:  # a soft hyphen, a zero-width space: part of the match, no character of its own
            if self.sources:
                self.sources[-1].append(source)
            return
        for position, part in enumerate(folded):
            pieces.append(part)
            self.sources.append([source] if position == 0 else [])


def _replace(paragraph: Element, patterns: Sequence[tuple[re.Pattern[str], str]]) -> None:
    """Each match (on the paragraph's text as the engine reads it) becomes its label: put in the node
    where the match starts, the rest of the match removed from that node and the following ones, and the
    elements standing for characters inside it (non-breaking hyphens, tabs) removed."""
    for pattern, label in patterns:
        searched_from = 0
        while True:
            text = _Paragraph(paragraph)
            match = pattern.search(text.text, searched_from)
            if match is None:
                break
            sources = [s for group in text.sources[match.start() : match.end()] for s in group]
            _splice(paragraph, sources, label)
            # the label is not searched again (a label may hold the redacted word itself)
            searched_from = match.start() + len(label)


def _splice(paragraph: Element, sources: list[_Char], label: str) -> None:
    removed: dict[int, set[int]] = {}
    nodes: dict[int, Element] = {}
    first: _Char | None = next((s for s in sources if s.node is not None), None)
    for source in sources:
        if source.node is not None:
            removed.setdefault(id(source.node), set()).add(source.index)
            nodes[id(source.node)] = source.node
        elif source.element is not None:
            _remove_element(paragraph, source.element)
    for key, node in nodes.items():
        value = node.text or ""
        kept = "".join(ch for i, ch in enumerate(value) if i not in removed[key])
        if first is not None and node is first.node:
            at = first.index - sum(1 for i in removed[key] if i < first.index)
            kept = kept[:at] + label + kept[at:]
        node.text = kept
        node.set(_XML_SPACE, "preserve")


def _remove_element(root: Element, element: Element) -> None:
    for parent in root.iter():
        if element in list(parent):
            parent.remove(element)
            return


def _scrub(root: Element) -> None:
    """The places where Word keeps text that never prints, in any part: cleared or removed."""
    for parent in root.iter():
        for child in [c for c in parent if c.tag in _DROPPED or c.tag in (f"{W}rsid", f"{W}rsids")]:
            parent.remove(child)
    for element in root.iter():
        for attribute in [a for a in element.attrib if a.startswith(f"{W}rsid")]:
            del element.attrib[attribute]
        if element.tag in (f"{WP}docPr", f"{_PIC}cNvPr"):
            for attribute in ("descr", "title"):
                if attribute in element.attrib:
                    element.set(attribute, "")
            if "name" in element.attrib:
                element.set("name", "Picture")
        elif element.tag == f"{W}bookmarkStart":
            element.set(f"{W}name", f"_bm{element.get(f'{W}id', '0')}")
        elif element.tag == f"{W}hyperlink":
            element.attrib.pop(f"{W}tooltip", None)
        elif element.tag.startswith(_VML):
            for attribute in ("alt", f"{_OFFICE}title"):
                element.attrib.pop(attribute, None)
        elif element.tag == f"{REL}Relationship" and element.get("TargetMode") == "External":
            element.set("Target", "#")
