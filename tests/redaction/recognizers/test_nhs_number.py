import pytest

from redaction.recognizers.nhs_number import NhsNumberRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

# Check digits below are valid per the NHS Data Dictionary's modulus 11 rule.
POSITIVES = [
    ("Isla's NHS number is 665 995 7979; Ms", "665 995 7979"),
    ("included Maryam's NHS number (496 292 1703), but", "496 292 1703"),
    ("Patient ref 943 476 5870 on the summary", "943 476 5870"),
    ("NHS No: 9434765870", "9434765870"),
    ("NHS number 943-476-5870", "943-476-5870"),
]
NEGATIVES = [
    ("NHS number 943 476 5871 (bad check digit)", None),
    ("an unlabelled ten digits 9434765870 in a table", None),
    ("call 07700 900482", None),
    ("943 476-5870 mixed separators", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_valid_nhs_number_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(NhsNumberRecognizer(), text, "NHS_NUMBER", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_number_fails_check_or_shape_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(NhsNumberRecognizer(), text, "NHS_NUMBER", unexpected)
