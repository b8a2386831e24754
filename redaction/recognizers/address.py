"""Street addresses: "14 Larch Close", "27 Brook Street, Rotherham S60 2TT", "12a Mill Lane",
"Flat 3, Priory House", "Flat 4, Weaver House, Dunford DN2 9EA".

Shape per Royal Mail's Programmers' Guide to the Postcode Address File (sub-building, building name,
thoroughfare number + name + thoroughfare descriptor, post town, postcode); descriptors are the common
ones in PAF. The town is taken only when a postcode follows it, so prose after an address is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left
from redaction.recognizers._text import PLACE_TOKEN

_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Close|Lane|Drive|Way|Crescent|Grove|Court|Place|Gardens|Terrace|Walk|"
    "Mews|Rise|View|Square|Hill|Park|Row|Parade|Green|Fold|Bank|Brow|Gate|Meadows|Meadow|Yard|Wynd|"
    "Chase|Croft|Vale|Heights|Boulevard|Circus|Approach|Side|Vale|Lea|Dale|Field|Fields|Wharf|Quay|Path|"
    "Hey|Garth|Nook|Crest|Glade|Ridge|Mount|Lawn|Lawns|Orchard|End|Broadway|Embankment|Promenade|Passage"
)
_BUILDING_TYPES = (
    "House|Court|Lodge|Mansions|Tower|Towers|Building|Buildings|Heights|Point|Hall|Block|Flats|"
    "Apartments|Cottages|Villas|Chambers|Place|Works|Mill"
)
_POSTCODE = (
    r"(?:[A-PR-UWYZ][0-9][0-9A-HJKMNPR-Y]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
    r"[ \u00a0]?[0-9][ABD-HJLNP-UW-Z]{2}"
)
_WORDS = rf"(?:{PLACE_TOKEN}[ \u00a0]+){{0,3}}?{PLACE_TOKEN}"
_TOWN_POSTCODE = (
    rf"(?:,?[ \u00a0]+(?:{PLACE_TOKEN}[ \u00a0]+){{0,2}}?{PLACE_TOKEN}(?:,)?[ \u00a0]+{_POSTCODE}"
    rf"|,?[ \u00a0]+{_POSTCODE})"
)
_STREET = rf"\d{{1,4}}[A-Za-z]?(?:-\d{{1,4}})?,?[ \u00a0]+{_WORDS}[ \u00a0]+(?:{_STREET_TYPES})\b"
_STREET_RE = re.compile(rf"(?<![\w/.,\-£$€]){_STREET}(?:{_TOWN_POSTCODE})?(?![\w\-])")
_FLAT_RE = re.compile(
    rf"\b(?:Flat|Apartment|Apt\.?|Unit|Room|Suite)[ \u00a0]+\d{{1,4}}[A-Za-z]?,?[ \u00a0]+{_WORDS}[ \u00a0]+"
    rf"(?:{_BUILDING_TYPES})\b(?:,?[ \u00a0]+{_STREET})?(?:{_TOWN_POSTCODE})?(?![\w\-])"
)
# Numbers that are section, paragraph, article or quantity references, not house numbers.
_NOT_HOUSE_RE = re.compile(
    r"\b(?:section|sections|s\.|article|articles|art\.|paragraph|paragraphs|para|paras|rule|rules|regulation|"
    r"protocol|chapter|schedule|part|page|pages|p\.|pp\.|no\.|nos\.|number|aged|age|year|years|vol\.|volume|"
    r"appendix|annex|finding|recommendation|level|grade|stage|tier|key stage|ward|bed|room|flat|unit|"
    r"apartment|at|of|about|over|under|approximately|£|\$)\s*$",
    re.IGNORECASE,
)
_NOT_STREET_WORDS = frozenset(
    {
        "Crown",
        "High",
        "County",
        "Supreme",
        "Appeal",
        "Appeals",
        "Magistrates",
        "Magistrates'",
        "Family",
        "Youth",
        "Coroner's",
        "Coroners",
        "Constitutional",
        "Regional",
        "District",
        "Military",
        "European",
        "Federal",
        "Administrative",
        "Cassation",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Article",
        "Articles",
        "Section",
        "Rule",
        "Protocol",
    }
)


class AddressRecognizer(TextRecognizer):
    """Finds house-number + street-name + descriptor addresses and flat/building addresses."""

    ENTITIES = ("ADDRESS",)
    STREET_SCORE = 0.6
    FLAT_SCORE = 0.65

    def find(self, text: str) -> Iterator[Hit]:
        for match in _STREET_RE.finditer(text):
            words = match.group().split()
            if any(word.strip(",") in _NOT_STREET_WORDS for word in words[1:4]):
                continue
            # "(at) 14" with "at" is fine; only quantity/reference words disqualify.
            if context_left(_NOT_HOUSE_RE, text, match.start(), 25) and not _lead_is_at(text, match.start()):
                continue
            yield Hit(match.start(), match.end(), self.STREET_SCORE, "ADDRESS", "street_address")
        for match in _FLAT_RE.finditer(text):
            yield Hit(match.start(), match.end(), self.FLAT_SCORE, "ADDRESS", "flat_address")


_AT_RE = re.compile(r"\b(?:at|of|to|from|in)\s*$", re.IGNORECASE)


def _lead_is_at(text: str, start: int) -> bool:
    """A preposition before the number ("lived at 14 Larch Close") marks a real address."""
    return _AT_RE.search(text, max(0, start - 6), start) is not None
