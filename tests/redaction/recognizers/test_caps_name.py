import pytest

from redaction.recognizers._names import NameLexicon
from redaction.recognizers.caps_name import CapsNameRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

_LEXICON = NameLexicon(first_names=frozenset({"Kelly", "Parveen"}), surnames=frozenset({"Sharma"}))


def _recognizer() -> CapsNameRecognizer:
    return CapsNameRecognizer(lexicon=lambda: _LEXICON)


POSITIVES = [
    ("Re: KELLY HOLLINS (DOB 04/07/1981)", "KELLY HOLLINS"),
    ("Name: ISLA MAY HOLLINS", "ISLA MAY HOLLINS"),
    ("TYLER MORRIS, born 3 November 2017", "TYLER MORRIS"),
    ("Letter about PARVEEN SHARMA", "PARVEEN SHARMA"),
    ("Child: ŁUKASZ WIŚNIEWSKI", "ŁUKASZ WIŚNIEWSKI"),
]
NEGATIVES = [
    ("SERIOUS CASE REVIEW", None),
    ("CASE OF MURRAY v. THE UNITED KINGDOM", None),
    ("THE FACTS", None),
    ("Re: MASH CSPR referral", None),
    ("FAMILY COMPOSITION (DOB column)", None),
    ("ROBERT JONES spoke", None),  # no cue and not a known given name in this lexicon
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_caps_words_have_person_evidence_then_they_are_found(text: str, expected: str) -> None:
    assert_finds(_recognizer(), text, "PERSON", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_caps_words_are_headings_or_acronyms_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(_recognizer(), text, "PERSON", unexpected)
