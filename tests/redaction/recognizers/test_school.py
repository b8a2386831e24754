import pytest

from redaction.recognizers.school import SchoolRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("the DSL at Cedar Grove Infant School, recorded", "Cedar Grove Infant School"),
    ("attended St Anne's Catholic Primary until", "St Anne's Catholic Primary"),
    ("Little Acorns Nursery raised concerns", "Little Acorns Nursery"),
    ("During Cedar Grove Infant School visits", "Cedar Grove Infant School"),
    ("St Oswald's Church of England Primary School", "St Oswald's Church of England Primary School"),
    ("Sunflower Pre-School and", "Sunflower Pre-School"),
    ("Tiny Steps Childcare", "Tiny Steps Childcare"),
    ("moved to Abbotsley Primary Academy in", "Abbotsley Primary Academy"),
    ("the Riverside Children's Centre", "Riverside Children's Centre"),
    ("Elmwood Junior School", "Elmwood Junior School"),
    ("Kelly's Cedar Grove Infant School", "Cedar Grove Infant School"),
]
NEGATIVES = [
    ("the school and the nursery were told", None),
    ("Children's Social Care", None),
    ("the Royal College of Paediatrics", None),
    ("Eastmoor Primary Care Network", None),
    ("the Multi-Agency Safeguarding Hub", None),
    ("Police Academy staff", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_names_a_school_then_the_name_is_found(text: str, expected: str) -> None:
    assert_finds(SchoolRecognizer(), text, "SCHOOL", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_school_is_generic_or_an_agency_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(SchoolRecognizer(), text, "SCHOOL", unexpected)
