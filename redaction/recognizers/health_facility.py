"""Named health facilities: GP surgeries and practices, health and medical centres, hospitals,
infirmaries, clinics and hospital wards ("Saltney Bridge Family Practice", "Riverside Medical Centre",
"St Luke's Hospital, Saltney Bridge", "Ward 7B").

Descriptors follow the NHS Organisation Data Service's site naming (GP practices, hospital sites,
clinics). A following ", Town" is included when it is one to three capitalised place words, because
"St Luke's Hospital" alone is shared by many towns and the town is part of the identifying name.
NHS trusts are agencies, kept in publication, so a name that continues into "NHS", "Trust" or
"Foundation" is skipped; "the hospital" and "Accident and Emergency" never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._institution import institution_pattern, trim_leading
from redaction.recognizers._text import MONTH_AND_DAY_WORDS, PLACE_TOKEN, ROLE_WORDS, STOP_WORDS

_DESCRIPTORS = (
    r"(?:(?:General|Children['’]s|Community|Memorial|District|Royal|University|Women['’]s|Maternity|"
    r"Family|Medical|Health|Dental|Mental[ \u00a0]+Health|Psychiatric|Urgent[ \u00a0]+Care|Walk-?in|"
    r"Sexual[ \u00a0]+Health)[ \u00a0]+)*"
    r"(?:Hospital|Infirmary|Surgery|Practice|Medical[ \u00a0]+Centre|Health[ \u00a0]+Centre|"
    r"Medical[ \u00a0]+Group|"
    r"Clinic|Hospice|Ward|Unit|Centre)"
)
_FACILITY_RE = institution_pattern(_DESCRIPTORS)
_WARD_RE = re.compile(r"(?<![\w\-])Ward[ \u00a0]+(?:\d{1,3}[A-Z]?|[A-Z]\d{0,2})(?![\w\-])")
_TOWN_RE = re.compile(rf",[ \u00a0]+((?:{PLACE_TOKEN}[ \u00a0]+){{0,2}}{PLACE_TOKEN})(?=[\s.,;:)\]]|$)")
_AGENCY_FOLLOWS = re.compile(r"[ \u00a0]+(?:NHS|Trust|Foundation|Board|Partnership|Services?)\b")
# Descriptors that need a stronger descriptor word before them to be a facility on their own.
_WEAK_KINDS = frozenset({"Practice", "Unit", "Centre", "Ward"})
_WEAK_OK_RE = re.compile(
    r"(?:Family|Medical|Health|Children['’]s|Maternity|Mental|Care|Walk-?in|Dental|Neonatal|Paediatric|"
    r"Assessment|Burns|Intensive)\b"
)
_NOT_FACILITY_NAMES = frozenset(
    {
        "Good",
        "Best",
        "Practice",
        "Clinical",
        "Professional",
        "Safeguarding",
        "Social",
        "Police",
        "Agency",
        "Business",
        "Research",
        "Learning",
        "Reflective",
        "Joint",
        "Shared",
    }
)

# "The Grange Health Centre": a capitalised "The" before a facility's name is usually part of it.
_KEEP_LEADING = frozenset({"St", "St.", "The"})


def _not_town_word(word: str) -> bool:
    low = word.lower()
    return low in STOP_WORDS or low in MONTH_AND_DAY_WORDS or low in ROLE_WORDS


class HealthFacilityRecognizer(TextRecognizer):
    """Finds named surgeries, practices, hospitals, clinics and numbered wards."""

    ENTITIES = ("HEALTH_FACILITY",)
    SCORE = 0.7
    WARD_SCORE = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for match in _FACILITY_RE.finditer(text):
            if _AGENCY_FOLLOWS.match(text, match.end()):
                continue
            start = trim_leading(text, match.start(), match.start("kind"), keep=_KEEP_LEADING)
            name_words = text[start : match.start("kind")].split()
            kind = match.group("kind")
            kind_words = kind.split()
            if not name_words and len(kind_words) < 2:
                continue
            if kind_words[-1] in _WEAK_KINDS and not (_WEAK_OK_RE.match(kind) or _WEAK_OK_RE.match(kind_words[0])):
                if len(kind_words) < 2:
                    continue
            if name_words and name_words[0] in _NOT_FACILITY_NAMES:
                continue
            end = match.end()
            town = _TOWN_RE.match(text, end)
            if town and not any(_not_town_word(word) for word in town.group(1).split()):
                end = town.end(1)
            yield Hit(start, end, self.SCORE, "HEALTH_FACILITY", "named_facility")
        for match in _WARD_RE.finditer(text):
            yield Hit(match.start(), match.end(), self.WARD_SCORE, "HEALTH_FACILITY", "numbered_ward")
