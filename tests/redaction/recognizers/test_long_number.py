import pytest

from redaction.recognizers.long_number import LongNumberRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("Police occurrence number 20194471 records the call.", "20194471"),
    ("the CAD log 123456 from that night", "123456"),
    ("hospital number 7734521 on the discharge letter", "7734521"),
    ("Ofsted URN 108765.", "108765"),
    ("(job 4455667)", "4455667"),
    ("ref: 00123456, see below", "00123456"),
]
NEGATIVES = [
    ("a loss of £1250000 was reported", None),
    ("a loss of 1250000 pounds", None),
    ("costs of 1,250,000 were", None),
    ("see paragraph 123456 of the guidance", None),
    ("the decimal 3.1415926 is pi", None),
    ("in 2019 and 2020 the family moved", None),
    ("contents 13-18 and pages 101-120", None),
    ("an application 123456/19 was lodged", None),
    ("the code AB1234567 is a part number", None),
    ("a rise of 1234567% is impossible", None),
    ("dated 20190412-20200101 in the log", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_a_standalone_number_has_six_or_more_digits_then_it_is_a_reference(text: str, expected: str) -> None:
    assert_finds(LongNumberRecognizer(), text, "CASE_REFERENCE", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_a_number_is_money_a_year_a_page_or_part_of_a_code_then_nothing_is_found(
    text: str, unexpected: str | None
) -> None:
    assert_misses(LongNumberRecognizer(), text, "CASE_REFERENCE", unexpected)
