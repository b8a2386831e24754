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


# Setting types and qualifiers from redaction/vocabularies (DfE GIAS establishment types and phases,
# religious-character designations, Ofsted early-years settings), in Title Case or ALL CAPS.
VOCABULARY_POSITIVES = [
    pytest.param("attended Hollins Junior and Infant School until", "Hollins Junior and Infant School", id="and-phase"),
    pytest.param("Hollins Infant & Nursery School", "Hollins Infant & Nursery School", id="ampersand-phase"),
    pytest.param(
        "moved to St Mary's Church of England Primary Academy in",
        "St Mary's Church of England Primary Academy",
        id="church-of-england-academy",
    ),
    pytest.param("Hollins C of E Primary School", "Hollins C of E Primary School", id="c-of-e"),
    pytest.param("Hollins RC Primary", "Hollins RC Primary", id="rc"),
    pytest.param("Hollins Roman Catholic High School", "Hollins Roman Catholic High School", id="roman-catholic"),
    pytest.param("Hollins Methodist Primary School", "Hollins Methodist Primary School", id="methodist"),
    pytest.param("Hollins Voluntary Aided Primary", "Hollins Voluntary Aided Primary", id="voluntary-aided"),
    pytest.param("Hollins Nursery School", "Hollins Nursery School", id="nursery-school"),
    pytest.param("Hollins Day Nursery", "Hollins Day Nursery", id="day-nursery"),
    pytest.param("Hollins Pre-school and", "Hollins Pre-school", id="pre-school"),
    pytest.param("Hollins Pupil Referral Unit", "Hollins Pupil Referral Unit", id="pupil-referral-unit"),
    pytest.param("placed at Hollins PRU in", "Hollins PRU", id="pru"),
    pytest.param("Hollins Short Stay School", "Hollins Short Stay School", id="short-stay-school"),
    pytest.param("Hollins Alternative Provision Academy", "Hollins Alternative Provision Academy", id="ap-academy"),
    pytest.param("Hollins Sixth Form College", "Hollins Sixth Form College", id="sixth-form-college"),
    pytest.param("Hollins University Technical College", "Hollins University Technical College", id="utc"),
    pytest.param("Hollins Studio School", "Hollins Studio School", id="studio-school"),
    pytest.param("Hollins Free School", "Hollins Free School", id="free-school"),
    pytest.param("Hollins Technology College", "Hollins Technology College", id="specialist-college"),
    pytest.param("Hollins Montessori Nursery School", "Hollins Montessori Nursery School", id="type-after-type"),
    pytest.param("Hollins Primary School and Nursery.", "Hollins Primary School and Nursery", id="and-nursery"),
    pytest.param("Little Owls Out of School Club", "Little Owls Out of School Club", id="out-of-school-club"),
    pytest.param("Ashby Sure Start Children's Centre", "Ashby Sure Start Children's Centre", id="sure-start"),
    pytest.param("attended Park View Academy until", "Park View Academy", id="named-after-street"),
    pytest.param("Church Street Primary School", "Church Street Primary School", id="church-street"),
    pytest.param(
        "All Saints Church of England Primary School", "All Saints Church of England Primary School", id="all-saints"
    ),
    pytest.param(
        "St Peter and St Paul Catholic Primary School", "St Peter and St Paul Catholic Primary School", id="two-saints"
    ),
    pytest.param("ATTENDED HOLLINS JUNIOR AND INFANT SCHOOL", "HOLLINS JUNIOR AND INFANT SCHOOL", id="caps"),
    pytest.param(
        "ST MARY'S CHURCH OF ENGLAND PRIMARY ACADEMY", "ST MARY'S CHURCH OF ENGLAND PRIMARY ACADEMY", id="caps-church"
    ),
    pytest.param("VISIT TO HOLLINS PRIMARY SCHOOL", "HOLLINS PRIMARY SCHOOL", id="caps-heading"),
    pytest.param("REECE ATTENDED OAKFIELD PARK PRIMARY SCHOOL", "OAKFIELD PARK PRIMARY SCHOOL", id="caps-sentence"),
]
VOCABULARY_NEGATIVES = [
    pytest.param("primary school staff were told", None, id="lower-case"),
    pytest.param("the Primary School staff were told", None, id="type-only"),
    pytest.param("eligible for Free School Meals", None, id="free-school-meals"),
    pytest.param("offered a Grammar School place", None, id="grammar-school"),
    pytest.param("a Church of England Primary School", None, id="designation-only"),
    pytest.param("a Sure Start Children's Centre", None, id="sure-start-only"),
    pytest.param("the Pupil Referral Unit", None, id="pru-only"),
    pytest.param("LEARNING FROM THE PRIMARY SCHOOL", None, id="caps-heading-generic"),
    pytest.param("Learning From The Primary School", None, id="title-heading-generic"),
    pytest.param("the Northshire Virtual School Head", None, id="virtual-school"),
    pytest.param("the Northshire School Nursing Service", None, id="school-nursing"),
    pytest.param("Northshire Academy Trust", None, id="academy-trust"),
    pytest.param("the Council's Nursery", None, id="agency-possessive"),
    pytest.param("Northshire Healthcare NHS Foundation Trust", None, id="nhs-trust"),
    pytest.param("the Council and Children's Social Care", None, id="agencies"),
]


@pytest.mark.parametrize(("text", "expected"), VOCABULARY_POSITIVES)
def test_when_a_name_ends_in_a_vocabulary_setting_type_then_the_school_is_found(text: str, expected: str) -> None:
    assert_finds(SchoolRecognizer(), text, "SCHOOL", expected)


@pytest.mark.parametrize(("text", "unexpected"), VOCABULARY_NEGATIVES)
def test_when_only_setting_words_or_an_agency_are_named_then_nothing_is_found(
    text: str, unexpected: str | None
) -> None:
    assert_misses(SchoolRecognizer(), text, "SCHOOL", unexpected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tyler attended Ashby primary school until 2019.", "Ashby primary school"),
        ("He moved to the Larkfield academy in May.", "Larkfield academy"),
        ("CASTLEFORD junior school", "CASTLEFORD junior school"),
    ],
)
def test_when_a_proper_name_precedes_a_school_type_in_lower_case_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(SchoolRecognizer(), text, "SCHOOL", expected)


@pytest.mark.parametrize(
    "text",
    ["The primary school was told.", "Local primary school staff met.", "the Northshire academy trust agreed"],
)
def test_when_the_words_before_a_lower_case_school_type_are_ordinary_or_an_agency_follows_then_nothing_is_found(
    text: str,
) -> None:
    assert_misses(SchoolRecognizer(), text, "SCHOOL", None)
