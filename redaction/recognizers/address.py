"""Street addresses: "14 Larch Close", "27 Brook Street, Rotherham S60 2TT", "12a Mill Lane",
"Flat 3, Priory House", "Flat 4, Weaver House, Dunford DN2 9EA".

Shape per Royal Mail's Programmers' Guide to the Postcode Address File (sub-building, building name,
thoroughfare number + name + thoroughfare descriptor, post town, postcode). The descriptors are data:
PAF's thoroughfare descriptors (``vocabularies/thoroughfares.txt``: "Quay", "Causeway", "Paddocks") and
building and block words (``vocabularies/buildings.txt``: "Mansions", "Tower", "Maltings"), matched in
Title Case or ALL CAPS and only after a capitalised name and a house number or "Flat N," ("14 Ashdown
Mansions", "Flat 3, Kestrel Tower", "5 The Paddocks", "14 ASHDOWN MANSIONS"), so "a tower of strength"
or "the court heard" is never proposed. The town is taken only when a postcode follows it, so prose
after an address is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left
from redaction.recognizers._institution import CAPS_POSSESSIVE
from redaction.recognizers._text import MONTH_AND_DAY_WORDS, PLACE_TOKEN, STOP_WORDS
from redaction.vocabularies import BUILDINGS, THOROUGHFARES, load, pattern

_S = r"[ \u00a0]+"
# Thoroughfare descriptors and building/block words are data (``redaction/vocabularies``), each matched
# in Title Case or ALL CAPS. A few building words are also ordinary heading words ("3 Key Learning Point",
# "2 Town Hall"), so after a bare house number they are not taken; after "Flat N," they are.
_FLAT_ONLY = frozenset({"Point", "Block", "Flats", "Apartments", "Building", "Works", "Hall", "Halls", "Foyer"})
_STREET_TYPES = pattern(load(THOROUGHFARES))
_HOUSE_TYPES = pattern([*load(THOROUGHFARES), *(w for w in load(BUILDINGS) if w not in _FLAT_ONLY)])
_BUILDING_TYPES = pattern([*load(BUILDINGS), *load(THOROUGHFARES)])
_POSTCODE = (
    r"(?:[A-PR-UWYZ][0-9][0-9A-HJKMNPR-Y]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
    r"[ \u00a0]?[0-9][ABD-HJLNP-UW-Z]{2}"
)
# A name word: "Larch", "St", "Tanner's", or in capitals "ST MARY'S".
_WORD = rf"(?:{PLACE_TOKEN}|{CAPS_POSSESSIVE})"
_WORDS = rf"(?:{_WORD}{_S}){{0,3}}?{_WORD}"
_TOWN_POSTCODE = (
    rf"(?:,?[ \u00a0]+(?:{PLACE_TOKEN}[ \u00a0]+){{0,2}}?{PLACE_TOKEN}(?:,)?[ \u00a0]+{_POSTCODE}"
    rf"|,?[ \u00a0]+{_POSTCODE})"
)
_NUMBER = r"\d{1,4}[A-Za-z]?(?:-\d{1,4})?"
_STREET = rf"{_NUMBER},?{_S}{_WORDS}{_S}{_STREET_TYPES}\b"
_HOUSE = rf"{_NUMBER},?{_S}(?P<words>{_WORDS}){_S}(?P<kind>{_HOUSE_TYPES})\b"
_STREET_RE = re.compile(rf"(?<![\w/.,\-£$€]){_HOUSE}(?P<town>{_TOWN_POSTCODE})?(?![\w\-])")
_FLAT_WORD = pattern(["Flat", "Apartment", "Apt", "Unit", "Room", "Suite"])
_FLAT_RE = re.compile(
    rf"\b(?:{_FLAT_WORD}\.?|flat|apartment){_S}\d{{1,4}}[A-Za-z]?,?{_S}{_WORDS}{_S}"
    rf"{_BUILDING_TYPES}\b(?:,?{_S}{_STREET})?(?:{_TOWN_POSTCODE})?(?![\w\-])"
)
# Numbers that are section, paragraph, article or quantity references, not house numbers.
_NOT_HOUSE_RE = re.compile(
    r"\b(?:section|sections|s\.|article|articles|art\.|paragraph|paragraphs|para|paras|rule|rules|regulation|"
    r"protocol|chapter|schedule|part|page|pages|p\.|pp\.|no\.|nos\.|number|aged|age|year|years|vol\.|volume|"
    r"appendix|annex|finding|recommendation|level|grade|stage|tier|key stage|ward|bed|room|flat|unit|"
    r"apartment|at|of|about|over|under|approximately|£|\$)\s*$",
    re.IGNORECASE,
)
# Names of courts, which "<number> <name> Court" would otherwise read as a block of flats ("3 Leeds Crown
# Court"); on any other descriptor they are street names ("14 High Street", "3 Crown Road").
_COURT_WORDS = frozenset(
    """crown high county supreme appeal appeals magistrates magistrates' family youth coroner's coroners
    constitutional regional district military european federal administrative cassation""".split()
)
_COURT_KINDS = frozenset({"court", "courts", "ct"})
# Words after a number that make it a date, a legal reference or a size ("a 3 Bed House"), never a street.
_NOT_STREET_WORDS = MONTH_AND_DAY_WORDS | frozenset(
    {"article", "articles", "section", "rule", "protocol", "bed", "bedroom", "bedroomed", "storey"}
)


class AddressRecognizer(TextRecognizer):
    """Finds house-number + street-name + descriptor addresses and flat/building addresses."""

    ENTITIES = ("ADDRESS",)
    STREET_SCORE = 0.6
    FLAT_SCORE = 0.65

    def find(self, text: str) -> Iterator[Hit]:
        for match in _STREET_RE.finditer(text):
            if not _is_street_name(text, match):
                continue
            # "(at) 14" with "at" is fine; only quantity/reference words disqualify.
            if context_left(_NOT_HOUSE_RE, text, match.start(), 25) and not _lead_is_at(text, match.start()):
                continue
            yield Hit(match.start(), match.end(), self.STREET_SCORE, "ADDRESS", "street_address")
        for match in _FLAT_RE.finditer(text):
            yield Hit(match.start(), match.end(), self.FLAT_SCORE, "ADDRESS", "flat_address")


def _is_street_name(text: str, match: re.Match[str]) -> bool:
    """The words between number and descriptor name a street or building.

    Not when they are a date, a legal reference or a court; not when a stop word is among them ("6 Next
    Steps", "3 Other Way"), except a leading "The" ("5 The Paddocks"); and not a bare "<number> The
    <descriptor>" that opens a line, which is a numbered heading ("5 The Way Forward") unless a postcode
    follows it.
    """
    names = [word.lower() for word in match.group("words").split()]
    if any(word in _NOT_STREET_WORDS for word in names):
        return False
    if match.group("kind").lower() in _COURT_KINDS and any(word in _COURT_WORDS for word in names):
        return False
    if any(word in STOP_WORDS for word in names[1:]) or (names[0] in STOP_WORDS and names[0] != "the"):
        return False
    if names == ["the"] and not match.group("town"):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not text[line_start : match.start()].strip():
            return False
    return True


_AT_RE = re.compile(r"\b(?:at|of|to|from|in)\s*$", re.IGNORECASE)


def _lead_is_at(text: str, start: int) -> bool:
    """A preposition before the number ("lived at 14 Larch Close") marks a real address."""
    return _AT_RE.search(text, max(0, start - 6), start) is not None
