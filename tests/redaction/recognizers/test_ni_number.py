import pytest

from redaction.recognizers.ni_number import NiNumberRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("National Insurance number (YK 18 09 75 C) appears", "YK 18 09 75 C"),
    ("NI number JR456789C on file", "JR456789C"),
    ("recorded as JR 45 67 89 C by housing", "JR 45 67 89 C"),
    ("Mother's NINO: PC 30 21 53 D.", "PC 30 21 53 D"),
    ("National Insurance no. JR 45 67 89", "JR 45 67 89"),
]
NEGATIVES = [
    ("GB 12 34 56 A is never allocated", None),
    ("DA 12 34 56 A has a D prefix", None),
    ("JO 12 34 56 A has O second", None),
    ("JR 45 67 89 E has a bad suffix", None),
    ("code JR 45 67 89 without suffix or context", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_valid_nino_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(NiNumberRecognizer(), text, "NI_NUMBER", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_prefix_or_suffix_breaks_hmrc_rules_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(NiNumberRecognizer(), text, "NI_NUMBER", unexpected)
