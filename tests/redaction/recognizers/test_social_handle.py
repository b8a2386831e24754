import pytest

from redaction.recognizers.social_handle import SocialHandleRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("messages from @kelly_m88 on Instagram", "@kelly_m88"),
    ("his snapchat: tyler.m was shared", "tyler.m"),
    ("Instagram username kelz_x posted", "kelz_x"),
    ("TikTok handle: @ty.m2010", "@ty.m2010"),
]
NEGATIVES = [
    ("email kellyh15@hotmail.co.uk", "hotmail.co.uk"),
    ("email kellyh15@hotmail.co.uk", "kellyh15"),
    ("meet @ 10am", None),
    ("she used Snapchat and Instagram daily", None),
    ("Name: KELLY D.O.B 04/07/1981", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_social_handle_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(SocialHandleRecognizer(), text, "SOCIAL_HANDLE", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_text_has_no_handle_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(SocialHandleRecognizer(), text, "SOCIAL_HANDLE", unexpected)
