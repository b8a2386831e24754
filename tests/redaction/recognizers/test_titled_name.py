import pytest

from redaction.recognizers.titled_name import TitledNameRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("Ms Morris said", "Morris"),
    ("prescribed by Dr Okafor at", "Okafor"),
    ("Letter to Mrs K. Hollins", "K. Hollins"),
    ("by a British national, Mr Robert Murray (“the applicant”)", "Robert Murray"),
    ("PC Dawson attended", "Dawson"),
    ("DC Smith interviewed", "Smith"),
    ("Sgt Khan and", "Khan"),
    ("Nurse Patel saw", "Patel"),
    ("Mr Łukasz Wiśniewski", "Łukasz Wiśniewski"),
    ("Ms O'Brien's view", "O'Brien"),
    ("Miss Ellie-Mae Hollins", "Ellie-Mae Hollins"),
    ("Mr. Mustafa Nazif Dildar", "Mustafa Nazif Dildar"),
    ("Lord Justice Munby said", "Munby"),
    ("Mr Mehmet Acar Serdar Çakmak", "Mehmet Acar Serdar Çakmak"),
]
NEGATIVES = [
    ("NI number PC 30 21 53 D", None),
    ("Mr Murray The applicant", "The"),
    ("Ms Hollins's", "'s"),
    ("the PC was on the desk", None),
    ("mr morris in lower case", None),
    ("Dr The", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_title_precedes_a_name_then_only_the_name_is_found(text: str, expected: str) -> None:
    assert_finds(TitledNameRecognizer(), text, "PERSON", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_title_is_not_followed_by_a_name_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(TitledNameRecognizer(), text, "PERSON", unexpected)


def test_when_name_is_found_then_the_title_stays_out_of_the_span() -> None:
    text = "Ms Morris"
    [result] = TitledNameRecognizer().analyze(text, entities=["PERSON"], nlp_artifacts=None)
    assert (result.start, result.end) == (3, 9)
