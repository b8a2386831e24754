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
    ("her father, a retired police officer, said", "police officer"),
    ("She was a journalist for ten years.", "journalist"),
    ("he is an engineer by training", "engineer"),
    ("in his job as a taxi driver he", "taxi driver"),
    ("his occupation: reindeer herder", "reindeer herder"),
    ("She works as a ballet dancer.", "ballet dancer"),
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
