import pytest

from redaction.recognizers.apposition import AppositionNameRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("When Amandeep Hughes (health visitor) visited", "Amandeep Hughes"),
    ("told the health visitor (Niamh-Louise Okoye) in", "Niamh-Louise Okoye"),
    ("referral from Mervyn Winstanley (maternal uncle) about", "Mervyn Winstanley"),
    ("initiated by Harpreet Rennison (social worker).", "Harpreet Rennison"),
    ("Yusi (aged 7 years) attended", "Yusi"),
    ("the social worker, Bisola Adeyemi, visited", "Bisola Adeyemi"),
    ("Claudette Mensah (DSL) recorded", "Claudette Mensah"),
]
NEGATIVES = [
    ("Child K (aged 3) was seen", None),
    ("The Mother (aged 30) said", None),
    ("Children's Social Care (social worker) said", None),
    ("the health visitor (HV) visited", None),
    ("the health visitor (see section 4) visited", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_a_name_stands_beside_a_role_then_the_name_is_found(text: str, expected: str) -> None:
    assert_finds(AppositionNameRecognizer(), text, "PERSON", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_a_role_stands_beside_no_name_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(AppositionNameRecognizer(), text, "PERSON", unexpected)
