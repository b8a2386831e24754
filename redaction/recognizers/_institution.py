"""Shared shape of named institutions ("Cedar Grove Infant School", "St Luke's Hospital").

A name is one to six capitalised words, optionally led by "St"/"St." and allowing "Church of England"
and "C of E" inside, ending in a descriptor. Leading words that are sentence furniture ("During",
"The", "Mother", months) are trimmed off, so "During Cedar Grove Infant School" gives the school only.
"""

from __future__ import annotations

import re

from redaction.recognizers._text import PLACE_TOKEN, is_ordinary_word

_NAME_WORD = rf"(?:{PLACE_TOKEN}|Church[ \u00a0]+of[ \u00a0]+England|C[ \u00a0]+of[ \u00a0]+E|&)"


def institution_pattern(descriptors: str, max_words: int = 6) -> re.Pattern[str]:
    """Compile "<capitalised words> <descriptor>" with the name words in group ``name``."""
    return re.compile(
        rf"(?<![\w'’\-])(?P<name>(?:St\.?[ \u00a0]+)?"
        rf"(?:{_NAME_WORD}[ \u00a0]+){{0,{max_words - 1}}}?{_NAME_WORD})"
        rf"[ \u00a0]+(?P<kind>{descriptors})(?![\w\-])"
    )


_TOKEN_RE = re.compile(r"\S+")


def trim_leading(text: str, start: int, end: int, keep: frozenset[str] = frozenset()) -> int:
    """Move ``start`` past leading words that cannot begin an institution's name.

    A leading possessive is someone else's ("Kelly's Cedar Grove School") unless it is the whole name
    ("Tanner's Medical Centre").
    """
    tokens = list(_TOKEN_RE.finditer(text, start, end))
    for index, token in enumerate(tokens):
        word = token.group()
        if word in keep:
            return token.start()
        possessive = word.endswith(("'s", "’s")) and index + 1 < len(tokens)
        if not (possessive or is_ordinary_word(word) or word in _LEAD_NOISE):
            return token.start()
    return end


_LEAD_NOISE = frozenset(
    {
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
    }
)
