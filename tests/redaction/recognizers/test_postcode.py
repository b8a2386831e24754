import pytest

from redaction.recognizers.postcode import PostcodeRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("lived at 14 Larch Close, Dunford NE12 4TP with", "NE12 4TP"),
    ("Flat 4, Weaver House, Dunford DN2 9EA", "DN2 9EA"),
    ("27 Brook Street, Rotherham S60 2TT.", "S60 2TT"),
    ("London postcode SW1A 1AA", "SW1A 1AA"),
    ("postcode: DN229EA", "DN229EA"),
    ("(YO20 2EW)", "YO20 2EW"),
    ("address: 3 mill lane, ne12 4tp (as written on the form)", "ne12 4tp"),  # any case
    ("Dn2 9ea", "Dn2 9ea"),
]
NEGATIVES = [
    ("his car KN19 XTY was seen", "KN19 XTY"),
    ("Article 8 2AB of the Convention", None),
    ("reference AB12 3CI is not a postcode", None),  # C and I never appear in the unit
    ("NE12 4TPX is too long", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_uk_postcode_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(PostcodeRecognizer(), text, "POSTCODE", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_text_has_postcode_lookalike_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(PostcodeRecognizer(), text, "POSTCODE", unexpected)
