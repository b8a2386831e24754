"""A Word draft's hidden channels as detection text: read with the PDF printed from it.

Each hidden item (``hygiene.HiddenItem``: a comment, a deleted passage, a property ...) becomes a piece
of the extracted document's text with the channel ``word <channel>`` and no position on a page, like the
PDF's own metadata. Detection, the register, the document's kept names and propagation then treat it
like any other text: a name found only in a comment is removed from every page where it also occurs,
shown to the reviewer with the channel it was found in, and required to be absent from the output.

The fields that hold a person's name by definition (who wrote a comment or a change, the document's
author) are proposed whole when they look like a name, whatever NER makes of two words on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from redaction.types import Span

PREFIX = "word "
#: channels whose whole text is a person's name
AUTHOR_CHANNELS = frozenset({"comment author", "change author", "people"})
#: document properties that name a person (docProps/core.xml, docProps/app.xml, an .odt's meta.xml)
AUTHOR_PROPERTIES = ("creator", "lastModifiedBy", "Manager", "initial-creator")
#: what Word and LibreOffice write when nobody set a name
_PLACEHOLDERS = {"author", "user", "unknown author", "microsoft office user", "windows user", "admin", "owner"}
_NAME = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3}")


def detection_pieces(hidden: Iterable[Mapping[str, str]]) -> list[tuple[str, str, str]]:
    """``(channel, where, text)`` for ``extract_pdf(extra=...)``: every hidden item with text."""
    return [
        (PREFIX + str(item["channel"]), str(item.get("where", "")), str(item["text"]))
        for item in hidden
        if str(item.get("text", "")).strip()
    ]


def author_spans(text: str, pieces: Iterable[tuple[int, int, str, str | None]]) -> Iterator[Span]:
    """A PERSON span over each author field that looks like a personal name. ``pieces`` are the
    extracted document's ``(start, end, channel, ref)``."""
    for start, end, channel, ref in pieces:
        if not channel.startswith(PREFIX) or not _is_author_field(channel[len(PREFIX) :], ref or ""):
            continue
        value = text[start:end]
        # "Sarah Jones (Social Worker)", "Sarah Jones SJ": the name is the leading capitalised words
        match = _NAME.match(value.strip())
        if match is None or match.group(0).lower() in _PLACEHOLDERS:
            continue
        offset = start + (len(value) - len(value.lstrip()))
        yield Span(offset, offset + match.end(), "PERSON", 1.0, "channel", "WordAuthorField", match.group(0))


def _is_author_field(channel: str, where: str) -> bool:
    if channel in AUTHOR_CHANNELS:
        return True
    return channel == "document property" and where.rsplit(", ", 1)[-1] in AUTHOR_PROPERTIES
