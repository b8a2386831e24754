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


# Facility types and qualifiers from redaction/vocabularies (NHS ODS site naming) and GP practices named
# after their doctors, in Title Case or ALL CAPS.
VOCABULARY_POSITIVES = [
    pytest.param("registered with Dr Patel and Partners since", "Dr Patel and Partners", id="dr-and-partners"),
    pytest.param("Dr A. Patel & Partners wrote", "Dr A. Patel & Partners", id="initial-ampersand"),
    pytest.param("Drs Patel, Khan and Partners", "Drs Patel, Khan and Partners", id="drs-list"),
    pytest.param("Dr Patel & Partners Medical Centre", "Dr Patel & Partners Medical Centre", id="partners-with-type"),
    pytest.param("with Dr Patel and partners.", "Dr Patel and partners", id="partners-lower-case"),
    pytest.param("REGISTERED WITH DR PATEL AND PARTNERS", "DR PATEL AND PARTNERS", id="caps-partners"),
    pytest.param("seen at Dr Shah's Surgery", "Dr Shah's Surgery", id="doctors-surgery"),
    pytest.param("seen at The Larkfield Practice on", "The Larkfield Practice", id="the-practice"),
    pytest.param("Larkfield Group Practice", "Larkfield Group Practice", id="group-practice"),
    pytest.param("Larkfield Medical Practice", "Larkfield Medical Practice", id="medical-practice"),
    pytest.param("Larkfield Health Centre", "Larkfield Health Centre", id="health-centre"),
    pytest.param("seen at Church Street Surgery on", "Church Street Surgery", id="named-after-street"),
    pytest.param("Park Road Medical Centre", "Park Road Medical Centre", id="park-road"),
    pytest.param("Ashby Minor Injuries Unit", "Ashby Minor Injuries Unit", id="minor-injuries-unit"),
    pytest.param("Ashby Urgent Treatment Centre", "Ashby Urgent Treatment Centre", id="urgent-treatment-centre"),
    pytest.param("Ashby Walk-in Centre", "Ashby Walk-in Centre", id="walk-in-centre"),
    pytest.param("Ashby Child Development Centre", "Ashby Child Development Centre", id="child-development"),
    pytest.param("Ashby Sexual Assault Referral Centre", "Ashby Sexual Assault Referral Centre", id="sarc"),
    pytest.param("Ashby Mother and Baby Unit", "Ashby Mother and Baby Unit", id="mother-and-baby-unit"),
    pytest.param("Ashby Community Hospital", "Ashby Community Hospital", id="community-hospital"),
    pytest.param("Ashby Hospice", "Ashby Hospice", id="hospice"),
    pytest.param("Ashby Pharmacy", "Ashby Pharmacy", id="pharmacy"),
    pytest.param("Ashby Dental Practice", "Ashby Dental Practice", id="dental-practice"),
    pytest.param("SEEN AT LARKFIELD MEDICAL CENTRE ON", "LARKFIELD MEDICAL CENTRE", id="caps"),
    pytest.param("SEEN AT THE LARKFIELD PRACTICE ON 3 MAY", "THE LARKFIELD PRACTICE", id="caps-the-practice"),
    pytest.param("Ashby GP Surgery", "Ashby GP Surgery", id="gp-surgery"),
    pytest.param(
        "TAKEN TO ST LUKE'S HOSPITAL, ABBOTSLEY WITH A BURN", "ST LUKE'S HOSPITAL, ABBOTSLEY", id="caps-town-stops"
    ),
    pytest.param(
        "RIVERSIDE SURGERY, SALTNEY BRIDGE WAS NOT TOLD", "RIVERSIDE SURGERY, SALTNEY BRIDGE", id="caps-two-word-town"
    ),
    pytest.param("ADWOA ATTENDED THE GRANGE HEALTH CENTRE", "THE GRANGE HEALTH CENTRE", id="caps-sentence"),
]
VOCABULARY_NEGATIVES = [
    pytest.param("the Child Safeguarding Practice Review Panel", None, id="cspr"),
    pytest.param("The Good Practice Guide", None, id="good-practice"),
    pytest.param("The Reflective Practice sessions", None, id="reflective-practice"),
    pytest.param("The Practice Manager said", None, id="the-practice-only"),
    pytest.param("seen at the Walk-in Centre", None, id="walk-in-only"),
    pytest.param("taken to the Royal Infirmary", None, id="royal-infirmary-only"),
    pytest.param("the Minor Injuries Unit", None, id="minor-injuries-only"),
    pytest.param("the Public Protection Unit", None, id="police-unit"),
    pytest.param("Dr Patel and Dr Khan agreed", None, id="two-doctors"),
    pytest.param("REACHES THE REGISTERED PRACTICE.", None, id="participle-practice"),
    pytest.param("The Previous Practice had", None, id="furniture-practice"),
    pytest.param("MOVED TO THE SAME PRACTICE", None, id="caps-common-word-practice"),
    pytest.param("the GP Surgery and the GP Practice", None, id="gp-only"),
    pytest.param("Mother's GP Practice", None, id="role-possessive"),
    pytest.param("ADWOA ATTENDED THE EMERGENCY DEPARTMENT", None, id="caps-generic-department"),
    pytest.param("Dr Patel and her partners", None, id="her-partners"),
    pytest.param("the GP practice and the surgery", None, id="lower-case"),
    pytest.param("Northshire Healthcare NHS Foundation Trust", None, id="nhs-trust"),
    pytest.param("the Council and Children's Social Care", None, id="agencies"),
]


@pytest.mark.parametrize(("text", "expected"), VOCABULARY_POSITIVES)
def test_when_a_name_ends_in_a_vocabulary_facility_type_then_the_facility_is_found(text: str, expected: str) -> None:
    assert_finds(HealthFacilityRecognizer(), text, "HEALTH_FACILITY", expected)


@pytest.mark.parametrize(("text", "unexpected"), VOCABULARY_NEGATIVES)
def test_when_only_facility_words_guidance_or_an_agency_are_named_then_nothing_is_found(
    text: str, unexpected: str | None
) -> None:
    assert_misses(HealthFacilityRecognizer(), text, "HEALTH_FACILITY", unexpected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("she saw the Larkfield surgery twice", "Larkfield surgery"),
        ("registered at Ashby medical centre", "Ashby medical centre"),
    ],
)
def test_when_a_proper_name_precedes_a_practice_type_in_lower_case_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(HealthFacilityRecognizer(), text, "HEALTH_FACILITY", expected)


@pytest.mark.parametrize(
    "text", ["The surgery called the family.", "Local health centre staff", "Munro practice guidance"]
)
def test_when_the_words_before_a_lower_case_practice_type_are_ordinary_then_nothing_is_found(text: str) -> None:
    assert_misses(HealthFacilityRecognizer(), text, "HEALTH_FACILITY", None)
