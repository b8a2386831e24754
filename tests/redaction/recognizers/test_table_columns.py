import pytest

from redaction.recognizers.table_columns import TableColumnRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses, found

HOUSEHOLD = (
    "Household members\n"
    "Name\tD.O.B.\tEthnicity\tSchool / setting\n"
    "Kayden Barraclough (KB)\t12.03.14\tWhite British\tHolme Lane Junior and Infant School\n"
    "Maisie-Rae O'Driscoll\t3.7.2016\tMixed\tLittle Acorns\n"
    "Connor McAllister\t04-11-09\tWhite British\tn/a\n"
)

POSITIVES = [
    (HOUSEHOLD, "12.03.14", "DATE_OF_BIRTH"),
    (HOUSEHOLD, "3.7.2016", "DATE_OF_BIRTH"),
    (HOUSEHOLD, "04-11-09", "DATE_OF_BIRTH"),
    (HOUSEHOLD, "Kayden Barraclough", "PERSON"),
    (HOUSEHOLD, "KB", "PERSON"),
    (HOUSEHOLD, "Maisie-Rae O'Driscoll", "PERSON"),
    (HOUSEHOLD, "Connor McAllister", "PERSON"),
    (HOUSEHOLD, "Holme Lane Junior and Infant School", "SCHOOL"),
    (HOUSEHOLD, "Little Acorns", "SCHOOL"),
    ("Child\tBorn\tAddress\nElla\t2 March 2018\tFlat 3, Kestrel Tower\n", "2 March 2018", "DATE_OF_BIRTH"),
    ("Child\tBorn\tAddress\nElla\t2 March 2018\tFlat 3, Kestrel Tower\n", "Flat 3, Kestrel Tower", "ADDRESS"),
    ("Name\tDate of birth\tNHS No.\nJo Bloggs\t01/02/2003\t485 777 3456\n", "485 777 3456", "NHS_NUMBER"),
    ("Name\tTel\tGP practice\nJo Bloggs\t07700 900482\tDr Okafor and Partners\n", "07700 900482", "PHONE"),
    (
        "Name\tTel\tGP practice\nJo Bloggs\t07700 900482\tDr Okafor and Partners\n",
        "Dr Okafor and Partners",
        "HEALTH_FACILITY",
    ),
    # A row whose empty cell shifted the others: with no other date column, every date is a DOB.
    ("Relationship\tName\tDOB\tNotes\nSibling\t14.9.19\tlives with father\n", "14.9.19", "DATE_OF_BIRTH"),
    # A repeated header on the next page continues the table.
    (
        "Name\tDOB\nAmy Pond\t01.01.10\nThe family moved.\nName\tDOB\nRory Williams\t02.02.11\n",
        "02.02.11",
        "DATE_OF_BIRTH",
    ),
]
NEGATIVES = [
    # A chronology: "Date" is not a date of birth, and agency names are not schools.
    ("Date\tAgency\tEvent\n12.03.19\tSchool\tDSL called the family\n14.03.19\tGP\tAppointment missed\n", "12.03.19"),
    ("Date\tAgency\tEvent\n12.03.19\tSchool\tDSL called the family\n14.03.19\tGP\tAppointment missed\n", "School"),
    # A data row that happens to hold a column word is not a header.
    ("School\tattending\tgood progress\nMother\tworking\tpart time\n", "working"),
    # No header at all.
    ("Mother\tworking\tpart time\nFather\tunemployed\tsince 2019\n", None),
    # A table with a DOB column and a date-of-death column: only the DOB column's dates.
    ("Name\tDOB\tDate of death\nBaby T\t01.02.20\t03.04.20\n", "03.04.20"),
    # Empty cells stay empty.
    (HOUSEHOLD, "n/a"),
]


@pytest.mark.parametrize(("text", "expected", "entity"), POSITIVES)
def test_when_a_cell_is_under_a_known_column_header_then_it_is_found(text: str, expected: str, entity: str) -> None:
    assert_finds(TableColumnRecognizer(), text, entity, expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_a_table_has_no_such_column_then_its_cells_are_kept(text: str, unexpected: str | None) -> None:
    recognizer = TableColumnRecognizer()
    for entity in recognizer.ENTITIES:
        assert_misses(recognizer, text, entity, unexpected)


def test_when_the_header_row_itself_is_read_then_column_names_are_not_findings() -> None:
    spans = [
        span for entity in TableColumnRecognizer.ENTITIES for span in found(TableColumnRecognizer(), HOUSEHOLD, entity)
    ]
    assert not any(text in ("Name", "D.O.B.", "School / setting") for _start, _end, text in spans)
