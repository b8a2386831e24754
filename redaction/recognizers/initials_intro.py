"""A name introduced with its initials: "Kayden-Lee Barraclough-Smith (KBS)", "Amira Hussain (hereafter AH)",
"Amira Hussain, referred to as 'AH' in this report".

Reports shorten a family member's name to initials and use them alone for the rest of the document. The
introduction itself is the strongest evidence there is that the capitalised words before the brackets
are a person's name, even one no lexicon knows (hyphenated, double-barrelled, from any language): the
letters in brackets are that name's initials. Both the name and the initials are found; the engine then
finds every later use of either (redaction.resolve.propagate). An organisation introduced the same way
("Multi-Agency Safeguarding Hub (MASH)") is made of ordinary English words and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.lexicon import is_common_word
from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._text import NAME_TOKEN, is_ordinary_word
from redaction.register import initial_forms

_S = r"[ \u00a0]+"
_INTRO_WORDS = r"(?:hereafter|hereinafter|henceforth|referred\s+to\s+as|known\s+as|called)"
_QUOTE = "[\"'‘’“”]?"
_INTRO_RE = re.compile(
    rf"(?<![\w'’\-])(?P<name>{NAME_TOKEN}(?:{_S}{NAME_TOKEN}){{1,3}})"
    # in brackets, with or without an introducing phrase: "(KBS)", "(hereafter AH)"
    rf"(?:{_S}?\((?:{_INTRO_WORDS}\s+)?{_QUOTE}(?P<initials>[A-Z]{{2,4}}){_QUOTE}\)"
    # or after a comma or a dash with one: ", referred to as 'AH'", " – hereafter AH"
    rf"|\s*[,–—-]?\s*(?:who\s+(?:is|will\s+be)\s+|and\s+)?{_INTRO_WORDS}\s+{_QUOTE}(?P<bare>[A-Z]{{2,4}}){_QUOTE}"
    rf"(?![\w'’\-]))"
)


class InitialsIntroRecognizer(TextRecognizer):
    """Finds names followed by their own initials in brackets, and those initials."""

    ENTITIES = ("PERSON",)
    SCORE = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        for match in _INTRO_RE.finditer(text):
            name = match.group("name")
            words = name.split()
            group = "initials" if match.group("initials") else "bare"
            if match.group(group) not in initial_forms(name):
                continue
            # An organisation's name holds an institution word or is made of ordinary words only ("Local
            # Safeguarding Children Board", "Serious Case Review"); a person's has a word no dictionary has.
            parts = [part for word in words for part in word.split("-") if part]
            if any(is_ordinary_word(part) for part in parts) or all(is_common_word(part) for part in parts):
                continue
            yield Hit(match.start("name"), match.end("name"), self.SCORE, "PERSON", "name_with_initials")
            yield Hit(match.start(group), match.end(group), self.SCORE, "PERSON", "introduced_initials")
