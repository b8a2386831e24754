"""Regex fragments and word lists shared by the recognizers (no Presidio, no spaCy: raw text only).

Python's ``re`` has no ``\\p{Lu}``, so the upper-case class is built once from the Latin blocks that
names in English safeguarding reviews and ECHR judgments actually use (Polish, Turkish, Romanian,
Lithuanian, Czech, German, French...).
"""

from __future__ import annotations

import re

# Upper-case letters of Basic Latin, Latin-1 and Latin Extended-A/B ("Ł", "Ş", "İ", "Ž").
UPPER = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isupper())
LOWER = "".join(chr(c) for c in range(0x61, 0x250) if chr(c).islower())
_U = f"[{UPPER}]"
_L = f"[{LOWER}]"
_LETTER = f"[{UPPER}{LOWER}]"

# A capitalised name token: "Hollins", "O'Brien", "McDonald", "Ellie-Mae", "Wiśniewska", "Taylor-Sabori".
# It never swallows a possessive "'s": the apostrophe is only allowed after a one-letter prefix.
NAME_TOKEN = rf"(?:{_U}['’])?{_U}{_L}+(?:{_U}{_L}+)?(?:-{_U}?{_L}+(?:{_U}{_L}+)?)?"
# An ALL-CAPS word: "HOLLINS", "O'BRIEN", "TAYLOR-SABORI".
CAPS_TOKEN = rf"{_U}(?:['’-]?{_U})+"
# A capitalised word of a place or institution name, possessives allowed ("St Anne's", "Tanner's").
PLACE_TOKEN = rf"{_U}{_LETTER}*(?:['’]s|s['’])?(?:-{_LETTER}+)*"
INITIAL = rf"{_U}\."

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Dates as written in reviews: 03/11/2017, 3.11.17, 2017-11-03, 3 November 2017, 3rd Nov. 2017,
# 14-Mar-2019, November 3, 2017.
DATE = (
    r"(?:"
    r"(?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:19|20)?\d\d"
    r"|(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?:[ \u00a0]+of)?"
    rf"[ \u00a0\-]+{MONTHS}\.?,?[ \u00a0\-]+(?:19|20)?\d\d"
    rf"|{MONTHS}\.?[ \u00a0]+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?[ \u00a0]+(?:19|20)?\d\d"
    r")"
)
DATE_RE = re.compile(rf"(?<![\w/.\-]){DATE}(?![\w/]|\.\d|-\d)", re.IGNORECASE)
FULL_DATE_RE = re.compile(rf"\s*{DATE}\s*", re.IGNORECASE)

# Small, explicit English stop list (spaCy's would pull the whole spaCy package in at import time).
STOP_WORDS = frozenset(
    """a about above across after afterwards again against all almost alone along already also although
    always am among an and another any anyhow anyone anything anyway anywhere are around as at be became
    because become been before beforehand behind being below beside besides between beyond both but by
    can cannot could did do does doing done down due during each either else elsewhere enough even ever
    every everyone everything everywhere except few first for former formerly from further had has have
    he hence her here hereafter hers herself him himself his how however i if in indeed into is it its
    itself just last latter least less made many may me meanwhile might more moreover most mostly much
    must my myself neither never nevertheless next no nobody none nor not nothing now nowhere of off
    often on once one only onto or other others otherwise our ours ourselves out over own per perhaps
    please put rather re same see seem seemed seems several she should show since so some somehow
    someone something sometime sometimes somewhere still such than that the their theirs them themselves
    then thence there thereafter thereby therefore therein these they this those though through
    throughout thus to together too toward towards under unless until up upon us used very via was we
    well were what whatever when whenever where whereas whether which while who whoever whole whom whose
    why will with within without would yet you your yours yourself dear mr mrs ms miss dr""".split()
)
MONTH_AND_DAY_WORDS = frozenset(
    """january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday""".split()
)
# Capitalised words that start or end institution names but are never part of a person's name.
ORG_WORDS = frozenset(
    """council police trust nhs care service services school academy nursery college hospital practice
    surgery team board partnership centre center agency authority department unit health housing help
    court university clinic ward government ministry office commission committee panel hub group
    foundation society association church street road avenue lane close drive way crescent grove place
    gardens terrace walk mews rise view square hill park row parade green county city borough
    safeguarding children social convention article section protocol act republic kingdom state""".split()
)
# Relationship and role words (lower case) that label people without naming them.
ROLE_WORDS = frozenset(
    """mother father mum dad parent parents sibling siblings brother sister son daughter child children
    baby infant partner grandmother grandfather grandparent grandparents uncle aunt cousin niece nephew
    stepfather stepmother carer boyfriend girlfriend husband wife subject twin family friend neighbour
    applicant applicants government court judge""".split()
)


def is_ordinary_word(word: str) -> bool:
    """True for a word that is a stop word, month/day, role or institution word in any casing."""
    low = word.lower().strip("'’.")
    return low in STOP_WORDS or low in MONTH_AND_DAY_WORDS or low in ORG_WORDS or low in ROLE_WORDS
