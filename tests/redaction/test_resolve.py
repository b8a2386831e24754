"""From raw findings to what is redacted: keep-list (pseudonyms, roles, agencies, citations, public names),
register search, propagation to every other mention, family-table dates, strict profile institutions.

Raw findings are hand-made ``Span``s standing for NER output, so each test says exactly what the model
"found" and checks only what ``resolve`` makes of it.
"""

from __future__ import annotations

import pytest

from redaction.keep import split_lines
from redaction.policy import Policy, load_policy
from redaction.register import Register, parse_register
from redaction.resolve import remove_overlaps, resolve
from redaction.types import Span

PUBLICATION = load_policy("publication")
STRICT = load_policy("strict")


def occurrence(text: str, value: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(value, start + 1)
    return start, start + len(value)


def ner(
    text: str, value: str, category: str = "PERSON", *, nth: int = 0, score: float = 0.85, source: str = "ner"
) -> Span:
    """A finding as NER (or, with ``source="pattern"``, a recognizer) would report it."""
    start, end = occurrence(text, value, nth)
    recognizer = "SpacyRecognizer" if source == "ner" else "TestRecognizer"
    return Span(start, end, category, score, source, recognizer, value)  # type: ignore[arg-type]


def run(
    text: str, spans: list[Span], register: Register | dict | None = None, policy: Policy = PUBLICATION
) -> list[Span]:
    return resolve(text, spans, parse_register(register), policy)


def proposed(result: list[Span], text: str, value: str, nth: int = 0) -> bool:
    """The ``nth`` occurrence of ``value`` is wholly inside a proposed span."""
    start, end = occurrence(text, value, nth)
    return any(s.start <= start and end <= s.end for s in result)


def untouched(result: list[Span], text: str, value: str, nth: int = 0) -> bool:
    """No proposed span overlaps the ``nth`` occurrence of ``value``."""
    start, end = occurrence(text, value, nth)
    return not any(s.start < end and start < s.end for s in result)


# ---------------------------------------------------------------------------------------------------------
# Keep-list: pseudonyms, roles, agencies, citations, public names
# ---------------------------------------------------------------------------------------------------------
PSEUDONYMS = [
    ("Child K was seen by the nurse.", "Child K"),
    ("The nurse weighed Child K's brother.", "Child K's"),
    ("Adult B told the police.", "Adult B"),
    ("Sibling 2 attended school.", "Sibling 2"),
    ("Baby T was admitted.", "Baby T"),
    ("Young Person C left home.", "Young Person C"),
]


@pytest.mark.parametrize(("text", "tagged"), PSEUDONYMS)
def test_when_ner_tags_a_pseudonym_then_it_is_not_redacted(text: str, tagged: str) -> None:
    result = run(text, [ner(text, tagged)])
    assert untouched(result, text, tagged)


def test_when_pseudonym_precedes_a_real_name_then_only_the_name_is_redacted() -> None:
    text = "The school nurse said Child T. Parveen was unwell."
    result = run(text, [ner(text, "Child T. Parveen")])
    assert proposed(result, text, "Parveen")
    assert untouched(result, text, "Child T.")


ROLES = [
    ("Mother spoke to the doctor.", "Mother"),
    ("She rang the health visitor twice.", "the health visitor"),
    ("The Social Worker visited.", "Social Worker"),
    ("Dad was at work.", "Dad"),
    ("The Lead Reviewer met the family.", "Lead Reviewer"),
    ("However, she did not attend.", "However"),
]


@pytest.mark.parametrize(("text", "tagged"), ROLES)
def test_when_ner_tags_a_role_or_ordinary_word_then_it_is_not_redacted(text: str, tagged: str) -> None:
    result = run(text, [ner(text, tagged)])
    assert result == []


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        ("Kelly Hollins spoke to the doctor.", "Kelly Hollins"),
        ("The nurse said Amira Hussain was tired.", "Amira Hussain"),
        ("Ms Okonkwo-Adeyemi attended.", "Okonkwo-Adeyemi"),
    ],
)
def test_when_ner_tags_a_real_name_then_it_is_redacted(text: str, tagged: str) -> None:
    result = run(text, [ner(text, tagged)])
    assert proposed(result, text, tagged)


