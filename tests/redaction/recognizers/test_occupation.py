"""Occupations: found with context ("worked as a dancer"); a bare role ("the lawyer") stays below the
threshold, because reviews speak of "the health visitor" whose role is the point."""

import pytest

from redaction.recognizers.occupation import OccupationRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses, found

POSITIVES = [
    ("she worked as a dancer in a club", "dancer"),
    ("He is a teacher at the school.", "teacher"),
    ("he was employed as a cleaner", "cleaner"),
    ("she became a nurse in 2015", "nurse"),
    ("her father, a retired police officer, said", "retired police officer"),
    ("She was a journalist for ten years.", "journalist"),
    ("he is an engineer by training", "engineer"),
    ("in his job as a taxi driver he", "taxi driver"),
    ("his occupation: reindeer herder", "reindeer herder"),
    ("She works as a ballet dancer.", "ballet dancer"),
    # the whole description, its modifiers included
    ("passed an exam for the post of a private security guard", "private security guard"),
    ("she had been employed as a local authority housing officer.", "local authority housing officer"),
    ("with an eye to becoming a journalist", "journalist"),
    ("the applicant, a lawyer and member of the board", "lawyer"),
    ("the applicant, an artillery captain at the Turkish Armed Forces", "artillery captain"),
    ("the applicant, who is a retired non-commissioned officer, was born", "retired non-commissioned officer"),
    ("he worked as an assistant Professor in the Faculty", "assistant Professor"),
    ("when the applicant was a conscript in the army", "conscript"),
    # a named post is held by one person, even with "the"
    ("he was also the Chief Executive Officer of Strix Television AB", "Chief Executive Officer"),
]
NEGATIVES = [
    ("the lawyer said the case was closed", None),
    ("the teacher said Child K was tired", None),
    ("the social worker visited the home", None),
    ("the health visitor weighed the baby", None),
    ("the nurse said he was well", None),
    ("her former employer wrote", None),
    ("she baked cookies for the class", None),
    ("a guard dog was kept in the yard", None),
    ("the chief executive officer of the trust replied", None),
    ("the captain said, a major incident was declared", None),  # a post in an agency, not a person's
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_occupation_has_context_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(OccupationRecognizer(), text, "OCCUPATION", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_occupation_is_a_bare_role_or_absent_then_it_is_not_found(text: str, unexpected: str | None) -> None:
    assert_misses(OccupationRecognizer(), text, "OCCUPATION", unexpected)


def test_when_role_is_bare_then_it_scores_below_the_strict_threshold() -> None:
    from redaction.policy import load_policy

    strict = load_policy("strict").threshold
    assert found(OccupationRecognizer(), "the lawyer said", "OCCUPATION", threshold=strict) == []
    assert found(OccupationRecognizer(), "she worked as a lawyer", "OCCUPATION", threshold=strict)
