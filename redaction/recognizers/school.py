"""Named schools, nurseries and early-years settings ("Cedar Grove Infant School",
"St Anne's Catholic Primary", "Little Acorns Nursery", "Sunflower Pre-School",
"Hollins Junior and Infant School", "St Mary's Church of England Primary Academy").

Descriptors are data (``redaction/vocabularies``): the setting types follow the DfE's Get Information
about Schools establishment types and phases plus Ofsted's early-years and childcare registers
(``school_types.txt``); the words that may stand between name and type — phases joined by "and",
categories, religious-character designations — are ``school_qualifiers.txt``. Each is matched in Title
Case or ALL CAPS. Generic "the school" has no capitalised name and is never matched, and a "name" made
only of those words ("Free School Meals", "a Grammar School") names no school.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.lexicon import is_common_word
from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._institution import (
    has_proper_word,
    institution_pattern,
    lower_case_type_pattern,
    proper_tail,
    trim_leading,
)
from redaction.vocabularies import SCHOOL_QUALIFIERS, SCHOOL_TYPES, load, pattern, words

_S = r"[ \u00a0]+"
_QUALIFIER = pattern(load(SCHOOL_QUALIFIERS))
# "Junior and Infant", "Infant & Nursery": two phases joined make one qualifier.
_QUALIFIERS = rf"(?:{_QUALIFIER}(?:{_S}(?:and|AND|&){_S}{_QUALIFIER})?{_S})*"
_DESCRIPTORS = rf"{_QUALIFIERS}{pattern(load(SCHOOL_TYPES))}"
_SCHOOL_RE = institution_pattern(_DESCRIPTORS)
# "Hollins Alternative Provision Academy", "Hollins School Sixth Form": one type after another.
_MORE_TYPES_RE = re.compile(rf"{_S}{_DESCRIPTORS}(?![\w\-])")
# "Hollins Primary School and Nursery": the setting's own nursery or sixth form is part of its name.
_AND_SETTING_RE = re.compile(rf"{_S}(?:and|AND|&){_S}{pattern(['Nursery', 'Sixth Form', 'Pre-School'])}(?![\w\-])")
# Bodies that end in a school-like descriptor but are not schools anyone attends.
_NOT_SCHOOLS = re.compile(
    r"^(?:Royal|National|Police|Open|University|Imperial|King['’]s|Queen['’]s|Medical|Nursing|Staff|Social|"
    r"Defence|Military|European|War|Inns?)\b",
    re.IGNORECASE,
)
# A local authority's virtual school (for children in care) is an agency the report keeps.
_AGENCY_LAST_WORDS = frozenset({"virtual"})
_PRIMARY_NOT_SCHOOL = re.compile(
    rf"{_S}{pattern(['Care', 'Mental', 'Health', 'Trust', 'Network', 'Legislation', 'Carer'])}\b"
)
# "Northshire School Nursing Service", "Hollins Academy Trust": the school word starts an agency's name.
_AGENCY_FOLLOWS = re.compile(
    rf"{_S}{pattern(['Nursing', 'Health', 'Service', 'Services', 'Team', 'Trust', 'Partnership', 'Board'])}\b"
)

# House styles that do not capitalise the type: "Ashby primary school", "the Larkfield nursery".
_AGENCY_FOLLOWS_ANY_CASE = re.compile(
    r"[ \u00a0]+(?:nursing|health|service|services|team|trust|partnership|board|network)\b", re.IGNORECASE
)
_LOWER_CASE_RE = lower_case_type_pattern(
    r"(?:(?:primary|junior|infants?|secondary|high|first|middle|grammar|nursery|special|infant and nursery)"
    r"[ \u00a0]+school|academy|nursery|pre-school|preschool|children['’]s[ \u00a0]+centre)"
)


def _generic_words() -> frozenset[str]:
    return words(SCHOOL_QUALIFIERS) | words(SCHOOL_TYPES)


class SchoolRecognizer(TextRecognizer):
    """Finds capitalised institution names ending in a school or early-years descriptor."""

    ENTITIES = ("SCHOOL",)
    SCORE = 0.7
    LOWER_CASE_SCORE = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for match in _SCHOOL_RE.finditer(text):
            kind = match.group("kind")
            if kind.lower().endswith("primary") and _PRIMARY_NOT_SCHOOL.match(text, match.end()):
                continue
            if _AGENCY_FOLLOWS.match(text, match.end()):
                continue
            start = trim_leading(text, match.start(), match.start("kind"), keep=frozenset({"St", "St."}))
            if start >= match.start("kind"):
                continue
            name = text[start : match.start("kind")]
            if _NOT_SCHOOLS.match(name) or not has_proper_word(name, _generic_words()):
                continue
            if name.split()[-1].lower() in _AGENCY_LAST_WORDS:
                continue
            end = match.end()
            while more := _MORE_TYPES_RE.match(text, end) or _AND_SETTING_RE.match(text, end):
                end = more.end()
            yield Hit(start, end, self.SCORE, "SCHOOL", "named_school")
        for match in _LOWER_CASE_RE.finditer(text):
            name = match.group("name")
            skip = proper_tail(name, is_common_word)
            if _AGENCY_FOLLOWS_ANY_CASE.match(text, match.end()):
                continue
            if skip < len(name) and not _NOT_SCHOOLS.match(name[skip:]):
                yield Hit(match.start() + skip, match.end(), self.LOWER_CASE_SCORE, "SCHOOL", "named_school_lower")
