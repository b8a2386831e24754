"""Dates of birth: a date with birth context ("born on 3 November 2017", "DOB: 03/11/2017",
"date of birth 2017-11-03", "(born 3rd Nov 2017)", "d.o.b."), and a year or month alone right after
"born in" ("born in 1949", as ECHR judgments write it).

Only the date is returned, never the context words, so "born on" stays readable. Dates inside family
composition table rows are FamilyTableRecognizer's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left
from redaction.recognizers._text import DATE_RE, MONTHS

# Birth keyword, then a short gap without sentence punctuation, digits or a new clause.
_BIRTH = r"(?:\bborn|\bb\.|\bdob\b|\bd\.\s?o\.\s?b\.?|\bdate\s+of\s+birth|\bbirth\s?date|\bbirthday)"
_GAP_RE = re.compile(
    rf"{_BIRTH}(?:(?![.;!?\n\t\d]|\s(?:and|but|then|moved|until|after|before|since|later|when|while)\s).){{0,50}}$",
    re.IGNORECASE,
)
_BORN_IN_RE = re.compile(
    rf"\bborn\s+(?:in\s+|during\s+)(?:({MONTHS}\s+)?((?:19|20)\d\d))(?![\w/]|-\d)",
    re.IGNORECASE,
)


class DateOfBirthRecognizer(TextRecognizer):
    """Finds dates preceded by a birth keyword in the same clause."""

    ENTITIES = ("DATE_OF_BIRTH",)
    SCORE = 0.85
    YEAR_SCORE = 0.6
    WINDOW = 70

    def find(self, text: str) -> Iterator[Hit]:
        for match in DATE_RE.finditer(text):
            if context_left(_GAP_RE, text, match.start(), self.WINDOW):
                yield Hit(match.start(), match.end(), self.SCORE, "DATE_OF_BIRTH", "birth_context_date")
        for match in _BORN_IN_RE.finditer(text):
            start = match.start(1) if match.group(1) else match.start(2)
            yield Hit(start, match.end(), self.YEAR_SCORE, "DATE_OF_BIRTH", "born_in_year")
