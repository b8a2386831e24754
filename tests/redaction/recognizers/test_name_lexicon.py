import time

import pytest

from redaction.recognizers._names import NameLexicon, load_name_lexicon
from redaction.recognizers.name_lexicon import NameLexiconRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses


@pytest.fixture(scope="module")
def recognizer() -> NameLexiconRecognizer:
    return NameLexiconRecognizer(lexicon=load_name_lexicon)


POSITIVES = [
    ("Aarav Qureshi was seen alone", "Aarav Qureshi"),
    ("When Aarav Qureshi was seen alone", "Aarav Qureshi"),
    ("Łukasz Wiśniewski moved in", "Łukasz Wiśniewski"),
    ("the applicant, Mehmet Ali Ege, complained", "Mehmet Ali Ege"),
    ("a neighbour, Ikenna Okonkwo, called", "Ikenna Okonkwo"),
    ("Grace Kelly arrived", "Grace Kelly"),  # an English-word given name before a known surname
]
NEGATIVES = [
    ("Will Social Care respond?", None),
    ("May Court decisions", None),
    ("the German Unification Treaty", None),
    ("Sierra Leone", None),
    ("Summer Holidays began", None),
    ("Charlotte Street is closed", None),
    ("Aarav was seen alone", None),  # a given name alone is left to propagation
    ("The Court held", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_known_given_name_precedes_a_surname_then_the_pair_is_found(
    recognizer: NameLexiconRecognizer, text: str, expected: str
) -> None:
    assert_finds(recognizer, text, "PERSON", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_capitalised_words_are_not_a_name_pair_then_nothing_is_found(
    recognizer: NameLexiconRecognizer, text: str, unexpected: str | None
) -> None:
    assert_misses(recognizer, text, "PERSON", unexpected)


def test_when_lexicon_is_injected_then_it_is_used_instead_of_faker() -> None:
    lexicon = NameLexicon(first_names=frozenset({"Zorblax"}), surnames=frozenset())
    assert_finds(NameLexiconRecognizer(lexicon=lambda: lexicon), "Zorblax Quint came", "PERSON", "Zorblax Quint")


def test_when_lexicon_loads_then_english_words_are_not_given_names() -> None:
    lexicon = load_name_lexicon()
    assert {"Will", "May", "Grace", "Summer", "Mark", "The", "Court"}.isdisjoint(lexicon.first_names)
    assert {"Aarav", "Łukasz", "Mehmet", "Ikenna"} <= lexicon.first_names


def test_when_lexicon_is_cached_then_second_load_is_instant() -> None:
    load_name_lexicon()
    started = time.perf_counter()
    load_name_lexicon()
    assert time.perf_counter() - started < 0.01
