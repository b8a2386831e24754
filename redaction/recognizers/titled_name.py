"""Names after a courtesy, professional or police title: "Ms Morris", "Dr Okafor", "Mrs K. Hollins",
"Mr Robert Murray", "PC Dawson", "DC Smith", "Sgt Khan", "Nurse Patel".

Only the name is returned: the title stays readable ("Ms [redacted]"), which is how published reviews
refer to people. Titles are case-sensitive (police ranks per the College of Policing's abbreviations),
so "pc" or "DI" inside ordinary words never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._text import INITIAL, NAME_TOKEN, is_ordinary_word

TITLES = (
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "PC", "PS", "DC", "DS", "DI", "DCI", "PCSO",
    "Sgt", "Sergeant", "Insp", "Inspector", "Nurse", "Cllr", "Councillor", "Rev", "Revd", "Sir", "Dame",
    "Lord", "Lady", "Judge",
)  # fmt: skip
_SP = r"[ \u00a0]+"
_TITLED_RE = re.compile(
    rf"(?<![\w.])(?:{'|'.join(TITLES)})\.?{_SP}"
    rf"(?P<name>(?:{INITIAL}(?:{_SP}|-)?){{0,3}}{NAME_TOKEN}(?:{_SP}{NAME_TOKEN}){{0,3}})(?![\w])"
)
_SKIP_FIRST = frozenset({"Justice", "Chief", "Constable", "Detective", "Police", "Judge"})


class TitledNameRecognizer(TextRecognizer):
    """Finds up to four name tokens (initials allowed) after a title; returns the name without the title."""

    ENTITIES = ("PERSON",)
    SCORE = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        for match in _TITLED_RE.finditer(text):
            tokens = list(re.finditer(r"\S+", match.group("name")))
            base = match.start("name")
            while tokens and tokens[0].group() in _SKIP_FIRST:
                tokens.pop(0)
            # Trailing capitalised sentence furniture ("Mr Murray The ...") is not part of the name.
            while tokens and is_ordinary_word(tokens[-1].group()):
                tokens.pop()
            if not tokens or all(token.group().endswith(".") for token in tokens):
                continue
            if is_ordinary_word(tokens[0].group()) and len(tokens) == 1:
                continue
            yield Hit(base + tokens[0].start(), base + tokens[-1].end(), self.SCORE, "PERSON", "titled_name")
