import pytest

from redaction.recognizers.address import AddressRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("The family lived at 14 Larch Close until", "14 Larch Close"),
    ("27 Brook Street, Rotherham S60 2TT", "27 Brook Street, Rotherham S60 2TT"),
    ("moved from Flat 3, Priory House to", "Flat 3, Priory House"),
    ("lived at Flat 4, Weaver House, Dunford DN2 9EA and", "Flat 4, Weaver House, Dunford DN2 9EA"),
    ("a visit to 12a Mill Lane", "12a Mill Lane"),
    (
        "Letter sent to 57 Brunswick Place, Saltney Bridge YO20 2EW.",
        "57 Brunswick Place, Saltney Bridge YO20 2EW",
    ),
    ("lived at 27 Tanner's Row", "27 Tanner's Row"),
    ("Flat 17, St Anne's Court", "Flat 17, St Anne's Court"),
    ("Relationship\tMother\t10 Beechwood Avenue\n", "10 Beechwood Avenue"),
    ("at 53 Chapel Fold, with", "53 Chapel Fold"),
]
NEGATIVES = [
    ("the case was tried at 3 Leeds Crown Court", None),
    ("section 3 High Street provisions", None),
    ("On 12 November 2002 the Court decided", None),
    ("paragraph 14 Human Rights Park", None),
    ("the family lived in Larch Close", None),
    ("she had 3 Green Party leaflets", None),
    ("Saltney Bridge DN22 2NF", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_street_or_flat_address_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(AddressRecognizer(), text, "ADDRESS", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_number_is_not_a_house_number_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(AddressRecognizer(), text, "ADDRESS", unexpected)
