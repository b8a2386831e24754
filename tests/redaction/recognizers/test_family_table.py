import pytest

from redaction.recognizers.family_table import FamilyTableRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

TABLE = (
    "Relationship\tFamily member\tDOB\tEthnic origin\tAddress\n"
    "Subject (Child T)\tIsla Hollins\t18/11/2007\tWhite British\t10 Beechwood Avenue\n"
    "Mother\tKelly Hollins\t04/07/1981\tWhite British\t10 Beechwood Avenue\n"
    "Mother's partner\tShane Ashworth\t30/07/1979\tWhite British\tSeparate address\n"
    "Maternal grandmother\tJodie Hollins\t19/02/1956\tWhite British\tSeparate address\n"
    "Aaliyah Whyte\tYounger half-sister\t04.01.2015\tBlack/Black British: Caribbean\n"
    "Sibling 2\tTyler Morris (Tee)\t3rd Nov 2017\tMixed\n"
    "Paternal uncle\tŁukasz Wiśniewski\tNot known\n"
    "Oct 2020\tGP\tParveen Sharma seen by the GP on 12/10/2020.\n"
    "Nov 2020\tEastmoor Police\tMother reported\n"
)

POSITIVES = [
    ("PERSON", "Isla Hollins"),
    ("PERSON", "Kelly Hollins"),
    ("PERSON", "Shane Ashworth"),
    ("PERSON", "Jodie Hollins"),
    ("PERSON", "Aaliyah Whyte"),
    ("PERSON", "Tyler Morris"),
    ("PERSON", "Tee"),
    ("PERSON", "Łukasz Wiśniewski"),
    ("DATE_OF_BIRTH", "18/11/2007"),
    ("DATE_OF_BIRTH", "04.01.2015"),
    ("DATE_OF_BIRTH", "3rd Nov 2017"),
]
NEGATIVES = [
    ("PERSON", "White British"),
    ("PERSON", "Separate address"),
    ("PERSON", "Family member"),
    ("PERSON", "Eastmoor Police"),
    ("PERSON", "Parveen Sharma"),
    ("PERSON", "Black/Black British: Caribbean"),
    ("DATE_OF_BIRTH", "12/10/2020"),
    ("PERSON", "Mother"),
]


@pytest.mark.parametrize(("entity", "expected"), POSITIVES)
def test_when_row_starts_or_contains_a_relationship_then_name_and_dob_cells_are_found(
    entity: str, expected: str
) -> None:
    assert_finds(FamilyTableRecognizer(), TABLE, entity, expected)


@pytest.mark.parametrize(("entity", "unexpected"), NEGATIVES)
def test_when_cell_is_ethnicity_header_or_chronology_then_nothing_is_found(entity: str, unexpected: str) -> None:
    assert_misses(FamilyTableRecognizer(), TABLE, entity, unexpected)


def test_when_text_has_no_tabs_then_nothing_is_found() -> None:
    assert_misses(FamilyTableRecognizer(), "Mother Kelly Hollins 04/07/1981", "PERSON")
