"""Organisations known by an acronym ("PKK", "COTOREP"), but not common public acronyms or headings."""

import pytest

from redaction.recognizers.acronym_org import AcronymOrganisationRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("members of the PKK were arrested", "PKK"),
    ("the PKK.", "PKK"),
    ("the COTOREP decided that", "COTOREP"),
    ("TRNC authorities refused", "TRNC"),
    ("he was a DEP member", "DEP"),
    ("members of the PKK and HADEP met", "HADEP"),
]
NEGATIVES = [
    ("the NHS said", None),
    ("the GP saw Child K", None),
    ("a CAMHS referral was made", None),
    ("the MASH team met", None),
    ("under the ECHR the state", None),
    ("the ECHR's view", None),
    ("a DNA test", None),
    ("THE FACTS OF THE CASE", None),
    ("II. RELEVANT DOMESTIC LAW", None),
    ("PKK ACTIVITIES IN THE REGION", None),  # heading in capitals
    ("COVID-19 restrictions", None),
    ("Article XIV of the treaty", None),
    ("an AAA rating", None),
    ("the Pkk said", None),
    ("the UK government", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_an_organisation_is_named_by_acronym_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(AcronymOrganisationRecognizer(), text, "ORGANIZATION", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_capitals_are_a_common_acronym_or_heading_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(AcronymOrganisationRecognizer(), text, "ORGANIZATION", unexpected)
