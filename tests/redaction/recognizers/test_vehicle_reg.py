import pytest

from redaction.recognizers.vehicle_reg import VehicleRegRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("his silver Vauxhall Corsa (YM21 BMN) was seen", "YM21 BMN"),
    ("a car KN19 XTY parked outside", "KN19 XTY"),
    ("registration KN19XTY", "KN19XTY"),
    ("seen near the school: KN69 XTY.", "KN69 XTY"),
    ("vehicle reg A123 BCD", "A123 BCD"),
]
NEGATIVES = [
    ("unlabelled code KN19XTY", None),
    ("the code A123 BCD in a list", None),
    ("postcode NE12 4TP", None),
    ("KN00 XTY has no valid age identifier", None),
    ("QN19 XTY has a Q memory tag", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_registration_mark_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(VehicleRegRecognizer(), text, "VEHICLE_REG", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_code_is_not_a_current_mark_and_has_no_context_then_nothing_is_found(
    text: str, unexpected: str | None
) -> None:
    assert_misses(VehicleRegRecognizer(), text, "VEHICLE_REG", unexpected)
