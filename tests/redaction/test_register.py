"""The family register: validation (malformed registers are refused with a message that says where,
never what) and the written forms searched for (dates of birth, initials, addresses, flexible patterns)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from redaction.errors import RegisterError
from redaction.register import (
    address_forms,
    date_forms,
    flexible_pattern,
    initials,
    parse_register,
    register_terms,
)

SECRET = "Zephyrine Quarterman"  # a value that must never be echoed back in an error message

# (register, words the message must contain)
MALFORMED = [
    ('{"people": [', ["not valid JSON", "line 1", "column"]),
    ('{\n "people": [\n  {"name": "Ty" \n  }\n ,]}', ["not valid JSON", "line"]),
    (b'{"people": [{"name": "\xe9"}]}', ["UTF-8"]),
    ("[]", ["object"]),
    ('"just a string"', ["object"]),
    ("null", ["object"]),
    ('{"people": {"name": "Tyler Morris"}}', ["people", "list"]),
    ('{"addresses": "27 Brook Street"}', ["addresses", "list"]),
    ('{"public_names": "Jane Doe"}', ["public_names", "list"]),
    ('{"people": ["Tyler Morris"]}', ["people[0]", "name"]),
    ('{"people": [{"role": "child"}]}', ["people[0]", "name"]),
    ('{"people": [{"name": "   "}]}', ["people[0]", "name"]),
    ('{"people": [{"name": "Tyler Morris"}, {"name": 7}]}', ["people[1]", "name"]),
    ('{"people": [{"name": "Tyler Morris", "aliases": "Ty"}]}', ["aliases", "list of strings"]),
    ('{"people": [{"name": "Tyler Morris", "aliases": ["Ty", 3]}]}', ["aliases", "list of strings"]),
    ('{"people": [{"name": "Tyler Morris", "role": 3}]}', ["role", "string"]),
    ('{"people": [{"name": "Tyler Morris", "date_of_birth": "2017-02-30"}]}', ["date_of_birth"]),
    ('{"people": [{"name": "Tyler Morris", "date_of_birth": "next Tuesday"}]}', ["date_of_birth"]),
    ('{"people": [{"name": "Tyler Morris", "date_of_birth": 20171103}]}', ["date_of_birth"]),
    ('{"addresses": [27]}', ["addresses[0]", "string"]),
    ('{"public_names": ["Jane Doe", null]}', ["public_names[1]", "string"]),
    ('{"people": [], "postcodes": ["S60 2TT"]}', ["unknown keys", "postcodes"]),
]
WELL_FORMED = [
    (None, 0),
    ("{}", 0),
    (b'{"people": []}', 0),
    ('{"people": [{"name": "Tyler Morris"}]}', 1),
    (
        '{"people": [{"name": "Tyler Morris", "role": "child", "aliases": ["Ty"], '
        '"date_of_birth": "2017-11-03"}], "addresses": ["27 Brook Street"], "public_names": ["Jane Doe"]}',
        1,
    ),
    ({"people": [{"name": "A B", "date_of_birth": "03/11/2017"}, {"name": "C D", "date_of_birth": ""}]}, 2),
]


@pytest.mark.parametrize(("raw", "words"), MALFORMED)
def test_when_register_is_malformed_then_register_error_says_where(raw: str | bytes, words: list[str]) -> None:
    with pytest.raises(RegisterError) as caught:
        parse_register(raw)
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(("raw", "people"), WELL_FORMED)
def test_when_register_is_well_formed_then_it_parses(raw: object, people: int) -> None:
    assert len(parse_register(raw).people) == people


@pytest.mark.parametrize(
    "raw",
    [
        {"people": [{"name": "Tyler Morris", "aliases": [SECRET, 3]}]},
        {"people": [{"name": "Tyler Morris", "date_of_birth": SECRET}]},
        {"people": [{"name": "Tyler Morris", "role": [SECRET]}]},
        {"people": [SECRET]},
        {"addresses": [SECRET, 4]},
    ],
)
def test_when_register_value_is_bad_then_message_does_not_echo_it(raw: dict) -> None:
    with pytest.raises(RegisterError) as caught:
        parse_register(json.dumps(raw))
    assert "Zephyrine" not in str(caught.value) and "Quarterman" not in str(caught.value)


@pytest.mark.parametrize("key", ["dob", "alias", "nickname"])
def test_when_person_has_unknown_key_then_register_error(key: str) -> None:
    with pytest.raises(RegisterError):
        parse_register({"people": [{"name": "Tyler Morris", key: "2017-11-03"}]})


def test_when_register_strings_are_blank_then_they_are_dropped() -> None:
    register = parse_register(
        {
            "addresses": ["  ", "27 Brook Street"],
            "public_names": ["", "Jane Doe"],
            "people": [{"name": " Tyler Morris ", "aliases": [" ", "Ty"]}],
        }
    )
    assert register.addresses == ("27 Brook Street",)
    assert register.public_names == ("Jane Doe",)
    assert register.people[0].name == "Tyler Morris" and register.people[0].aliases == ("Ty",)


@pytest.mark.parametrize("written", ["2017-11-03", "03/11/2017", "3 November 2017", "03-11-2017", "3 Nov 2017"])
def test_when_date_of_birth_is_written_in_an_accepted_form_then_it_parses_to_the_same_day(
    written: str,
) -> None:
    register = parse_register({"people": [{"name": "Tyler Morris", "date_of_birth": written}]})
    assert register.people[0].date_of_birth == dt.date(2017, 11, 3)


# ---------------------------------------------------------------------------------------------------------
# Written forms
# ---------------------------------------------------------------------------------------------------------
DOB = dt.date(2017, 11, 3)
DATE_WRITTEN = [
    "3 November 2017",
    "3rd Nov 2017",
    "03/11/2017",
    "3/11/2017",
    "2017-11-03",
    "03-Nov-2017",
    "November 3, 2017",
    "3rd of November 2017",
    "3.11.2017",
    "03/11/17",
]
DATE_NOT_WRITTEN = [
    "11/03/2017",
    "2017-03-11",
    "13 November 2017",
    "3 November 2018",
    "3 October 2017",
    "November 2017",
    "30/11/2017",
]


@pytest.mark.parametrize("written", DATE_WRITTEN)
def test_when_date_of_birth_is_written_a_common_way_then_it_is_a_form(written: str) -> None:
    assert written in date_forms(DOB)


@pytest.mark.parametrize("other", DATE_NOT_WRITTEN)
def test_when_date_is_another_day_or_only_month_and_year_then_it_is_not_a_form(other: str) -> None:
    assert other not in date_forms(DOB)


@pytest.mark.parametrize(
    ("day", "ordinal"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (31, "31st"),
    ],
)
def test_when_day_needs_an_ordinal_then_the_suffix_is_english(day: int, ordinal: str) -> None:
    assert f"{ordinal} January 2020" in date_forms(dt.date(2020, 1, day))


def test_when_month_is_september_then_sept_is_a_form() -> None:
    assert "4 Sept 2019" in date_forms(dt.date(2019, 9, 4))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Amira Hussain", ["AH", "A.H."]),
        ("Tyler James Morris", ["TJM", "T.J.M."]),
        ("Ellie-Mae Smith", ["EMS", "E.M.S."]),
        ("amira hussain", ["AH", "A.H."]),
    ],
)
def test_when_name_has_two_or_more_parts_then_initials_are_made(name: str, expected: list[str]) -> None:
    assert initials(name) == expected


@pytest.mark.parametrize("name", ["Tyler", "", "   "])
def test_when_name_has_one_part_then_there_are_no_initials(name: str) -> None:
    assert initials(name) == []


ADDRESS_FORMS = [
    (
        "27 Brook Street, Rotherham S60 2TT",
        ["27 Brook Street, Rotherham S60 2TT", "27 Brook Street, Rotherham", "27 Brook Street", "S60 2TT"],
    ),
    ("27 Brook Street\nRotherham\nS60 2TT", ["27 Brook Street", "S60 2TT", "27 Brook Street, Rotherham"]),
    ("27 Brook Street, Rotherham S602TT", ["27 Brook Street, Rotherham", "S60 2TT"]),
    ("27 Brook Street, Rotherham", ["27 Brook Street, Rotherham", "27 Brook Street"]),
    (
        "Flat 4, 12 High Road, Dunford DN2 9EA",
        ["Flat 4, 12 High Road", "12 High Road", "DN2 9EA", "Flat 4, 12 High Road, Dunford"],
    ),
    (
        "Flat 3, Priory House, Holmewick YO8 5SF",
        ["Flat 3, Priory House", "YO8 5SF", "Flat 3, Priory House, Holmewick"],
    ),
]


@pytest.mark.parametrize(("address", "expected"), ADDRESS_FORMS)
def test_when_address_is_registered_then_its_identifying_parts_are_forms(address: str, expected: list[str]) -> None:
    forms = address_forms(address)
    for form in expected:
        assert form in forms, (form, forms)


@pytest.mark.parametrize(
    ("address", "not_expected"),
    [
        ("27 Brook Street, Rotherham S60 2TT", ["Rotherham", "Brook", "Street", "S60"]),
        ("Flat 4, 12 High Road, Dunford DN2 9EA", ["Dunford", "Flat"]),
    ],
)
def test_when_address_is_registered_then_a_bare_town_or_word_is_not_a_form(
    address: str, not_expected: list[str]
) -> None:
    forms = address_forms(address)
    for form in not_expected:
        assert form not in forms


def test_when_flat_address_has_building_name_then_street_line_is_a_form() -> None:
    assert "12 High Road" in address_forms("Flat 4, Weaver House, 12 High Road, Dunford DN2 9EA")


FLEXIBLE_HITS = [
    ("Tyler Morris", "The nurse saw Tyler\nMorris at home", "Tyler\nMorris"),
    ("Tyler Morris", "seen: Tyler,  Morris (child)", "Tyler,  Morris"),
    ("27 Brook Street, Rotherham", "at 27 Brook Street\nRotherham with", "27 Brook Street\nRotherham"),
    ("27 Brook Street, Rotherham", "at 27 Brook Street Rotherham with", "27 Brook Street Rotherham"),
    ("Lee", "Lee said", "Lee"),
    ("Lee", "then LEE said", "LEE"),
    ("Lee", "lee's room", "lee"),
    ("Ellie-Mae", "met Ellie-\nMae today", "Ellie-\nMae"),
    ("3 November 2017", "born 3  November\n2017.", "3  November\n2017"),
]
FLEXIBLE_MISSES = [
    ("Lee", "in Leeds today"),
    ("Lee", "Ashlee was there"),
    ("Tyler Morris", "Tyler Morrison came"),
    ("Tyler Morris", "Tyler and Morris came"),
    ("S60 2TT", "S60 2TTX"),
]


@pytest.mark.parametrize(("term", "text", "expected"), FLEXIBLE_HITS)
def test_when_term_occurs_across_breaks_or_in_other_case_then_flexible_pattern_matches(
    term: str, text: str, expected: str
) -> None:
    match = flexible_pattern(term).search(text)
    assert match is not None and match.group() == expected


@pytest.mark.parametrize(("term", "text"), FLEXIBLE_MISSES)
def test_when_term_is_only_part_of_a_word_then_flexible_pattern_does_not_match(term: str, text: str) -> None:
    assert flexible_pattern(term).search(text) is None


@pytest.mark.parametrize(
    ("term", "text", "hit"),
    [("AH", "AH said", True), ("AH", "ah, she said", False), ("AH", "Ah well", False)],
)
def test_when_case_sensitive_is_asked_then_only_the_exact_case_matches(term: str, text: str, hit: bool) -> None:
    assert (flexible_pattern(term, case_sensitive=True).search(text) is not None) is hit


def test_when_person_is_registered_then_every_form_is_a_search_term() -> None:
    register = parse_register(
        {
            "people": [{"name": "Amira Hussain", "aliases": ["Mimi"], "date_of_birth": "2017-11-03"}],
            "addresses": ["27 Brook Street, Rotherham S60 2TT"],
        }
    )
    terms = {(t.text, t.category) for t in register_terms(register)}
    for expected in [
        ("Amira Hussain", "PERSON"),
        ("Amira", "PERSON"),
        ("Hussain", "PERSON"),
        ("AH", "PERSON"),
        ("Mimi", "NICKNAME"),
        ("3 November 2017", "DATE_OF_BIRTH"),
        ("S60 2TT", "POSTCODE"),
        ("27 Brook Street", "ADDRESS"),
    ]:
        assert expected in terms, expected
    initials_terms = [t for t in register_terms(register) if t.text == "AH"]
    assert initials_terms and all(t.case_sensitive for t in initials_terms)