def test_when_ner_tags_an_agency_as_a_person_then_it_is_not_redacted() -> None:
    text = "Northshire Healthcare NHS Foundation Trust wrote to Mercia Fields Police."
    result = run(text, [ner(text, "Northshire Healthcare NHS Foundation Trust"), ner(text, "Mercia Fields")])
    assert result == []


def test_when_a_surname_is_also_in_an_agency_name_then_the_agency_keeps_it() -> None:
    text = "Kelly Fields rang Mercia Fields Police. Later Fields said nothing."
    result = run(text, [ner(text, "Kelly Fields")])
    assert proposed(result, text, "Kelly Fields")
    assert proposed(result, text, "Fields", nth=2)  # "Later Fields": the person
    assert untouched(result, text, "Mercia Fields Police")


@pytest.mark.parametrize(
    "text", ["PC Hughes of Mercia Fields Police attended.", "Kelly Hughes from Mercia Police rang."]
)
def test_when_a_name_is_followed_by_of_and_an_agency_then_the_name_is_redacted(text: str) -> None:
    result = run(text, [ner(text, "Hughes", source="pattern")])
    assert proposed(result, text, "Hughes")
    assert untouched(result, text, "Mercia")


CITATIONS = [
    ("As Brandon et al 2010 found, the risk was high.", "Brandon"),
    ("As Brandon et al. (2010) found, the risk was high.", "Brandon"),
    ("Munro (2011) argued for reform.", "Munro"),
    ("Munro, 2011 argued for reform.", "Munro"),
    ("Sidebotham and Brandon (2016) showed this.", "Sidebotham"),
]


@pytest.mark.parametrize(("text", "tagged"), CITATIONS)
def test_when_a_name_is_a_research_citation_then_it_is_kept(text: str, tagged: str) -> None:
    result = run(text, [ner(text, tagged)])
    assert untouched(result, text, tagged)


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        ("Brandon said he would come in 2010.", "Brandon"),
        ("Munro told the nurse (on 3 May) that she was fine.", "Munro"),
    ],
)
def test_when_a_name_is_not_followed_by_a_citation_then_it_is_redacted(text: str, tagged: str) -> None:
    result = run(text, [ner(text, tagged)])
    assert proposed(result, text, tagged)


def test_when_a_name_is_a_registered_public_name_then_it_is_kept() -> None:
    text = "Dr Rosalind Pryce chaired the panel. Rosalind Pryce met Kelly Hollins."
    result = run(
        text,
        [ner(text, "Dr Rosalind Pryce"), ner(text, "Rosalind Pryce", nth=1), ner(text, "Kelly Hollins")],
        register={"public_names": ["Dr Rosalind Pryce"]},
    )
    assert untouched(result, text, "Rosalind Pryce")
    assert untouched(result, text, "Rosalind Pryce", nth=1)
    assert proposed(result, text, "Kelly Hollins")


@pytest.mark.parametrize(
    "intro",
    [
        "Independent reviewer: Jane Doe\n",
        "The independent reviewer is Jane Doe and ",
        "This review was written by Jane Doe and ",
    ],
)
def test_when_a_name_is_introduced_as_the_reviewer_then_it_is_kept(intro: str) -> None:
    text = intro + "she met Kelly Hollins. Jane Doe wrote the report."
    result = run(text, [ner(text, "Jane Doe"), ner(text, "Jane Doe", nth=1), ner(text, "Kelly Hollins")])
    assert untouched(result, text, "Jane Doe")
    assert untouched(result, text, "Jane Doe", nth=1)
    assert proposed(result, text, "Kelly Hollins")


def test_when_reviewer_name_ends_a_sentence_then_it_is_still_kept() -> None:
    text = "Independent reviewer: Jane Doe. The review began in May. Jane Doe met Kelly Hollins."
    result = run(text, [ner(text, "Jane Doe"), ner(text, "Jane Doe", nth=1), ner(text, "Kelly Hollins")])
    assert untouched(result, text, "Jane Doe", nth=1)
    assert proposed(result, text, "Kelly Hollins")


