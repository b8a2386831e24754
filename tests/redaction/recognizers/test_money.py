"""Sums of money and counts of things: quasi-identifiers masked by the ``strict`` profile."""

import pytest

from redaction.recognizers.money import CountRecognizer, MoneyRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

MONEY_POSITIVES = [
    ("the Court awards EUR 4,000 for non-pecuniary damage", "EUR 4,000"),
    ("and 5,699.21 euros (EUR) for costs and expenses", "5,699.21 euros (EUR)"),
    ("ordered to pay 54,525,000 Turkish Liras (TRL) in damages", "54,525,000 Turkish Liras (TRL)"),
    ("200,000 Turkish liras (TRY) were seized", "200,000 Turkish liras (TRY)"),
    ("rent arrears of £1,200 by March", "£1,200"),
    ("a debt of £1,200.50 owed", "£1,200.50"),
    ("a loan of £2.5 million from", "£2.5 million"),
    ("she was paid 80 DEM a week", "80 DEM"),
    ("a fine of USD 300 was", "USD 300"),
    ("1,000 pounds sterling in cash", "1,000 pounds sterling"),
    ("12,000 Swiss francs were transferred", "12,000 Swiss francs"),
    ("EUR 4,000 [approximately GBP 3,400] was claimed", "EUR 4,000 [approximately GBP 3,400]"),
    ("€1.500 in cash", "€1.500"),
    # a country's adjective before the currency, and the bracket after it with the code or the conversion
    (
        "claiming 250,000 Swedish kronor (SEK; approximately 27,000 euros).",
        "250,000 Swedish kronor (SEK; approximately 27,000 euros)",
    ),
    (
        "he was paid 16,985 Turkish liras (TRY ‑ approximately 9,200 euros (EUR)) in",
        "16,985 Turkish liras (TRY ‑ approximately 9,200 euros (EUR))",
    ),
    ("paid TRL 12,352,710,000 (approximately EUR 10,042) covering", "TRL 12,352,710,000 (approximately EUR 10,042)"),
    ("bail of 350,000 Polish zlotys (PLN).", "350,000 Polish zlotys (PLN)"),
    ("he was awarded 90,000 Hungarian forints on appeal", "90,000 Hungarian forints"),
    # digit groups then more digits: the whole number
    ("awarded TRL 615.478.0000 of additional compensation", "TRL 615.478.0000"),
]
MONEY_NEGATIVES = [
    ("a breach of Article 8 of the Convention", None),
    ("a section 47 enquiry was opened", None),
    ("for 2 years after the move", None),
    ("on 12 March 2019 the family moved", None),
    ("Child K, aged 14, attended", None),
    ("see paragraph 1,200 above", None),
    ("1,200 people attended the event", None),
    ("in the 1990s the family lived abroad", None),
    ("the EUR area and the GBP zone", None),
    ("20 Polish workers (see paragraph 4) arrived", None),
]
COUNT_POSITIVES = [
    ("he owned ten plots of land in the village", "ten plots of land"),
    ("seven other persons were arrested", "seven other persons"),
    ("fourteen other detainees were held", "fourteen other detainees"),
    ("the flat had 3 bedrooms and a", "3 bedrooms"),
    ("the two brothers were taken", "two brothers"),
]
COUNT_NEGATIVES = [
    ("for two months the family", None),
    ("2 years later she moved", None),
    ("ten days later the police", None),
    ("six weeks after the birth", None),
    ("she was seen three times", None),
    ("five of the children were", None),
    ("in the 1990s they lived", None),
]


@pytest.mark.parametrize(("text", "expected"), MONEY_POSITIVES)
def test_when_text_states_a_sum_of_money_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(MoneyRecognizer(), text, "QUANTITY", expected)


@pytest.mark.parametrize(("text", "unexpected"), MONEY_NEGATIVES)
def test_when_number_is_not_money_then_money_is_not_found(text: str, unexpected: str | None) -> None:
    assert_misses(MoneyRecognizer(), text, "QUANTITY", unexpected)


@pytest.mark.parametrize(("text", "expected"), COUNT_POSITIVES)
def test_when_text_counts_things_then_the_count_is_found(text: str, expected: str) -> None:
    assert_finds(CountRecognizer(), text, "QUANTITY", expected)


@pytest.mark.parametrize(("text", "unexpected"), COUNT_NEGATIVES)
def test_when_number_counts_time_or_is_partitive_then_no_count_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(CountRecognizer(), text, "QUANTITY", unexpected)


def test_when_count_has_an_ordinary_adjective_then_the_count_is_found() -> None:
    assert_finds(CountRecognizer(), "he sold 22,000 ecstasy tablets to", "QUANTITY", "22,000 ecstasy tablets")


def test_when_count_is_found_then_it_scores_below_money() -> None:
    """Counts are weaker evidence than sums of money: they must never outrank them."""
    assert CountRecognizer.SCORE < MoneyRecognizer.SCORE
