"""The hygiene report of a Word draft: every place in the package where text hides from a printed page.

Names survive in published reports exactly here: a deleted passage still in the tracked changes, a
comment and its author, the document's properties, hidden text, text boxes, a picture's description,
field codes, hyperlinks, the glossary, the list of people who edited it. Each place is reported as a
:class:`HiddenItem` (which channel, where in the package, and its text), so that detection can scan the
text and the reviewer can see where a finding was. Headers, footers and notes print, but are listed too:
they are where a draft's template leaves the author's or the family's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from redaction.word.package import Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"

#: the channels, in the order the report lists them
CHANNELS = (
    "tracked deletion", "tracked insertion", "change author", "comment", "comment author", "document property",
    "custom property", "hidden text", "header", "footer", "footnote", "endnote", "text box",
    "image description", "embedded object", "field code", "hyperlink", "glossary", "people", "custom XML",
)  # fmt: skip

_APP_PROPERTIES = ("Company", "Manager", "Template", "HyperlinkBase")
_CORE_PROPERTIES = ("creator", "lastModifiedBy", "title", "subject", "keywords", "description", "category",
                    "contentStatus", "identifier")  # fmt: skip
_NOTE_PART = re.compile(r"word/(header|footer|footnotes|endnotes)\d*\.xml$")


@dataclass(frozen=True)
class HiddenItem:
    channel: str
    #: where in the package, for the reviewer: "word/comments.xml, comment 3", "docProps/core.xml, creator"
    where: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"channel": self.channel, "where": self.where, "text": self.text}


def hidden_items(package: Package) -> list[HiddenItem]:
    """Every hidden or easily-forgotten text in the package, with its channel and place."""
    items = list(_odt_items(package) if package.kind == "odt" else _docx_items(package))
    return [item for item in items if item.text.strip() or item.channel == "embedded object"]


def channel_counts(items: Iterable[HiddenItem]) -> dict[str, int]:
    """How many items each channel holds (no text): what the uploader's summary shows."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.channel] = counts.get(item.channel, 0) + 1
    return {channel: counts[channel] for channel in CHANNELS if channel in counts}


# ---------------------------------------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------------------------------------
def _docx_items(package: Package) -> Iterator[HiddenItem]:
    styles = hidden_styles(package)
    for name in package.names:
        if name == "word/document.xml":
            yield from _story_items(package.xml(name), name, styles)
        elif match := _NOTE_PART.match(name):
            kind = {"header": "header", "footer": "footer", "footnotes": "footnote", "endnotes": "endnote"}
            root = package.xml(name)
            yield HiddenItem(kind[match.group(1)], name, _text(root))
            yield from _story_items(root, name, styles)
        elif name == "word/comments.xml":
            yield from _comments(package.xml(name), name)
        elif name == "word/people.xml":
            for person in package.xml(name).iter(f"{W15}person"):
                yield HiddenItem("people", name, person.get(f"{W15}author", ""))
        elif name.startswith("word/glossary/") and name.endswith("document.xml"):
            yield HiddenItem("glossary", name, _text(package.xml(name)))
        elif name == "docProps/core.xml":
            for element in package.xml(name):
                if _local(element.tag) in _CORE_PROPERTIES:
                    yield HiddenItem("document property", f"{name}, {_local(element.tag)}", element.text or "")
        elif name == "docProps/app.xml":
            for element in package.xml(name):
                if _local(element.tag) in _APP_PROPERTIES:
                    yield HiddenItem("document property", f"{name}, {_local(element.tag)}", element.text or "")
        elif name == "docProps/custom.xml":
            for prop in package.xml(name):
                value = " ".join(t for t in (e.text for e in prop.iter()) if t)
                yield HiddenItem("custom property", f"{name}, {prop.get('name', '')}", value)
        elif name.startswith("word/embeddings/"):
            yield HiddenItem("embedded object", name, "")
        elif name.startswith("customXml/item") and not name.startswith("customXml/itemProps"):
            yield HiddenItem("custom XML", name, _all_text(package.xml(name)))
        elif name.endswith(".rels"):
            for rel in package.xml(name).iter(f"{REL}Relationship"):
                if rel.get("TargetMode") == "External":
                    yield HiddenItem("hyperlink", name, rel.get("Target", ""))


