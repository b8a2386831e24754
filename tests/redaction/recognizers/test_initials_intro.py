import pytest

from redaction.recognizers.initials_intro import InitialsIntroRecognizer
from redaction.register import initial_forms
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("Kayden-Lee Barraclough-Smith (KBS) was born in 2015.", "Kayden-Lee Barraclough-Smith"),
    ("Kayden-Lee Barraclough-Smith (KBS) was born in 2015.", "KBS"),
    ("Amira Hussain (hereafter AH) moved in.", "Amira Hussain"),
    ("Amira Hussain (hereafter AH) moved in.", "AH"),
    ("Ionuț Popescu (IP) was the lodger.", "Ionuț Popescu"),
    ("Siobhan Ní Bhriain (SNB) attended.", "SNB"),
    ("Zofia Wójcik-Nowak (ZWN) is his aunt.", "Zofia Wójcik-Nowak"),
    ("Amira Hussain, referred to as AH in this review, moved in.", "Amira Hussain"),
    ("Amira Hussain, referred to as AH in this review, moved in.", "AH"),
    ("Tomasz Kowalczyk – hereafter 'TK' – was the lodger.", "TK"),
    ("Tomasz Kowalczyk, who will be referred to as “TK”, was the lodger.", "Tomasz Kowalczyk"),
    ("Amira Hussain (referred to as 'AH') moved in.", "AH"),
]
NEGATIVES = [
    ("The Multi-Agency Safeguarding Hub (MASH) met.", "Safeguarding Hub"),
    ("Local Safeguarding Children Board (LSCB) reports", None),
    ("Serious Case Review (SCR) guidance", None),
    ("Amira Hussain (KB) moved in.", None),  # the letters are not her initials
    ("Children's Social Care (CSC) closed the case.", None),
    ("Amira Hussain, referred to as KB, moved in.", None),  # not her initials
    ("Children's Social Care, hereafter CSC, closed the case.", None),
    ("Amira Hussain, referred to as AHA by friends", "AH"),  # letters run on: not the initials
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_a_name_is_introduced_with_its_initials_then_both_are_found(text: str, expected: str) -> None:
    assert_finds(InitialsIntroRecognizer(), text, "PERSON", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_the_bracketed_letters_are_an_organisations_or_not_the_initials_then_nothing_is_found(
    text: str, unexpected: str | None
) -> None:
    assert_misses(InitialsIntroRecognizer(), text, "PERSON", unexpected)


def test_initials_are_taken_per_word_per_hyphenated_part_or_mixed() -> None:
    assert initial_forms("Kayden-Lee Barraclough-Smith") == {"KB", "KLBS", "KBS", "KLB"}
    assert initial_forms("Amira Hussain") == {"AH"}
