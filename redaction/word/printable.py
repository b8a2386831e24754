"""The draft as it would print: tracked changes accepted, comments, hidden text and properties gone.

This is what LibreOffice converts to the publication PDF (``convert.py``), so nothing from a hidden
channel can reach a page: a deleted passage is removed with its text, an insertion becomes ordinary text,
comment anchors and the comments part are emptied, runs formatted as hidden are dropped, field codes
give way to their printed results, revision ids
(``w:rsid*``) and the document's properties (author, last modified by, company, manager, custom
properties), the people part and custom XML parts are neutralised. Everything else in the package is
copied byte for byte.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeXML

from redaction.word.hygiene import _NOTE_PART, W, _hidden, hidden_styles
from redaction.word.package import Package

_STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_EMPTY_PARTS = {
    "word/comments.xml": b'<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    "word/commentsExtended.xml": b'<w15:commentsEx xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>',
    "word/commentsIds.xml": b'<w16cid:commentsIds xmlns:w16cid="http://schemas.microsoft.com/office/word/2016/wordml/cid"/>',
    "word/people.xml": b'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"/>',
    "docProps/core.xml": (
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'
    ),
    "docProps/app.xml": (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    ),
}  # fmt: skip
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EMPTY_GLOSSARY = (
    b'<w:glossaryDocument xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:docParts/></w:glossaryDocument>"
)
# field codes (" AUTHOR \"...\" ") never print: only their results do, and those stay
_REMOVED = {f"{W}{name}" for name in ("del", "moveFrom", "commentRangeStart", "commentRangeEnd", "instrText")}
_UNWRAPPED = {f"{W}{name}" for name in ("ins", "moveTo", "fldSimple")}
# records of formatting changes: the current formatting stays, the record (with its author) goes
_CHANGE_RECORDS = {
    f"{W}{name}"
    for name in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tcPrChange", "trPrChange",
                 "tblGridChange", "numberingChange", "moveFromRangeStart", "moveFromRangeEnd",
                 "moveToRangeStart", "moveToRangeEnd")
}  # fmt: skip


def printable_docx(package: Package) -> bytes:
    """A new .docx holding only what prints, with tracked changes accepted."""
    if package.kind != "docx":
        raise ValueError("printable_docx needs a .docx package")
    _register_namespaces(package)
    styles = hidden_styles(package)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in package.names:
            if name in _EMPTY_PARTS:
                data = _XML_DECLARATION + _EMPTY_PARTS[name]
            elif name.startswith("customXml/item") and not name.startswith("customXml/itemProps"):
                data = _XML_DECLARATION + b"<root/>"
            elif _STORY.match(name) or _NOTE_PART.match(name):
                data = serialise(_accept(package.xml(name), styles), package.read(name))
            elif name.startswith("word/glossary/") and name.endswith("document.xml"):
                data = _XML_DECLARATION + _EMPTY_GLOSSARY  # building blocks never print; their text goes
            elif name.startswith("docProps/thumbnail."):
                data = blank_image(package.read(name))  # a picture of the first page as it was saved
            else:
                data = package.read(name)
            target.writestr(name, data)
    return out.getvalue()


def serialise(root: Element, original: bytes) -> bytes:
    """A rewritten part as bytes, with every namespace its root declared in ``original`` declared again:
    ElementTree drops declarations no element uses, but ``mc:Ignorable`` names prefixes, and Word refuses
    a file whose ignorable prefixes are undeclared."""
    data = ET.tostring(root, encoding="utf-8")
    declared: dict[str, str] = {}
    for event, item in SafeXML.iterparse(io.BytesIO(original), events=("start-ns", "start")):
        if event == "start":
            break  # the root's own declarations come before its start event
        prefix, uri = item
        declared[prefix] = uri
    head_end = data.index(b">")  # tostring with encoding="utf-8" writes no declaration: the root comes first
    head = data[:head_end]
    missing = [
        f' xmlns:{prefix}="{uri}"'.encode()
        for prefix, uri in declared.items()
        if prefix and f"xmlns:{prefix}=".encode() not in head
    ]
    if missing:
        closing = head_end - 1 if head.endswith(b"/") else head_end
        data = data[:closing] + b"".join(missing) + data[closing:]
    return _XML_DECLARATION + data


def blank_image(data: bytes) -> bytes:
    """A white picture of the same size and format (PNG, JPEG, GIF; others give a white PNG): what a
    picture becomes where its pixels cannot be checked for names."""
    import pymupdf

    try:
        source = pymupdf.Pixmap(data)
        width, height = max(1, source.width), max(1, source.height)
    except Exception:  # noqa: BLE001 - a format MuPDF cannot read: a small white square
        width, height = 16, 16
    blank = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, width, height), False)
    blank.clear_with(255)
    kind = "jpeg" if data.startswith(b"\xff\xd8") else "png"
    return blank.tobytes(kind)


def _accept(root: Element, styles: frozenset[str] = frozenset()) -> Element:
    """Tracked changes accepted, comment anchors and hidden runs removed, revision ids stripped."""
    _rewrite(root, styles)
    for element in root.iter():
        for attribute in [a for a in element.attrib if a.startswith(f"{W}rsid")]:
            del element.attrib[attribute]
    return root


def _rewrite(parent: Element, styles: frozenset[str] = frozenset()) -> None:
    index = 0
    while index < len(parent):
        child = parent[index]
        hidden_run = child.tag == f"{W}r" and _hidden(child, styles)
        if child.tag in _REMOVED or child.tag in _CHANGE_RECORDS or _is_comment_reference(child) or hidden_run:
            parent.remove(child)
            continue
        if child.tag == f"{W}pPr":  # a hidden paragraph mark: the mark's vanish goes, the paragraph stays
            for mark in child.findall(f"{W}rPr"):
                for vanish in mark.findall(f"{W}vanish"):
                    mark.remove(vanish)
        if child.tag in _UNWRAPPED:
            parent.remove(child)
            for offset, grandchild in enumerate(list(child)):
                parent.insert(index + offset, grandchild)
            continue  # the moved-up children are visited in their turn
        _rewrite(child, styles)
        index += 1


def _is_comment_reference(element: Element) -> bool:
    return element.tag == f"{W}r" and element.find(f"{W}commentReference") is not None


def _register_namespaces(package: Package) -> None:
    """Keep the package's own prefixes (w:, wp:, mc: ...) when parts are written back: Word and
    LibreOffice read ``mc:Ignorable`` by prefix."""
    for name in ("word/document.xml",):
        if not package.has(name):
            continue
        for _event, (prefix, uri) in SafeXML.iterparse(io.BytesIO(package.read(name)), events=("start-ns",)):
            if prefix and not prefix.startswith("ns"):
                ET.register_namespace(prefix, uri)
