import pytest

from redaction.recognizers.case_reference import CaseReferenceRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("Case ref CSC-2021-04512. No further action.", "CSC-2021-04512"),
    ("three call-outs (crime reference 14/55231/19).", "14/55231/19"),
    ("Police log 43/18821/21 shows", "43/18821/21"),
    ("The case originated in an application (no. 28045/02) against", "28045/02"),
    ("lodged application no. 12345/06 with the Court", "12345/06"),
    ("in applications nos. 29700/96, 29701/96 and 29702/96 lodged", "29701/96"),
    ("in applications nos. 29700/96, 29701/96 and 29702/96 lodged", "29702/96"),
    ("see Case No. ABC123/2020 at", "ABC123/2020"),
    ("Early Help ref EH-194940 closed", "EH-194940"),
    ("Case ref LCS 4576033. No further", "LCS 4576033"),
    ("MASH/19/34621 was opened", "MASH/19/34621"),
    ("Police occurrence number 2019-44715 was raised", "2019-44715"),
    ("custody ref CR/4471A", "CR/4471A"),
    ("the judgment in 45874/05 was", "45874/05"),
]
NEGATIVES = [
    ("DOB 04/07/1981", None),
    ("at 12/05 the meeting began", None),
    ("Working Together (2018) and Munro (2011)", None),
    ("the case reference 2019 review", None),
    ("Protocol No. 1 to the Convention", None),
    ("ratio 3/10 of staff", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_reference_number_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(CaseReferenceRecognizer(), text, "CASE_REFERENCE", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_numbers_are_dates_years_or_citations_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(CaseReferenceRecognizer(), text, "CASE_REFERENCE", unexpected)
