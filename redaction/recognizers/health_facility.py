"""Named health facilities: GP surgeries and practices, health and medical centres, hospitals,
infirmaries, clinics, urgent-care settings and hospital wards ("Saltney Bridge Family Practice",
"Riverside Medical Centre", "Dr Patel and Partners", "The Larkfield Practice", "St Luke's Hospital,
Saltney Bridge", "Ashby Minor Injuries Unit", "Ward 7B").

Descriptors are data (``redaction/vocabularies``), after the NHS Organisation Data Service's site naming
(GP practices, hospital sites, urgent and emergency care, clinics): ``health_facility_types.txt`` for the
word(s) a facility ends in, ``health_facility_qualifiers.txt`` for those that may stand before it; each
matched in Title Case or ALL CAPS. GP practices named after their doctors ("Dr A. Patel & Partners",
"Drs Patel, Khan and Partners") are a shape of their own. A following ", Town" is included when it is
one to three capitalised place words, because "St Luke's Hospital" alone is shared by many towns and
the town is part of the identifying name. NHS trusts are agencies, kept in publication, so a name that
continues into "NHS", "Trust" or "Foundation" is skipped; "the hospital", "the Walk-in Centre" and
"Accident and Emergency" never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.lexicon import is_common_word
from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._institution import (
    has_proper_word,
    institution_pattern,
    is_furniture,
    lower_case_type_pattern,
    proper_tail,
    trim_leading,
)
from redaction.recognizers._text import (
    INITIAL,
    MONTH_AND_DAY_WORDS,
    PLACE_TOKEN,
    ROLE_WORDS,
    STOP_WORDS,
)
from redaction.vocabularies import (
    HEALTH_FACILITY_QUALIFIERS,
    HEALTH_FACILITY_TYPES,
    THOROUGHFARES,
    load,
    pattern,
    words,
)

_S = r"[ \u00a0]+"
_TYPES = pattern(load(HEALTH_FACILITY_TYPES))
_DESCRIPTORS = rf"(?:{pattern(load(HEALTH_FACILITY_QUALIFIERS))}{_S})*{_TYPES}"
_FACILITY_RE = institution_pattern(_DESCRIPTORS)
_WARD_RE = re.compile(r"(?<![\w\-])Ward[ \u00a0]+(?:\d{1,3}[A-Z]?|[A-Z]\d{0,2})(?![\w\-])")
_TOWN_RE = re.compile(rf",[ \u00a0]+((?:{PLACE_TOKEN}[ \u00a0]+){{0,2}}{PLACE_TOKEN})(?=[\s.,;:)\]]|$)")
_AGENCY_FOLLOWS = re.compile(
    rf"{_S}{pattern(['NHS', 'Trust', 'Foundation', 'Board', 'Partnership', 'Service', 'Services'])}\b"
)
# "Dr Patel and Partners", "Dr A. Patel & Partners Surgery", "Drs Patel, Khan and Partners".
_DOCTOR = r"(?:Drs?|DRS?|Doctors?|DOCTORS?)\.?"
_DOCTOR_NAME = rf"(?:{INITIAL}[ \u00a0]*)*(?:{PLACE_TOKEN}{_S}){{0,2}}?{PLACE_TOKEN}"
_PARTNERS_RE = re.compile(
    rf"(?<![\w'’\-])(?:(?:The|THE){_S})?{_DOCTOR}{_S}{_DOCTOR_NAME}"
    rf"(?:(?:,{_S}|{_S}(?:and|AND|&){_S})(?:{_DOCTOR}{_S})?{_DOCTOR_NAME})*?"
    rf"{_S}(?:and|AND|&){_S}(?:Partners|PARTNERS|partners)(?:{_S}{_TYPES})?(?![\w\-])"
)
# Descriptors that need a stronger descriptor word before them to be a facility on their own.
_WEAK_KINDS = frozenset({"practice", "unit", "centre", "ward"})
_WEAK_OK_RE = re.compile(
    r"(?:Family|Medical|Health|Children['’]s|Maternity|Mental|Care|Walk-?in|Dental|Neonatal|Paediatric|"
    r"Assessment|Burns|Intensive)\b",
    re.IGNORECASE,
)
# "The Larkfield Practice" is a GP practice; "The Good Practice Guide" or "Safeguarding Practice Review"
# run on into a capitalised noun and are not ("THE LARKFIELD PRACTICE ON 3 MAY" does not run on).
_RUNS_ON_RE = re.compile(rf"{_S}(?P<word>[A-Z][\w'’\-]*)")
_NOT_FACILITY_NAMES = frozenset(
    {
        "good",
        "best",
        "practice",
        "clinical",
        "professional",
        "safeguarding",
        "social",
        "police",
        "agency",
        "business",
        "research",
        "learning",
        "reflective",
        "joint",
        "shared",
    }
)

_SETTLEMENT_WORDS = frozenset({"bridge", "town", "heath", "wood", "moor", "marsh", "bay", "village"})

# "The Grange Health Centre": a capitalised "The" before a facility's name is usually part of it, and
# so is the doctor a practice is named after ("Dr Shah's Surgery").
_KEEP_LEADING = frozenset({"St", "St.", "The", "Dr", "Dr.", "Drs"})


def _not_town_word(word: str) -> bool:
    low = word.lower()
    return low in STOP_WORDS or low in MONTH_AND_DAY_WORDS or low in ROLE_WORDS


def _runs_on(text: str, end: int) -> bool:
    following = _RUNS_ON_RE.match(text, end)
    return following is not None and following.group("word").lower() not in STOP_WORDS


def _describes(word: str) -> bool:
    """A participle, ordinary or furniture word says which practice ("the Registered Practice", "the
    Previous Practice"); it does not name one. In capitals, where case tells nothing, neither does any
    common English word ("THE SAME PRACTICE")."""
    if word.lower().endswith(("ed", "ing")) or is_furniture(word):
        return True
    return word.isupper() and is_common_word(word)


def _place_suffixes() -> frozenset[str]:
    return words(THOROUGHFARES) | _SETTLEMENT_WORDS


def _generic_words() -> frozenset[str]:
    return words(HEALTH_FACILITY_QUALIFIERS) | words(HEALTH_FACILITY_TYPES)


# House styles that do not capitalise the type: "the Larkfield surgery", "Ashby medical centre".
_LOWER_CASE_RE = lower_case_type_pattern(
    r"(?:surgery|medical[ \u00a0]+(?:centre|practice)|health[ \u00a0]+centre|group[ \u00a0]+practice)"
)


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
            # A descriptor alone ("the Health Centre", "Mother's GP Practice") names no facility.
            if not has_proper_word(" ".join(name_words), _generic_words()):
                continue
            if not self._strong_enough(text, match, name_words, kind_words):
                continue
            proper = [word for word in name_words if word.lower() not in {"the", "st", "st."}]
            if proper and proper[0].lower() in _NOT_FACILITY_NAMES:
                continue
            yield Hit(start, self._with_town(text, match.end()), self.SCORE, "HEALTH_FACILITY", "named_facility")
        for match in _PARTNERS_RE.finditer(text):
            yield Hit(match.start(), self._with_town(text, match.end()), self.SCORE, "HEALTH_FACILITY", "gp_partners")
        for match in _WARD_RE.finditer(text):
            yield Hit(match.start(), match.end(), self.WARD_SCORE, "HEALTH_FACILITY", "numbered_ward")
        for match in _LOWER_CASE_RE.finditer(text):
            name = match.group("name")
            skip = proper_tail(name, is_common_word)
            if skip < len(name) and name[skip:].split()[0].lower() not in _NOT_FACILITY_NAMES:
                yield Hit(match.start() + skip, match.end(), self.WARD_SCORE, "HEALTH_FACILITY", "named_facility_lower")

    @staticmethod
    def _strong_enough(text: str, match: re.Match[str], name_words: list[str], kind_words: list[str]) -> bool:
        """A lone weak descriptor ("Centre", "Unit") is not a facility; a lone "Practice" is a GP
        practice when "The" leads its name and it does not run on into another capitalised noun."""
        kind = " ".join(kind_words)
        if kind_words[-1].lower() not in _WEAK_KINDS or len(kind_words) >= 2:
            return True
        if _WEAK_OK_RE.match(kind):
            return True
        return (
            kind_words[0].lower() == "practice"
            and len(name_words) >= 2
            and name_words[0].lower() == "the"
            and not any(_describes(word) for word in name_words[1:])
            and not _runs_on(text, match.end())
        )

    @staticmethod
    def _with_town(text: str, end: int) -> int:
        town = _TOWN_RE.match(text, end)
        if not town:
            return end
        if not town.group(1).isupper():
            return end if any(_not_town_word(word) for word in town.group(1).split()) else town.end(1)
        # In capitals the sentence runs on in capitals too ("RIVERSIDE SURGERY, ABBOTSLEY WITH A BURN"):
        # the town is its words up to the first ordinary English one.
        # A place's second word may be ordinary ("SALTNEY BRIDGE", "PETERSFIELD ROW").
        town_end = end
        for word in re.finditer(r"\S+", town.group(1)):
            ordinary = _not_town_word(word.group()) or is_common_word(word.group())
            if ordinary and not (town_end > end and word.group().lower() in _place_suffixes()):
                break
            town_end = town.start(1) + word.end()
        return town_end
