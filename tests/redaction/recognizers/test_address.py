import pytest

from redaction.recognizers.address import AddressRecognizer
from tests.redaction.recognizers.helpers import assert_finds, assert_misses

POSITIVES = [
    ("The family lived at 14 Larch Close until", "14 Larch Close"),
    ("27 Brook Street, Rotherham S60 2TT", "27 Brook Street, Rotherham S60 2TT"),
    ("moved from Flat 3, Priory House to", "Flat 3, Priory House"),
    ("lived at Flat 4, Weaver House, Dunford DN2 9EA and", "Flat 4, Weaver House, Dunford DN2 9EA"),
    ("a visit to 12a Mill Lane", "12a Mill Lane"),
    (
        "Letter sent to 57 Brunswick Place, Saltney Bridge YO20 2EW.",
        "57 Brunswick Place, Saltney Bridge YO20 2EW",
    ),
    ("lived at 27 Tanner's Row", "27 Tanner's Row"),
    ("Flat 17, St Anne's Court", "Flat 17, St Anne's Court"),
    ("Relationship\tMother\t10 Beechwood Avenue\n", "10 Beechwood Avenue"),
    ("at 53 Chapel Fold, with", "53 Chapel Fold"),
]
NEGATIVES = [
    ("the case was tried at 3 Leeds Crown Court", None),
    ("section 3 High Street provisions", None),
    ("On 12 November 2002 the Court decided", None),
    ("paragraph 14 Human Rights Park", None),
    ("the family lived in Larch Close", None),
    ("she had 3 Green Party leaflets", None),
    ("Saltney Bridge DN22 2NF", None),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_when_text_contains_a_street_or_flat_address_then_it_is_found(text: str, expected: str) -> None:
    assert_finds(AddressRecognizer(), text, "ADDRESS", expected)


@pytest.mark.parametrize(("text", "unexpected"), NEGATIVES)
def test_when_number_is_not_a_house_number_then_nothing_is_found(text: str, unexpected: str | None) -> None:
    assert_misses(AddressRecognizer(), text, "ADDRESS", unexpected)


# Descriptors from redaction/vocabularies (PAF thoroughfares, building and block words), after a
# capitalised name and a house number or "Flat N,", in Title Case or ALL CAPS.
VOCABULARY_POSITIVES = [
    pytest.param("they lived at 14 Ashdown Mansions until", "14 Ashdown Mansions", id="number-building"),
    pytest.param("moved to 9 Kestrel Tower in", "9 Kestrel Tower", id="number-tower"),
    pytest.param("a room at 4 Weaver House, then", "4 Weaver House", id="number-house"),
    pytest.param("lived at Flat 3, Kestrel Tower with", "Flat 3, Kestrel Tower", id="flat-comma-tower"),
    pytest.param("Flat 12 Brunswick Court was", "Flat 12 Brunswick Court", id="flat-no-comma-court"),
    pytest.param("lived in flat 2, Weaver House with", "flat 2, Weaver House", id="flat-lower-case"),
    pytest.param("visits to Flat 6, Kestrel Point were", "Flat 6, Kestrel Point", id="flat-only-word"),
    pytest.param("Room 4, Ashby Hostel", "Room 4, Ashby Hostel", id="room-hostel"),
    pytest.param("from 22 Harbour Quay to", "22 Harbour Quay", id="quay"),
    pytest.param("lived at 4 Larch Causeway", "4 Larch Causeway", id="causeway"),
    pytest.param("lived at 7 Mill Wynd", "7 Mill Wynd", id="wynd"),
    pytest.param("at 3 Abbey Sidings since", "3 Abbey Sidings", id="sidings"),
    pytest.param("at 19 Orchard Gdns.", "19 Orchard Gdns", id="abbreviation"),
    pytest.param("lived at 5 The Paddocks with", "5 The Paddocks", id="the-paddocks"),
    pytest.param("moved to 2 The Maltings in May", "2 The Maltings", id="the-maltings"),
    pytest.param("5 The Green, Dunford DN2 9EA\n", "5 The Green, Dunford DN2 9EA", id="the-green-postcode"),
    pytest.param(
        "Flat 4, Kestrel Towers, Dunford DN2 9EA and", "Flat 4, Kestrel Towers, Dunford DN2 9EA", id="flat-postcode"
    ),
    pytest.param("lived at 14 ASHDOWN MANSIONS with", "14 ASHDOWN MANSIONS", id="caps-building"),
    pytest.param("ADDRESS: FLAT 3, KESTREL TOWER", "FLAT 3, KESTREL TOWER", id="caps-flat"),
    pytest.param("at 22 HARBOUR QUAY", "22 HARBOUR QUAY", id="caps-quay"),
    pytest.param("lived at 14 High Street with", "14 High Street", id="court-word-on-a-street"),
    pytest.param("lived at 3 Crown Road with", "3 Crown Road", id="crown-road"),
    pytest.param("14 Ashdown Mansions\nDunford", "14 Ashdown Mansions", id="address-block-line"),
]
VOCABULARY_NEGATIVES = [
    pytest.param("she was a tower of strength", None, id="tower-in-prose"),
    pytest.param("the court heard that 3 witnesses", None, id="court-in-prose"),
    pytest.param("\n5 The Way Forward\n", None, id="numbered-heading"),
    pytest.param("\n4 THE VIEW OF THE CHILD\n", None, id="caps-numbered-heading"),
    pytest.param("there were 2 Family Court hearings", None, id="family-court"),
    pytest.param("the 3 Magistrates' Court hearings", None, id="magistrates-court"),
    pytest.param("see 2 Practice Point below", None, id="flat-only-word-after-number"),
    pytest.param("after 3 Town Hall meetings", None, id="hall-after-number"),
    pytest.param("There were 6 Further Steps and", None, id="stop-word-in-name"),
    pytest.param("Northshire Healthcare NHS Foundation Trust", None, id="trust"),
    pytest.param("the Council and Children's Social Care", None, id="agencies"),
    pytest.param("met on 12 March Court papers", None, id="month"),
    pytest.param("moved to a 3 Bed House and", None, id="size-of-house"),
]


@pytest.mark.parametrize(("text", "expected"), VOCABULARY_POSITIVES)
def test_when_a_named_place_with_a_vocabulary_descriptor_has_a_number_then_the_address_is_found(
    text: str, expected: str
) -> None:
    assert_finds(AddressRecognizer(), text, "ADDRESS", expected)


@pytest.mark.parametrize(("text", "unexpected"), VOCABULARY_NEGATIVES)
def test_when_a_descriptor_word_is_prose_a_heading_or_an_agency_then_nothing_is_found(
    text: str, unexpected: str | None
) -> None:
    assert_misses(AddressRecognizer(), text, "ADDRESS", unexpected)