def _story_items(root: Element, part: str, styles: frozenset[str] = frozenset()) -> Iterator[HiddenItem]:
    """Tracked changes, hidden runs, text boxes, picture descriptions and field codes in one story."""
    authors: dict[str, str] = {}
    for n, deleted in enumerate(_iter_any(root, "del", "moveFrom"), 1):
        yield HiddenItem("tracked deletion", f"{part}, deletion {n}", _text(deleted))
        authors.setdefault(deleted.get(f"{W}author") or "", f"{part}, deletion {n}")
    for n, inserted in enumerate(_iter_any(root, "ins", "moveTo"), 1):
        yield HiddenItem("tracked insertion", f"{part}, insertion {n}", _text(inserted))
        authors.setdefault(inserted.get(f"{W}author") or "", f"{part}, insertion {n}")
    for author, first in authors.items():  # each person who made changes, once, where they first did
        if author:
            yield HiddenItem("change author", first, author)
    for n, run in enumerate((r for r in root.iter(f"{W}r") if _hidden(r, styles)), 1):
        yield HiddenItem("hidden text", f"{part}, hidden run {n}", _text(run))
    for n, box in enumerate(root.iter(f"{W}txbxContent"), 1):
        yield HiddenItem("text box", f"{part}, text box {n}", _text(box))
    for n, picture in enumerate(root.iter(f"{WP}docPr"), 1):
        described = " ".join(v for v in (picture.get("title"), picture.get("descr"), picture.get("name")) if v)
        yield HiddenItem("image description", f"{part}, picture {n}", described)
    for n, code in enumerate(root.iter(f"{W}instrText"), 1):
        yield HiddenItem("field code", f"{part}, field {n}", code.text or "")
    for n, simple in enumerate(root.iter(f"{W}fldSimple"), 1):
        yield HiddenItem("field code", f"{part}, simple field {n}", simple.get(f"{W}instr", ""))


def _comments(root: Element, part: str) -> Iterator[HiddenItem]:
    for n, comment in enumerate(root.iter(f"{W}comment"), 1):
        where = f"{part}, comment {n}"
        author = " ".join(v for v in (comment.get(f"{W}author"), comment.get(f"{W}initials")) if v)
        yield HiddenItem("comment author", where, author)
        yield HiddenItem("comment", where, _text(comment))


def _hidden(run: Element, styles: frozenset[str] = frozenset()) -> bool:
    """A run formatted as hidden: directly (``w:vanish``) or through its character style, unless it
    switches the style's hiding off."""
    props = run.find(f"{W}rPr")
    if props is None:
        return False
    vanish = props.find(f"{W}vanish")
    if vanish is not None:
        return vanish.get(f"{W}val", "true") not in ("0", "false", "off")
    style = props.find(f"{W}rStyle")
    return style is not None and style.get(f"{W}val", "") in styles


def hidden_styles(package: Package) -> frozenset[str]:
    """The ids of the styles that hide their text (``w:vanish`` in the style's run properties)."""
    if not package.has("word/styles.xml"):
        return frozenset()
    hidden = set()
    for style in package.xml("word/styles.xml").iter(f"{W}style"):
        vanish = style.find(f"{W}rPr/{W}vanish")
        if vanish is not None and vanish.get(f"{W}val", "true") not in ("0", "false", "off"):
            hidden.add(style.get(f"{W}styleId", ""))
    return frozenset(hidden)


def _iter_any(root: Element, *names: str) -> Iterator[Element]:
    tags = {f"{W}{name}" for name in names}
    return (element for element in root.iter() if element.tag in tags)


def _text(element: Element) -> str:
    """The words of a story or part: its text runs, deleted runs and tabs/breaks as spaces, paragraph
    by paragraph."""
    paragraphs = []
    for paragraph in [element] if element.tag != f"{W}body" else list(element):
        words: list[str] = []
        for node in paragraph.iter():
            if node.tag in (f"{W}t", f"{W}delText") and node.text:
                words.append(node.text)
            elif node.tag in (f"{W}tab", f"{W}br", f"{W}p") and words and not words[-1].endswith(" "):
                words.append(" ")
        paragraphs.append("".join(words).strip())
    return "\n".join(p for p in paragraphs if p)


def _all_text(element: Element) -> str:
    return " ".join(t.strip() for t in element.itertext() if t.strip())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# ---------------------------------------------------------------------------------------------------------
# .odt
# ---------------------------------------------------------------------------------------------------------
def _odt_items(package: Package) -> Iterator[HiddenItem]:
    if package.has("meta.xml"):
        for element in package.xml("meta.xml").iter():
            if element.tag in (f"{DC}creator", f"{DC}title", f"{DC}subject", f"{DC}description",
                               f"{META}initial-creator", f"{META}keyword", f"{META}user-defined"):  # fmt: skip
                yield HiddenItem("document property", f"meta.xml, {_local(element.tag)}", element.text or "")
    if package.has("content.xml"):
        root = package.xml("content.xml")
        for n, region in enumerate(root.iter(f"{TEXT}changed-region"), 1):
            channel = "tracked deletion" if region.find(f".//{TEXT}deletion") is not None else "tracked insertion"
            yield HiddenItem(channel, f"content.xml, change {n}", _all_text(region))
        for n, note in enumerate(root.iter(f"{OFFICE}annotation"), 1):
            creator = note.find(f"{DC}creator")
            yield HiddenItem(
                "comment author", f"content.xml, comment {n}", "" if creator is None else creator.text or ""
            )
            yield HiddenItem("comment", f"content.xml, comment {n}", _all_text(note))
        for n, hidden in enumerate(
            e for e in root.iter() if e.tag in (f"{TEXT}hidden-paragraph", f"{TEXT}hidden-text")
        ):
            yield HiddenItem("hidden text", f"content.xml, hidden {n + 1}", _all_text(hidden))
