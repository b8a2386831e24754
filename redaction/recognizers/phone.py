"""UK telephone numbers: "07700 900482", "01632 960919", "+44 7700 900482", "(0113) 496 0000".

Numbering per Ofcom's National Telephone Numbering Plan (10 significant digits after the trunk 0 for
01/02/03/07/08 numbers, some 01 areas 9); candidates are shaped by regex, then checked with Google's
libphonenumber (``phonenumbers``) for region GB. Ofcom's drama ranges (07700 900xxx, 01632 960xxx) are
"possible" but not "valid" numbers, and drafts use them, so possible numbers are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from redaction.recognizers._base import Hit, TextRecognizer, context_left

_SEP = r"[ \u00a0\-]?"
_PHONE_RE = re.compile(
    r"(?<![\w+/.])(?:"
    rf"\+44{_SEP}(?:\(0\){_SEP})?[1-9]\d{{1,4}}{_SEP}\d{{3,4}}{_SEP}\d{{3,4}}"
    rf"|\(0[1-9]\d{{1,4}}\){_SEP}\d{{3,4}}{_SEP}\d{{3,4}}"
    rf"|0[1-9]\d{{1,4}}{_SEP}\d{{3,4}}{_SEP}\d{{3,4}}"
    r")(?![\w/]|[.\-]\d)"
)
_CONTEXT_RE = re.compile(
    r"\b(?:tel|telephone|phone|mobile|mob|contact|number|no|call(?:ed)?|text(?:ed)?|rang|ring)\b[^\n]{0,30}$",
    re.IGNORECASE,
)


class PhoneRecognizer(TextRecognizer):
    """Finds UK phone numbers; valid ones are strong, merely possible ones need no context to pass 0.4."""

    ENTITIES = ("PHONE",)
    VALID_SCORE = 0.7
    POSSIBLE_SCORE = 0.5
    CONTEXT_BONUS = 0.25

    def find(self, text: str) -> Iterator[Hit]:
        for match in _PHONE_RE.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            national = digits[2:] if digits.startswith("44") and match.group().startswith("+") else digits
            national = national.lstrip("0")
            if not 9 <= len(national) <= 10:
                continue
            try:
                number = phonenumbers.parse(match.group(), "GB")
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_possible_number(number):
                continue
            score = self.VALID_SCORE if phonenumbers.is_valid_number(number) else self.POSSIBLE_SCORE
            if context_left(_CONTEXT_RE, text, match.start(), 40):
                score = min(1.0, score + self.CONTEXT_BONUS)
            yield Hit(match.start(), match.end(), score, "PHONE", "uk_phone")