# ---------------------------------------------------------------------------------------------------------
# Propagation
# ---------------------------------------------------------------------------------------------------------
PROPAGATION_TEXT = (
    "Kelly Hollins attended the clinic. Later Kelly said Ms Hollins was tired. "
    "HOLLINS signed the form. Hollins's flat was cold. The hollins path was muddy."
)


@pytest.mark.parametrize(("value", "nth"), [("Kelly", 1), ("Hollins", 1), ("HOLLINS", 0), ("Hollins", 2)])
def test_when_a_person_is_detected_then_every_later_mention_is_proposed(value: str, nth: int) -> None:
    text = PROPAGATION_TEXT
    result = run(text, [ner(text, "Kelly Hollins")])
    assert proposed(result, text, value, nth)
    assert all(s.source == "propagation" for s in result if s.text != "Kelly Hollins")


@pytest.mark.parametrize(
    ("value", "nth"), [("Ms", 0), ("'s flat", 0), ("attended the clinic", 0), ("signed the form", 0)]
)
def test_when_a_person_is_propagated_then_titles_and_neighbouring_words_survive(value: str, nth: int) -> None:
    text = PROPAGATION_TEXT
    result = run(text, [ner(text, "Kelly Hollins")])
    assert untouched(result, text, value, nth)


def test_when_a_detected_surname_is_also_a_word_then_the_word_goes_too() -> None:
    """Verification and the publication scorer read "brook" as the surname "Brook" (any case): keeping
    the word would fail verification and leave the surname in the scorer's eyes."""
    text = "Ms Ella Brook attended. Brook said they walked by the brook. BROOK signed."
    result = run(text, [ner(text, "Ella Brook", source="pattern")])
    assert proposed(result, text, "Brook", nth=1)
    assert proposed(result, text, "BROOK")
    assert proposed(result, text, "brook")
    assert untouched(result, text, "walked by the")


# ---------------------------------------------------------------------------------------------------------
# Consistency: a text redacted once is redacted everywhere verification would look for it
# ---------------------------------------------------------------------------------------------------------
def test_when_context_finds_a_text_only_once_then_every_occurrence_is_redacted() -> None:
    text = "She worked as a social worker. The social worker visited. Another social worker called."
    result = run(text, [ner(text, "social worker", "OCCUPATION", score=0.5, source="pattern")], policy=STRICT)
    assert all(proposed(result, text, "social worker", nth) for nth in range(3))
    assert untouched(result, text, "visited") and untouched(result, text, "Another")


def test_when_a_redacted_text_sits_inside_a_kept_agency_name_then_the_agency_name_survives() -> None:
    text = "Kelly Mercia attended. Mercia Fields Police were called to see Mercia."
    result = run(text, [ner(text, "Kelly Mercia")])
    assert proposed(result, text, "Mercia", nth=2)
    assert untouched(result, text, "Mercia Fields Police")


def test_when_a_kept_agency_name_loses_a_part_then_it_no_longer_protects_the_rest() -> None:
    """ "Oak Surgery and Mercia Police" is one agency run, but once the surgery is redacted what remains
    is not that kept name, so the organisation redacted elsewhere must go here too."""
    text = "Mercia Police attended. Oak Surgery and Mercia Police shared notes."
    spans = [
        ner(text, "Mercia Police", "ORGANIZATION", score=0.85),
        ner(text, "Oak Surgery", "HEALTH_FACILITY", score=0.9, source="pattern"),
    ]
    result = run(text, spans, policy=STRICT)
    assert proposed(result, text, "Mercia Police", nth=1)


def test_when_initials_are_also_a_word_then_only_the_capitals_are_redacted() -> None:
    text = "Amira Hussain (AH) attended. AH was seen. Ah, said the nurse, ah well."
    result = run(text, [], register={"people": [{"name": "Amira Hussain"}]})
    assert proposed(result, text, "AH", nth=1)
    assert untouched(result, text, "Ah") and untouched(result, text, "ah well")


