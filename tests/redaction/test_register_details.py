"""The register's "other identifying details" (issue 13): validation that never echoes a value, every
written form found (phones in any spacing and with +44, registrations with or without the space, e-mails
in any case, school names across line breaks), findings never dropped by a threshold, and verification
requiring them gone from a real PDF."""

from __future__ import annotations

import pytest

from redaction.errors import RegisterError, VerificationFailed
from redaction.forbidden import forbidden_items
from redaction.policy import load_policy
from redaction.register import DETAIL_TYPES, Detail, parse_register, register_terms, register_to_dict
from redaction.resolve import find_register_spans, resolve
from tests.redaction.conftest import page_texts
from tests.redaction.test_engine_pdf import everything

SECRET = "Quillfeather Academy"


def details(*pairs: tuple[str, str]) -> dict:
    return {"details": [{"type": kind, "value": value} for kind, value in pairs]}


def found(text: str, register: dict) -> list[tuple[str, str]]:
    return [(s.text, s.category) for s in find_register_spans(text, parse_register(register))]


# (detail, text, the substring that must be found)
WRITTEN_FORMS = [
    (("phone", "07700 900123"), "Call 07700900123 today.", "07700900123"),
    (("phone", "07700 900123"), "Call 0770 090 0123 today.", "0770 090 0123"),
    (("phone", "07700 900123"), "Call 07700\n900123 today.", "07700\n900123"),
    (("phone", "07700 900123"), "Call +44 7700 900123 today.", "+44 7700 900123"),
    (("phone", "07700 900123"), "Call +44 (0)7700-900-123 today.", "+44 (0)7700-900-123"),
    (("phone", "+44 7700 900123"), "Call 07700 900 123 today.", "07700 900 123"),
    (("phone", "0114 496 0000"), "Ring 01144960000.", "01144960000"),
    (("vehicle_registration", "AB12 CDE"), "a car, AB12CDE, parked", "AB12CDE"),
    (("vehicle_registration", "ab12cde"), "a car, AB12 CDE, parked", "AB12 CDE"),
    (("email", "Jo.Morris@Example.org"), "wrote from JO.MORRIS@example.ORG.", "JO.MORRIS@example.ORG"),
    (("school", "St Mary's Primary School"), "at ST MARY'S\nPRIMARY SCHOOL each day", "ST MARY'S\nPRIMARY SCHOOL"),
    (("school", "St Mary's Primary School"), "at Saint Mary’s Primary every day", "Saint Mary’s Primary"),
    (("gp_practice", "Larch  Lane Surgery"), "registered at Larch Lane\nSurgery.", "Larch Lane\nSurgery"),
    (("workplace", "Brightwell & Sons Haulage"), "at Brightwell and Sons Haulage", "Brightwell and Sons Haulage"),
    (("nhs_number", "485 777 3456"), "NHS no. 4857773456 noted", "4857773456"),
    (("reference", "CR/0041/19"), "crime ref CR 0041 19 logged", "CR 0041 19"),
]


@pytest.mark.parametrize(("detail", "text", "expected"), WRITTEN_FORMS)
def test_when_a_detail_is_written_another_way_then_the_register_still_finds_it(detail, text, expected):
    hits = found(text, details(detail))
    assert expected in [t for t, _c in hits], hits
    assert {c for _t, c in hits} == {DETAIL_TYPES[detail[0]][1]}


@pytest.mark.parametrize(
    ("detail", "text"),
    [
        (("phone", "07700 900123"), "Call 07700 900124 today."),  # a different number
        (("phone", "07700 900123"), "ref 1207700900123 logged"),  # inside a longer number
        (("vehicle_registration", "AB12 CDE"), "the ABB12CDE code"),
        (("school", "Oakfield Primary School"), "Oakfield Road is nearby"),  # two words are kept as two words
    ],
)
def test_when_text_only_resembles_a_detail_then_nothing_is_found(detail, text):
    assert found(text, details(detail)) == []


def test_when_a_register_has_details_then_old_registers_stay_valid_and_blank_values_are_ignored():
    old = parse_register({"people": [{"name": "Tyler Morris", "role": "stepdad"}], "addresses": ["1 A Road"]})
    assert old.details == () and old.people[0].role == "stepdad"  # free-text roles stay valid in JSON
    new = parse_register(details(("school", "  Oakfield   Primary "), ("phone", "  ")))
    assert new.details == (Detail("school", "Oakfield Primary"),)


