"""Health conditions: found by medical word forms and everyday injury phrases (strict profile only)."""

import pytest

from redaction.policy import load_policy
from redaction.recognizers.health_condition import HealthConditionRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("he was diagnosed with paranoid schizophrenia and discharged", "paranoid schizophrenia"),
    ("the knee shows mild gonarthrosis, and there is", "mild gonarthrosis"),
    ("with degenerative discopathy at L5-S1", "degenerative discopathy"),
    ("episodic onsets of sciatica and cervico-brachial neuralgia", "cervico-brachial neuralgia"),
    ("there is calcifying periarthritis of the left shoulder", "calcifying periarthritis"),
    ("resulted in the applicant's loss of vision in his left eye.", "loss of vision in his left eye"),
    ("signs of a fracture of the left kneecap that was pinned", "fracture of the left kneecap"),
    ("diagnosed with a psychotic illness by the hospital", "psychotic illness"),
    ("resulted in the applicant's total disability.", "total disability"),
    ("the mother had post-traumatic stress disorder", "post-traumatic stress disorder"),
    ("she had hepatitis as a child", "hepatitis"),
]
NEGATIVES = [
    ("the diagnosis was confirmed by the paediatrician", None),
    ("a prognosis was not given", None),
    ("he was arrested for public disorder in the town", None),
    ("the mother's trauma was discussed", None),
    ("she holds a diploma in nursing", None),
    ("the child was in a coma for two days", None),  # a state, and a common word
    ("the family moved to Oklahoma in 2010", None),  # a proper noun
    ("she spoke of nostalgia for her old school", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_a_health_condition_is_written_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(HealthConditionRecognizer(), text, "HEALTH_CONDITION", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_the_words_are_not_a_condition_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(HealthConditionRecognizer(), text, "HEALTH_CONDITION", unexpected)


def test_health_conditions_are_masked_in_strict_and_kept_in_publication() -> None:
    assert load_policy("strict").redacts("HEALTH_CONDITION")
    assert not load_policy("publication").redacts("HEALTH_CONDITION")
