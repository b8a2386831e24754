import pytest

from redaction.recognizers.health_facility import HealthFacilityRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("The GP saw her at Saltney Bridge Family Practice two days later", "Saltney Bridge Family Practice"),
    ("taken to St Luke's Hospital, Saltney Bridge by Kelly", "St Luke's Hospital, Saltney Bridge"),
    ("registered at Riverside Medical Centre.", "Riverside Medical Centre"),
    ("Larkfield Surgery wrote", "Larkfield Surgery"),
    ("admitted to Ward 7B overnight", "Ward 7B"),
    ("seen at The Grange Health Centre", "The Grange Health Centre"),
    ("Riverside Surgery, Petersfield Row.", "Riverside Surgery, Petersfield Row"),
    ("born at Abbotsley Children's Hospital;", "Abbotsley Children's Hospital"),
    ("Hartfield Royal Infirmary", "Hartfield Royal Infirmary"),
    ("seen at Tanner's Medical Centre", "Tanner's Medical Centre"),
    ("Riverside Surgery, Mother said", "Riverside Surgery"),
]
NEGATIVES = [
    ("she was taken to the hospital", None),
    ("the GP surgery did not reply", None),
    ("seen in Accident and Emergency", None),
    ("Eastmoor University Hospitals NHS Trust", None),
    ("Eastmoor University Hospital NHS Foundation Trust", None),
    ("Good Practice guidance", None),
    ("the Brunswick Centre shops", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_names_a_health_facility_then_the_name_is_found(text: str, expected: str) -> None:
    assert_finds(HealthFacilityRecognizer(), text, "HEALTH_FACILITY", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_facility_is_generic_or_a_trust_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(HealthFacilityRecognizer(), text, "HEALTH_FACILITY", unexpected)