def test_a_parsed_register_turns_back_into_json_without_losing_a_kind():
    register = parse_register(
        {"people": [{"name": "Tyler Morris", "role": "child", "aliases": ["Ty"], "date_of_birth": "2017-11-03"}],
         "addresses": ["1 A Road"], "public_names": ["Jane Doe"], **details(("phone", "07700 900123"))}
    )  # fmt: skip
    assert parse_register(register_to_dict(register)) == register


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"details": "x"}, ["details", "list"]),
        ({"details": [SECRET]}, ["details[0]", "object"]),
        ({"details": [{"type": "pet", "value": SECRET}]}, ["details[0]", "type", "school"]),
        ({"details": [{"type": "school", "value": SECRET, "note": 1}]}, ["unknown keys", "note"]),
        ({"details": [{"type": "phone", "value": SECRET}]}, ["details[0]", "phone number"]),
        ({"details": [{"type": "email", "value": SECRET}]}, ["details[0]", "e-mail"]),
        ({"details": [{"type": "vehicle_registration", "value": SECRET}]}, ["vehicle registration"]),
        ({"details": [{"type": "nhs_number", "value": "12345"}]}, ["NHS number"]),
        ({"details": [{"type": "school", "value": 7}]}, ["details[0]", "string"]),
    ],
)
def test_when_a_detail_is_malformed_then_the_message_says_where_and_never_what(raw, words):
    with pytest.raises(RegisterError) as caught:
        parse_register(raw)
    message = str(caught.value)
    for word in words:
        assert word in message
    assert SECRET not in message and "Quillfeather" not in message


def test_when_a_detail_is_found_then_it_has_score_one_and_survives_any_threshold():
    text = "Child K attended Quillfeather Academy and rode in AB12 CDE."
    register = parse_register(details(("school", SECRET), ("vehicle_registration", "AB12CDE")))
    policy = load_policy("publication")
    strict_threshold = type(policy)(**{**policy.__dict__, "threshold": 1.01})
    chosen = resolve(text, [], register, strict_threshold)
    assert {(s.text, s.category, s.score, s.source) for s in chosen} == {
        (SECRET, "SCHOOL", 1.0, "register"),
        ("AB12 CDE", "VEHICLE_REG", 1.0, "register"),
    }


def test_every_detail_category_is_one_the_built_in_policies_redact():
    # resolve keeps only findings whose category the policy redacts: a detail mapped elsewhere would vanish
    for name in ("publication", "strict"):
        policy = load_policy(name)
        assert all(policy.redacts(category) for _label, category in DETAIL_TYPES.values()), name


def test_when_a_register_has_details_then_verification_requires_every_spacing_gone():
    register = details(("phone", "07700 900123"), ("school", SECRET))
    items = dict(forbidden_items([], register=register))
    assert items[SECRET] == "SCHOOL"
    # loose terms are spelt out character by character: verification allows any whitespace between them
    assert items["0 7 7 0 0 9 0 0 1 2 3"] == "PHONE" and items["4 4 7 7 0 0 9 0 0 1 2 3"] == "PHONE"
    assert all(t.category in ("PHONE", "SCHOOL") for t in register_terms(parse_register(register)))


# ---------------------------------------------------------------------------------------------------------
# A real PDF
# ---------------------------------------------------------------------------------------------------------
PDF_REGISTER = details(
    ("school", "Quillfeather Academy"),
    ("vehicle_registration", "KX19 ZPB"),
    ("phone", "07700 900461"),
    ("email", "hollis.family@example.org"),
)


def test_when_register_details_are_in_a_pdf_then_they_are_removed_and_neighbours_survive(engine, make_pdf):
    pdf = make_pdf(
        [
            (72, 100, "Child K started at Quillfeather"),
            (72, 114, "Academy in Year 3 and settled well."),
            (72, 140, "A neighbour saw the car (kx19zpb) outside the house."),
            (72, 170, "The family could be reached on +44 7700 900 461 in the evenings."),
            (72, 200, "Messages went to HOLLIS.FAMILY@EXAMPLE.ORG each week."),
        ]
    )
    output, _report = engine.redact(pdf, register=PDF_REGISTER)
    out = everything(output).lower()
    for gone in ("quillfeather", "kx19", "zpb", "7700", "900 461", "hollis.family"):
        assert gone not in out, gone
    for kept in ("child k started at", "in year 3 and settled well", "a neighbour saw the car", "in the evenings"):
        assert kept in " ".join(out.split()), kept


def test_when_a_register_detail_is_left_in_a_pdf_then_verification_fails(engine, make_pdf):
    pdf = make_pdf([(72, 100, "Child K started at Quillfeather Academy; the car was KX19 ZPB.")])
    assert "Quillfeather Academy" in page_texts(pdf)
    with pytest.raises(VerificationFailed) as caught:
        engine.render(pdf, [], register=PDF_REGISTER)  # nothing applied: the register alone must fail it
    categories = {category for _channel, category in caught.value.survivors}
    assert {"SCHOOL", "VEHICLE_REG"} <= categories
    assert "Quillfeather" not in str(caught.value)
