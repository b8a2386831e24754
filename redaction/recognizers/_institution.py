"""Shared shape of named institutions ("Cedar Grove Infant School", "St Luke's Hospital").

A name is one to six capitalised words, optionally led by "St"/"St." and allowing "Church of England",
"C of E" and a saint's "and St" ("St Peter and St Paul") inside, ending in a descriptor. Leading words
that are sentence furniture ("During", "The", "Mother", months) are trimmed off, so "During Cedar Grove
Infant School" gives the school only; a name that ends in a street ("Church Street Surgery", "Park View
Academy") keeps its street even when the street's words are ordinary ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from redaction.recognizers._text import PLACE_TOKEN, STOP_WORDS, UPPER, is_ordinary_word
from redaction.vocabularies import THOROUGHFARES, load

_S = r"[ \u00a0]+"
# PLACE_TOKEN's possessive is lower case ("Mary's"); in capitals it is "MARY'S".
CAPS_POSSESSIVE = rf"[{UPPER}]+['’]S"
_NAME_WORD = (
    rf"(?:{PLACE_TOKEN}|{CAPS_POSSESSIVE}|Church{_S}of{_S}England|CHURCH{_S}OF{_S}ENGLAND|C{_S}of{_S}E|C{_S}OF{_S}E|&"
    rf"|and(?={_S}(?:St\.?|Saint){_S}))"
)


def institution_pattern(descriptors: str, max_words: int = 6) -> re.Pattern[str]:
    """Compile "<capitalised words> <descriptor>" with the name words in group ``name``."""
    return re.compile(
        rf"(?<![\w'’\-])(?P<name>(?:(?:St|ST)\.?{_S})?"
        rf"(?:{_NAME_WORD}{_S}){{0,{max_words - 1}}}?{_NAME_WORD})"
        rf"{_S}(?P<kind>{descriptors})(?![\w\-])"
    )


_TOKEN_RE = re.compile(r"\S+")
# Stop words that open church dedications ("All Saints", "Our Lady", "Our Saviour's").
_DEDICATIONS = frozenset({("all", "saints"), ("our", "lady"), ("our", "saviour"), ("our", "saviour's")})


def _street_words() -> frozenset[str]:
    return frozenset(word.lower() for word in load(THOROUGHFARES))


def _is_street_start(words: list[str], index: int) -> bool:
    """``words[index]`` opens "<Word> <thoroughfare>" ("Church Street", "Park View")."""
    return (
        index + 1 < len(words)
        and words[index + 1].lower().rstrip(",") in _street_words()
        and words[index].lower() not in STOP_WORDS
    )


def _opens_dedication(words: list[str], index: int) -> bool:
    return index + 1 < len(words) and (words[index].lower(), words[index + 1].lower()) in _DEDICATIONS


# Report verbs that, in capitals, run a person into an institution ("REECE ATTENDED OAKFIELD SCHOOL").
_SENTENCE_WORDS = frozenset(
    """attended attending visited joined left started moved registered admitted discharged seen saw told
    said contacted referred transferred called rang wrote emailed""".split()
)


def _interior_break(words: list[str], index: int) -> bool:
    """A stop word or report verb inside a name ("LEARNING FROM THE PRIMARY SCHOOL", "REECE ATTENDED
    OAKFIELD SCHOOL") ends the furniture before it; "of" in "Church of England" / "C of E" and a
    saint's "and St" do not."""
    low = words[index].lower()
    if low in _SENTENCE_WORDS:
        return True
    if low not in STOP_WORDS or _opens_dedication(words, index):
        return False
    if low == "of" and 0 < index < len(words) - 1:
        pair = (words[index - 1].lower(), words[index + 1].lower())
        return pair not in {("church", "england"), ("c", "e")}
    if low == "and" and index + 1 < len(words):
        return words[index + 1].lower().rstrip(".") not in {"st", "saint"}
    return True


def trim_leading(text: str, start: int, end: int, keep: frozenset[str] = frozenset()) -> int:
    """Move ``start`` past leading words that cannot begin an institution's name.

    A leading possessive is someone else's ("Kelly's Cedar Grove School", "Mother's GP Practice") unless
    it is the whole name and not an ordinary word's ("Tanner's Medical Centre"). ``keep`` words ("St",
    "The") begin a name in any casing. After the name's first word, a stop word or report verb in
    capitals or title case ("From", "THE", "ATTENDED") means what came before was a heading or a
    sentence, so the name starts after it (or at it, when it is a ``keep`` word).
    """
    tokens = list(_TOKEN_RE.finditer(text, start, end))
    words = [token.group() for token in tokens]
    kept = frozenset(word.lower() for word in keep)
    first = len(tokens)
    for index, word in enumerate(words):
        if word.lower() in kept or _opens_dedication(words, index) or _is_street_start(words, index):
            first = index
            break
        possessive = word.endswith(("'s", "’s", "'S", "’S")) and (
            index + 1 < len(tokens) or is_ordinary_word(word[:-2])
        )
        if not (possessive or is_ordinary_word(word) or word.lower() in _LEAD_NOISE):
            first = index
            break
    for index in range(first + 1, len(words)):
        if not _interior_break(words, index):
            continue
        if words[index].lower() in kept:  # "ADWOA ATTENDED THE GRANGE": the name starts at "THE"
            return tokens[index].start()
        return trim_leading(text, tokens[index + 1].start(), end, keep) if index + 1 < len(tokens) else end
    return tokens[first].start() if first < len(tokens) else end


def is_furniture(word: str) -> bool:
    """A word that cannot begin an institution's name: ordinary ("The", "Mother", "May") or one of the
    adjectives and labels reports put before one ("Previous", "Current", "Named", "Referral")."""
    return is_ordinary_word(word) or word.lower() in _LEAD_NOISE


def lower_case_type_pattern(types: str) -> re.Pattern[str]:
    """Compile "<proper name> <type written in lower case>" ("Ashby primary school", "the Larkfield
    surgery"): house styles that do not capitalise the type. Group ``name`` is one to three capitalised
    words; the caller checks they are not ordinary English words."""
    return re.compile(rf"(?<![\w'’\-])(?P<name>{_NAME_WORD}(?:{_S}{_NAME_WORD}){{0,2}}){_S}(?P<kind>{types})(?![\w\-])")


def proper_tail(name: str, is_common: Callable[[str], bool]) -> int:
    """How many characters of ``name`` to drop from its start so that only its trailing run of words that
    are not ordinary English words remains ("The Ashby" -> "Ashby"); len(name) when there is none."""
    words = name.split()
    keep = 0
    for word in reversed(words):
        if is_common(word.strip("'’")):
            break
        keep += 1
    if keep == 0:
        return len(name)
    tail = " ".join(words[-keep:])
    return name.rindex(tail) if tail in name else len(name)


def has_proper_word(name: str, generic: frozenset[str]) -> bool:
    """True when some word of ``name`` is not one of the ``generic`` words (lower case) nor "the",
    so "Free School" or "the Walk-in Centre" is a kind of setting, not a named one."""
    return any(word.lower().strip(",") not in generic | {"the"} for word in name.split())


_LEAD_NOISE = frozenset(
    word.lower()
    for word in (
        "Staff",
        "Pupils",
        "Teachers",
        "Attended",
        "Attending",
        "Both",
        "Local",
        "Her",
        "His",
        "Their",
        "Former",
        "Previous",
        "New",
        "Old",
        "Current",
        "Named",
        "Designated",
        "Lead",
        "DSL",
        "Head",
        "Headteacher",
        "Meeting",
        "Letter",
        "Visit",
        "Referral",
        "Discharge",
        "Summary",
        "Report",
        "Records",
    )
)
