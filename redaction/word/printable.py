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

from redaction.word.hygiene import _NOTE_PART, W, _hidden
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
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in package.names:
            if name in _EMPTY_PARTS:
                data = _XML_DECLARATION + _EMPTY_PARTS[name]
            elif name.startswith("customXml/item") and not name.startswith("customXml/itemProps"):
                data = _XML_DECLARATION + b"<root/>"
            elif _STORY.match(name) or _NOTE_PART.match(name):
                data = _XML_DECLARATION + ET.tostring(_accept(package.xml(name)), encoding="utf-8")
            else:
                data = package.read(name)
            target.writestr(name, data)
    return out.getvalue()


def _accept(root: Element) -> Element:
    """Tracked changes accepted, comment anchors and hidden runs removed, revision ids stripped."""
    _rewrite(root)
    for element in root.iter():
        for attribute in [a for a in element.attrib if a.startswith(f"{W}rsid")]:
            del element.attrib[attribute]
    return root


def _rewrite(parent: Element) -> None:
    index = 0
    while index < len(parent):
        child = parent[index]
        if child.tag in _REMOVED or child.tag in _CHANGE_RECORDS or _is_comment_reference(child) or _hidden(child):
            parent.remove(child)
            continue
        if child.tag in _UNWRAPPED:
            parent.remove(child)
            for offset, grandchild in enumerate(list(child)):
                parent.insert(index + offset, grandchild)
            continue  # the moved-up children are visited in their turn
        _rewrite(child)
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
