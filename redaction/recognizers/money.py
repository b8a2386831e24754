"""Sums of money: "EUR 4,000", "5,699.21 euros (EUR)", "200,000 Turkish liras (TRY)", "£1,200", "80 DEM".

A sum paid in compensation or owed in debt can point to one case; the ``strict`` profile masks them
(the ``publication`` profile keeps them). Currency codes per ISO 4217, plus currency names in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer

_CODES = r"(?:EUR|GBP|USD|TRY|TRL|SEK|NOK|DKK|PLN|CHF|DEM|ATS|FRF|ITL|ESP|HUF|CZK|RUB|UAH|RON|BGN|HRK|CYP)"
_NAMES = (
    r"(?i:euros?|pounds(?: sterling)?|(?:new )?lira[s]?|kronor|kroner|krona|zlotys?|"
    r"francs?|dollars?|(?:Deutsch(?:e)? )?Marks?|schillings?|roubles?|hryvnias?|forints?|dinars?|lei|levs?|"
    r"korun[ay]?|kunas?|drachmas?|escudos?|pesetas?)"
)
# the country's adjective before the currency's name: "Swedish kronor", "Polish zlotys", "Turkish liras"
_COUNTRY = r"(?:[A-Z][a-z]+\s)?"
_AMOUNT = r"\d{1,3}(?:[,.\u00a0 ]\d{3})*(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"
# a bracket after the sum holding its currency code or its conversion, one level of nesting allowed:
# "(SEK; approximately 27,000 euros)", "(TRY ‑ approximately 9,200 euros (EUR))", "(approximately EUR 10,042)"
_INNER = r"[^()\n]{0,60}(?:\([^()\n]{0,20}\)[^()\n]{0,10})?"
_BRACKET = rf"(?:\s?\((?:{_CODES}\b|approx\.?\s|approximately\s|about\s){_INNER}\))"
_MONEY = re.compile(
    rf"(?:[£$€]\s?(?:{_AMOUNT})(?:\s?(?:million|billion|m|bn)\b)?"
    rf"|\b{_CODES}\s?(?:{_AMOUNT})"
    rf"|\b(?:{_AMOUNT})(?:\s(?:million|billion))?\s{_COUNTRY}(?:{_NAMES})\b"
    rf"|\b(?:{_AMOUNT})\s{_CODES}\b)"
    rf"{_BRACKET}*"
    r"(?:\s?\[(?:approx\.?|approximately|about)[^\]]{0,30}\])?"
)


class MoneyRecognizer(TextRecognizer):
    ENTITIES = ("QUANTITY",)
    SCORE = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for match in _MONEY.finditer(text):
            yield Hit(match.start(), match.end(), self.SCORE, "QUANTITY", "money")


_NUMBER_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|a hundred|several|dozens of)"
)
_COUNT = re.compile(
    rf"\b(?i:{_NUMBER_WORDS}(?:[ -]{_NUMBER_WORDS})?|\d{{1,3}}(?:,\d{{3}})*)"
    r"(?:\s+(?!(?:years?|months?|weeks?|days?|hours?|minutes?|times?|per|of|and|or|to|the|a)\b)[a-z]{3,})?"
    r"\s+(?!(?:years?|months?|weeks?|days?|hours?|minutes?|times?|per|of|and|or|to|the|a)\b)"
    r"[a-z]{3,}s\b(?:\s+of\s+[a-z]+)?"
)


class CountRecognizer(TextRecognizer):
    """Counts of things ("ten plots of land", "22,000 ecstasy tablets", "seven other persons"): in the
    ``strict`` profile, numbers that describe the case can narrow it down."""

    ENTITIES = ("QUANTITY",)
    SCORE = 0.4

    def find(self, text: str) -> Iterator[Hit]:
        for match in _COUNT.finditer(text):
            yield Hit(match.start(), match.end(), self.SCORE, "QUANTITY", "count")