def test_when_a_low_scoring_ner_guess_is_the_only_mention_then_it_does_not_propagate() -> None:
    text = "Kelly Hollins attended. Kelly was tired."
    result = run(text, [ner(text, "Kelly Hollins", score=0.1)])
    assert result == []


@pytest.mark.parametrize(
    ("value", "nth"), [("TYLER MORRIS", 0), ("tyler morris", 0), ("Morris", 0), ("tyler", 0), ("Ty", 0)]
)
def test_when_a_person_is_registered_then_every_case_of_the_name_is_found(value: str, nth: int) -> None:
    text = "TYLER MORRIS and tyler morris; Morris's room. Ask tyler. Ty laughed."
    result = run(text, [], register={"people": [{"name": "Tyler Morris", "aliases": ["Ty"]}]})
    assert proposed(result, text, value, nth)
    assert all(s.source == "register" and s.score == 1.0 for s in result)


@pytest.mark.parametrize("value", ["room", "Ask", "laughed", "Tyson"])
def test_when_a_person_is_registered_then_other_words_survive(value: str) -> None:
    text = "TYLER MORRIS and tyler morris; Morris's room. Ask tyler. Tyson laughed."
    result = run(text, [], register={"people": [{"name": "Tyler Morris", "aliases": ["Ty"]}]})
    assert untouched(result, text, value)


def test_when_registered_person_has_initials_then_only_the_capital_initials_are_found() -> None:
    text = "AH was seen. Ah, said the nurse, ah well."
    result = run(text, [], register={"people": [{"name": "Amira Hussain"}]})
    assert proposed(result, text, "AH")
    assert untouched(result, text, "Ah") and untouched(result, text, "ah well")


def test_when_initials_are_introduced_in_brackets_then_later_initials_are_proposed() -> None:
    text = "The nurse met Amira Hussain (AH) at the clinic. Later AH told the GP she was tired."
    result = run(text, [ner(text, "Amira Hussain")])
    assert proposed(result, text, "AH", nth=1)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The nurse met Gina Price (GP) at home. Later the GP saw Child K.", "Gina Price"),
        ("The nurse met Gina Price(GP) at home. Later the GP saw Child K.", "Gina Price"),
        ("The nurse met Amira Hussain (HA) at home. Later HA was closed.", "Amira Hussain"),
        ("The nurse met Amira Hussain(HA) at home. Later HA was closed.", "Amira Hussain"),
    ],
)
def test_when_bracketed_letters_are_an_acronym_or_not_the_initials_then_later_uses_are_kept(
    text: str, name: str
) -> None:
    result = run(text, [ner(text, name)])
    assert proposed(result, text, name)
    later = text.index("Later")
    assert not any(s.start > later for s in result)


# ---------------------------------------------------------------------------------------------------------
# Family tables
# ---------------------------------------------------------------------------------------------------------
TABLE_HEAD = "Name\tRelationship\tDate of birth\n"


@pytest.mark.parametrize("date", ["12/03/1990", "12.03.1990", "12 March 1990", "12th Mar 1990", "1990-03-12"])
def test_when_table_row_names_a_person_then_its_full_date_cell_is_a_date_of_birth(date: str) -> None:
    text = TABLE_HEAD + f"Kelly Hollins\tMother\t{date}\n"
    result = run(text, [ner(text, "Kelly Hollins")])
    assert any(s.category == "DATE_OF_BIRTH" and s.text == date for s in result)


@pytest.mark.parametrize(
    "row",
    [
        "Police visit\tHome\t12/03/2019\n",  # no person in the row
        "Kelly Hollins\tMother\tMarch 1990\n",  # month and year only
        "Kelly Hollins\t12/03/1990\n",  # two cells: not a table row
        "Kelly Hollins\tMother\tborn 12/03/1990 in Leeds\n",  # not a date-only cell
    ],
)
def test_when_table_row_has_no_person_or_no_full_date_cell_then_no_date_of_birth(row: str) -> None:
    text = TABLE_HEAD + row + "Kelly Hollins attended.\n"
    result = run(text, [ner(text, "Kelly Hollins", nth=0)])
    assert not any(s.category == "DATE_OF_BIRTH" for s in result)


