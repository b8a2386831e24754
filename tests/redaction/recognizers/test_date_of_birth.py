import pytest

from redaction.recognizers.date_of_birth import DateOfBirthRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("Isla Hollins was born on 18 November 2007 at St Luke's Hospital", "18 November 2007"),
    ("Re: KELLY HOLLINS (DOB: 03/11/2017)", "03/11/2017"),
    ("date of birth 2017-11-03.", "2017-11-03"),
    ("Tyler (born 3rd Nov 2017) lived", "3rd Nov 2017"),
    ("d.o.b. 01.03.1967", "01.03.1967"),
    ("Date of Birth: 14-Mar-2019", "14-Mar-2019"),
    ("The applicant was born in 1949 and lives in Lancashire.", "1949"),
    ("She was born in March 2001.", "March 2001"),
    ("born on November 3, 2017", "November 3, 2017"),
]
NEGATIVES = [
    ("On 3 March 2015 she gave birth", None),
    ("She was born in Poland and moved to England on 3 March 2015.", None),
    ("Tobi born at the hospital; discharged home on 12/03/2019.", None),
    ("The strategy meeting on 04/07/2019 was quorate.", None),
    ("born 2 years ago, on 3/3/2015", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_date_follows_birth_context_then_only_the_date_is_found(text: str, expected: str) -> None:
    assert_finds(DateOfBirthRecognizer(), text, "DATE_OF_BIRTH", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_date_has_no_birth_context_in_its_clause_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(DateOfBirthRecognizer(), text, "DATE_OF_BIRTH", unexpected)


def test_when_birth_context_precedes_a_date_then_context_words_are_not_in_the_span() -> None:
    text = "born on 3 November 2017"
    [result] = DateOfBirthRecognizer().analyze(text, entities=["DATE_OF_BIRTH"], nlp_artifacts=None)
    assert text[result.start : result.end] == "3 November 2017"
