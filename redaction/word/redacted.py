"""The partnership's own redacted .docx: the draft as it prints, with identifying text replaced.

    data = redacted_docx(package, [("Kezia Marlowe-Dunn", "[Child W]"), ("LE17 5QX", "[postcode]")])

Built from the printable package (``printable.py``: tracked changes accepted, comments, hidden text and
field codes gone, properties neutralised, ``rsid``s and custom XML emptied). In every story (the body,
headers, footers, foot- and endnotes, text boxes inside them) each occurrence of a redacted text is
replaced by its label, also where Word split it over several runs; pictures' descriptions are cleared
and external hyperlinks point nowhere. Then every part of the new package is read back, text and
attributes alike, and any redacted text still there raises :class:`VerificationFailed`: the file is only
ever handed out verified.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from redaction.errors import VerificationFailed
from redaction.word.hygiene import REL, WP, W
from redaction.word.package import Package, open_package
from redaction.word.printable import printable_docx

REDACTED = "[redacted]"
_STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def redacted_docx(package: Package | bytes, replacements: Iterable[tuple[str, str | None]]) -> bytes:
    """The printable draft with each ``(text, label)`` replaced by its label (or ``[redacted]``), then
    verified part by part. Longer texts are replaced first, so a full name goes before its surname."""
    if isinstance(package, bytes):
        package = open_package(package)
    pairs = sorted(
        {(text.strip(), (label or REDACTED)) for text, label in replacements if text and text.strip()},
        key=lambda pair: -len(pair[0]),
    )
    printable = open_package(printable_docx(package))
    patterns = [(_pattern(text), label) for text, label in pairs]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in printable.names:
            data = printable.read(name)
            if name.startswith("word/") and name.endswith(".xml"):
                root = printable.xml(name)
                if _STORY.match(name):
                    _replace_in_paragraphs(root, patterns)
                    _clear_descriptions(root)
                _strip_revision_ids(root)
                data = _XML_DECLARATION + ET.tostring(root, encoding="utf-8")
            elif name.endswith(".rels"):
                root = printable.xml(name)
                for rel in root.iter(f"{REL}Relationship"):
                    if rel.get("TargetMode") == "External":
                        rel.set("Target", "#")
                data = _XML_DECLARATION + ET.tostring(root, encoding="utf-8")
            target.writestr(name, data)
    result = out.getvalue()
    verify_docx(result, [text for text, _ in pairs])
    return result


def verify_docx(data: bytes, forbidden: Sequence[str]) -> None:
    """Every part of the package read back (XML text and attribute values; other parts as bytes, in the
    encodings Word uses): VerificationFailed naming the part, never the text, if a forbidden text is there."""
    package = open_package(data)
    embedded = [name for name in package.names if name.startswith("word/embeddings/")]
    if embedded:  # another file inside the file (a spreadsheet, a PDF): it cannot be read to be checked
        raise VerificationFailed(f"the Word file embeds {len(embedded)} object(s) that cannot be checked")
    patterns = [_pattern(text) for text in forbidden if text.strip()]
    # in pictures and other binary parts only longer texts are looked for (in their metadata): a two-letter
    # text turns up in any few kilobytes of binary data
    binary_patterns = [_pattern(text) for text in forbidden if sum(c.isalpha() for c in text) >= 4]
    for name in package.names:
        raw = package.read(name)
        if name.endswith((".xml", ".rels")):
            root = package.xml(name)
            texts = [_squash(" ".join(t for t in root.itertext()))]
            texts += [_squash(_paragraph_text(p)) for p in root.iter(f"{W}p")]
            texts += [value for element in root.iter() for value in element.attrib.values()]
            looked_for = patterns
        else:
            texts = [raw.decode("utf-8", "ignore"), raw.decode("utf-16-le", "ignore"), raw.decode("latin-1")]
            looked_for = binary_patterns
        for pattern in looked_for:
            if any(pattern.search(text) for text in texts):
                raise VerificationFailed(f"redacted text survived in the Word file's part {name}")


def _pattern(text: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in text.split()]
    return re.compile(r"(?<!\w)" + r"\s*".join(words) + r"(?!\w)", re.IGNORECASE)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _paragraph_text(paragraph: Element) -> str:
    return "".join(node.text or "" for node in paragraph.iter(f"{W}t"))


def _replace_in_paragraphs(root: Element, patterns: Sequence[tuple[re.Pattern[str], str]]) -> None:
    """Each paragraph's text is the concatenation of its ``w:t`` nodes (a name may be split over runs by
    spelling marks or formatting): a match puts the label in the node where it starts and removes the
    rest of the match from the following nodes."""
    for paragraph in root.iter(f"{W}p"):
        nodes = [node for node in paragraph.iter(f"{W}t")]
        if not nodes:
            continue
        for pattern, label in patterns:
            while True:
                text = "".join(node.text or "" for node in nodes)
                match = pattern.search(text)
                if match is None:
                    break
                _splice(nodes, match.start(), match.end(), label)


def _splice(nodes: list[Element], start: int, end: int, label: str) -> None:
    offset = 0
    placed = False
    for node in nodes:
        value = node.text or ""
        low, high = offset, offset + len(value)
        offset = high
        if high <= start or low >= end:
            continue
        keep_before = value[: max(0, start - low)]
        keep_after = value[max(0, end - low) :] if end < high else ""
        node.text = keep_before + ("" if placed else label) + keep_after
        placed = True
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _strip_revision_ids(root: Element) -> None:
    """``w:rsid*`` attributes and the ``w:rsid``/``w:rsids`` records of styles and settings: each editing
    session's id, which ties a file to the copies it was made from."""
    for parent in root.iter():
        for child in [c for c in parent if c.tag in (f"{W}rsid", f"{W}rsids")]:
            parent.remove(child)
        for attribute in [a for a in parent.attrib if a.startswith(f"{W}rsid")]:
            del parent.attrib[attribute]


def _clear_descriptions(root: Element) -> None:
    for picture in root.iter(f"{WP}docPr"):
        for attribute in ("descr", "title"):
            if attribute in picture.attrib:
                picture.set(attribute, "")
        if "name" in picture.attrib:
            picture.set("name", "Picture")
