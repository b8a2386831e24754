import re

import pytest

from redaction import vocabularies


@pytest.mark.parametrize("name", vocabularies.NAMES)
def test_when_a_vocabulary_is_loaded_then_it_is_non_empty_and_names_its_source(name: str) -> None:
    entries = vocabularies.load(name)
    assert entries, name
    assert len(vocabularies.source(name)) > 20, name
    assert all(entry == entry.strip() and not entry.startswith("#") for entry in entries)


@pytest.mark.parametrize("name", vocabularies.NAMES)
def test_when_a_vocabulary_is_loaded_then_it_has_no_duplicates(name: str) -> None:
    entries = [entry.lower() for entry in vocabularies.load(name)]
    duplicates = sorted({entry for entry in entries if entries.count(entry) > 1})
    assert duplicates == [], duplicates


def test_when_a_vocabulary_is_loaded_twice_then_the_file_is_read_once() -> None:
    assert vocabularies.load(vocabularies.THOROUGHFARES) is vocabularies.load(vocabularies.THOROUGHFARES)


def test_when_a_vocabulary_is_unknown_then_loading_it_fails() -> None:
    with pytest.raises(KeyError):
        vocabularies.load("no_such_list")


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("Mansions", True),
        ("MANSIONS", True),
        ("mansions", False),
        ("Pre-School", True),
        ("Pre-school", True),
        ("Preschool", True),
        ("PRE-SCHOOL", True),
        ("Children’s\u00a0Centre", True),
        ("children's centre", False),
    ],
)
def test_when_entries_become_a_pattern_then_title_case_and_capitals_match_but_lower_case_does_not(
    text: str, matches: bool
) -> None:
    compiled = re.compile(vocabularies.pattern(["Mansions", "Pre-School", "Children's Centre"]))
    assert bool(compiled.fullmatch(text)) is matches


def test_when_one_entry_is_a_prefix_of_another_then_the_longer_is_matched() -> None:
    compiled = re.compile(vocabularies.pattern(["Medical", "Medical Centre", "MEDICAL GROUP"]))
    assert compiled.match("Medical Centre, Ashby").group() == "Medical Centre"
    assert compiled.match("MEDICAL GROUP").group() == "MEDICAL GROUP"
    assert compiled.match("Medical Practice").group() == "Medical"
