import pytest

from redaction.recognizers.email import EmailRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("used her email address (kellyh15@hotmail.co.uk) for", "kellyh15@hotmail.co.uk"),
    ("emailed from psharma1989@icloud.com to cancel", "psharma1989@icloud.com"),
    ("write to bisola.adeyemi84@gmail.com.", "bisola.adeyemi84@gmail.com"),
    ("Email: j.o-neill+x@council-mail.gov.uk;", "j.o-neill+x@council-mail.gov.uk"),
]
NEGATIVES = [
    ("her snapchat was @kelly_m88", None),
    ("an @ sign alone", None),
    ("user@localhost has no domain", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_an_email_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(EmailRecognizer(), text, "EMAIL", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_text_has_no_email_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(EmailRecognizer(), text, "EMAIL", unexpected)