# ---------------------------------------------------------------------------------------------------------
# Strict profile, thresholds, overlaps, line splitting
# ---------------------------------------------------------------------------------------------------------
COURTS = "The Supreme Administrative Court dismissed it. The Söke Labour Court had found for him."


def test_when_strict_then_public_institutions_are_kept_and_local_ones_redacted() -> None:
    spans = [
        ner(COURTS, "The Supreme Administrative Court", "ORGANIZATION"),
        ner(COURTS, "The Söke Labour Court", "ORGANIZATION"),
    ]
    result = run(COURTS, spans, policy=STRICT)
    assert untouched(result, COURTS, "The Supreme Administrative Court")
    assert proposed(result, COURTS, "Söke")


@pytest.mark.parametrize(
    ("text", "court"),
    [
        ("as clarified by the Supreme Court (Högsta domstolen) in that case", "Supreme Court"),
        ("On 20 March the Court of Appeal (Svea hovrätt) upheld it.", "Court of Appeal"),
    ],
)
def test_when_strict_and_a_public_institution_is_followed_by_its_native_name_then_both_are_redacted(
    text: str, court: str
) -> None:
    result = run(text, [ner(text, court, "ORGANIZATION")], policy=STRICT)
    native = text[text.index("(") + 1 : text.index(")")]
    assert proposed(result, text, court)
    assert proposed(result, text, native)


@pytest.mark.parametrize(
    "text",
    [
        "referred to the Court of Appeal (“the Court”) for a ruling",  # an English short name
        "referred to the Court of Appeal (ECJ) for a ruling",  # an acronym
        "referred to the Court of Appeal (see paragraph 12) for a ruling",
    ],
)
def test_when_strict_and_the_bracket_is_not_a_native_name_then_the_public_institution_is_kept(text: str) -> None:
    result = run(text, [ner(text, "Court of Appeal", "ORGANIZATION")], policy=STRICT)
    assert untouched(result, text, "Court of Appeal")


@pytest.mark.parametrize(
    ("text", "place", "whole"),
    [
        ("was outside the Borough of Southwark and far away", "Southwark", "Borough of Southwark"),
        ("situated in the municipality of Härjedalen in the north", "Härjedalen", "municipality of Härjedalen"),
        ("a village in the District of Famagusta in Cyprus", "Famagusta", "District of Famagusta"),
    ],
)
def test_when_strict_and_a_place_follows_its_administrative_unit_then_the_unit_goes_with_it(
    text: str, place: str, whole: str
) -> None:
    result = run(text, [ner(text, place, "LOCATION")], policy=STRICT)
    assert proposed(result, text, whole)
    assert untouched(result, text, "the ")  # the article stays


def test_when_a_place_has_no_administrative_unit_before_it_then_only_the_place_is_redacted() -> None:
    text = "he moved to Southwark in 2001"
    result = run(text, [ner(text, "Southwark", "LOCATION")], policy=STRICT)
    assert proposed(result, text, "Southwark") and untouched(result, text, "moved to")


def test_when_publication_then_organisations_are_not_redacted() -> None:
    spans = [ner(COURTS, "The Söke Labour Court", "ORGANIZATION")]
    assert run(COURTS, spans, policy=PUBLICATION) == []


@pytest.mark.parametrize(
    ("category", "policy", "redacted"),
    [
        ("DATE_TIME", PUBLICATION, False),
        ("DATE_TIME", STRICT, True),
        ("LOCATION", PUBLICATION, False),
        ("LOCATION", STRICT, True),
        ("POSTCODE", PUBLICATION, True),
        ("POSTCODE", STRICT, True),
    ],
)
def test_when_category_is_or_is_not_in_the_profile_then_it_is_or_is_not_redacted(
    category: str, policy: Policy, redacted: bool
) -> None:
    text = "They moved to Dunford DN2 9EA in March 2019."
    value = {"DATE_TIME": "March 2019", "LOCATION": "Dunford", "POSTCODE": "DN2 9EA"}[category]
    result = run(text, [ner(text, value, category, source="pattern")], policy=policy)
    assert proposed(result, text, value) is redacted


