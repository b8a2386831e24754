import pytest

from redaction.recognizers.phone import PhoneRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("Contact number recorded as 07700 900482.", "07700 900482"),
    ("The contact number held was 01632 960919, and", "01632 960919"),
    ("mobile +44 7700 900482 (Mother)", "+44 7700 900482"),
    ("call (0113) 496 0000 for the team", "(0113) 496 0000"),
    ("texted from 07700900789", "07700900789"),
    ("London office 020 7946 0000", "020 7946 0000"),
]
NEGATIVES = [
    ("crime reference 43/18821/21", None),
    ("DOB 04/07/1981", None),
    ("NHS number 665 995 7979", None),
    ("between 2001 2002 and 2003", None),
    ("paragraph 0.12345 of", None),
    ("07700 9004 is too short", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_uk_phone_number_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(PhoneRecognizer(), text, "PHONE", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_digits_are_not_a_phone_number_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(PhoneRecognizer(), text, "PHONE", unexpected)