def test_when_a_finding_scores_below_the_threshold_then_it_is_dropped_unless_registered() -> None:
    text = "They lived at 27 Brook Street with Kelly."
    weak = ner(text, "27 Brook Street", "ADDRESS", score=PUBLICATION.threshold - 0.1, source="pattern")
    assert run(text, [weak]) == []
    result = run(text, [weak], register={"addresses": ["27 Brook Street"]})
    assert proposed(result, text, "27 Brook Street")


def test_when_findings_are_nested_then_only_the_outer_one_is_kept() -> None:
    outer = Span(0, 20, "ADDRESS", 0.6, "pattern", "A", "x" * 20)
    inner = Span(3, 10, "PERSON", 0.9, "ner", "B", "x" * 7)
    partial = Span(15, 30, "PERSON", 0.9, "ner", "C", "x" * 15)
    assert remove_overlaps([inner, partial, outer]) == [outer, partial]


def test_when_a_ner_name_crosses_a_line_or_cell_then_it_is_split() -> None:
    text = "Kelly Hollins\tMother\nTyler"
    parts = split_lines(text, Span(0, len(text), "PERSON", 0.8, "ner", "X", text))
    assert [p.text for p in parts] == ["Kelly Hollins", "Mother", "Tyler"]


def test_when_strict_redacts_an_agency_name_once_then_it_is_redacted_everywhere() -> None:
    text = "Mercia Fields Police attended. Officers from Mercia Fields Police called again."
    result = run(text, [ner(text, "Mercia Fields Police", "ORGANIZATION")], policy=STRICT)
    assert proposed(result, text, "Mercia Fields Police", nth=1)


@pytest.mark.parametrize(
    ("tagged", "category", "kept", "removed"),
    [
        ("the Kestrel Haulage Company", "ORGANIZATION", "the", "Kestrel Haulage Company"),
        ("The United Kingdom", "LOCATION", "The", "United Kingdom"),
        ("the summer of 1998", "DATE_TIME", "the", "summer of 1998"),
    ],
)
def test_when_a_strict_quasi_identifier_starts_with_an_article_then_only_the_article_is_kept(
    tagged: str, category: str, kept: str, removed: str
) -> None:
    text = f"It was heard by {tagged} later.\n"
    result = run(text, [ner(text, tagged, category)], policy=STRICT)
    article = text.index(tagged)  # the article is the tagged span's first word
    assert text[article : article + len(kept)] == kept
    assert not any(s.start <= article < s.end for s in result)
    assert proposed(result, text, removed)


@pytest.mark.parametrize(
    ("name", "initials"),
    [("Kayden-Lee Barraclough-Smith", "KBS"), ("Kayden-Lee Barraclough-Smith", "KLBS"), ("Amira Hussain", "AH")],
)
def test_when_a_name_is_introduced_with_initials_in_any_form_then_every_later_use_of_them_is_proposed(
    name: str, initials: str
) -> None:
    text = f"{name} ({initials}) moved in. Later {initials} told the nurse.\n"
    result = run(text, [ner(text, name, source="pattern")])
    assert proposed(result, text, initials, nth=1)
    assert untouched(result, text, "told the nurse")


def test_when_a_redacted_word_is_half_of_a_word_hyphenated_at_a_line_end_then_that_half_goes_too() -> None:
    """ "multi-" + "cohort" is one word in the detection text but two printed words; verification reads
    "cohort" on its own, so where "Cohort" is a redacted name the half is redacted as well."""
    text = "Ms Cohort visited. The multicohort study followed."
    join = text.index("cohort study")
    spans = [ner(text, "Cohort", "PERSON")]
    result = resolve(text, spans, parse_register(None), PUBLICATION, (), [join])
    assert any((s.start, s.end) == (join, join + len("cohort")) for s in result)
    assert untouched(result, text, "multi")
    alone = resolve(text, spans, parse_register(None), PUBLICATION)
    assert not any(s.start == join for s in alone)  # without the join, the whole word is not a name
