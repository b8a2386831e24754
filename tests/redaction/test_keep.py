"""Keep rules from the document itself (issue 10, item 6), through ``resolve``: each kept thing is kept
AND a real identifying name right next to it is still redacted.

Raw findings are hand-made ``Span``s standing for NER or recognizer output, as in ``test_resolve.py``.
"""

from __future__ import annotations

import pytest

from redaction.types import Span
from tests.redaction.test_resolve import PUBLICATION, STRICT, ner, proposed, run, untouched


def every(text: str, value: str, **kwargs: object) -> list[Span]:
    """NER finds every occurrence of ``value``."""
    return [ner(text, value, nth=i, **kwargs) for i in range(text.count(value))]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# Declared pseudonyms
# ---------------------------------------------------------------------------------------------------------
DECLARATIONS = [
    "The child is referred to as Holly in this report.",
    "The child is referred to as Holly (not her real name).",
    "The child, known in this review as Holly, was two.",
    "The child will be called Holly in this report.",
    "Holly (not her real name) was two.",
    "Holly and Jasper (names have been changed) were seen.",
    "The pseudonym 'Holly' is used for the child.",
    "Names have been changed; the child is called Holly.",
    "I will refer to the child as Holly.",
    "Holly is a pseudonym.",
]


@pytest.mark.parametrize("declaration", DECLARATIONS)
def test_when_the_report_declares_a_pseudonym_then_it_is_kept_everywhere(declaration: str) -> None:
    text = declaration + " Holly was seen by the nurse. Holly's mother, Kerry Walsh, said HOLLY was tired."
    result = run(text, every(text, "Holly") + [ner(text, "Kerry Walsh")])
    assert all(untouched(result, text, "Holly", nth) for nth in range(text.count("Holly")))
    assert untouched(result, text, "HOLLY")
    assert proposed(result, text, "Kerry Walsh")


def test_when_a_declared_pseudonym_is_in_the_register_then_it_is_redacted() -> None:
    """The register holds the family's real names: a real name is never kept as a "pseudonym"."""
    text = "The child is referred to as Holly in this report. Holly was seen by the nurse."
    result = run(text, every(text, "Holly"), register={"people": [{"name": "Holly Walsh"}]})
    assert proposed(result, text, "Holly", nth=1)


def test_when_a_real_name_is_given_the_pseudonym_then_only_the_pseudonym_is_kept() -> None:
    text = "Tobi Mensah will be referred to as Jasper. Jasper was seen. Tobi was not."
    result = run(text, [ner(text, "Tobi Mensah"), *every(text, "Jasper"), ner(text, "Tobi", nth=1)])
    assert proposed(result, text, "Tobi Mensah") and proposed(result, text, "Tobi", nth=1)
    assert untouched(result, text, "Jasper", nth=1)


@pytest.mark.parametrize(
    ("text", "nickname"),
    [
        ("Kerry Walsh, known as Kez, said she was tired. Kez left.", "Kez"),
        ("Kerry Walsh is often referred to as Kaz by her friends. Kaz left.", "Kaz"),
        ("Mother said the baby will be called Holly. Holly was born in May.", "Holly"),
    ],
)
def test_when_a_nickname_or_real_name_is_given_outside_the_report_then_it_is_redacted(text: str, nickname: str) -> None:
    result = run(text, every(text, nickname))
    assert proposed(result, text, nickname, nth=text.count(nickname) - 1)


def test_when_a_pseudonym_is_tagged_with_a_real_name_then_only_the_real_name_is_redacted() -> None:
    text = "The child is referred to as Holly in this report. Holly and Kerry Walsh attended."
    result = run(text, [ner(text, "Holly and Kerry Walsh")])
    assert untouched(result, text, "Holly", nth=1)
    assert proposed(result, text, "Kerry Walsh")


def test_when_a_kept_word_is_also_part_of_a_real_name_then_it_is_redacted() -> None:
    """Recall first: "Holly Jenkins" is a practitioner, so "Holly" identifies someone after all."""
    text = "The child is referred to as Holly in this report. The health visitor, Holly Jenkins, called. Holly slept."
    result = run(text, [ner(text, "Holly Jenkins"), ner(text, "Holly", nth=2)])
    assert proposed(result, text, "Holly Jenkins")
    assert proposed(result, text, "Holly", nth=2)


def test_when_a_kept_word_is_followed_by_a_surname_that_is_an_ordinary_word_then_the_name_is_redacted() -> None:
    text = "The child is referred to as Holly in this report. Her aunt Holly Baker visited. Baker left."
    result = run(text, [ner(text, "Holly Baker")])
    assert proposed(result, text, "Holly Baker") and proposed(result, text, "Baker", nth=1)


# ---------------------------------------------------------------------------------------------------------
# Public names: credit and governance lines
# ---------------------------------------------------------------------------------------------------------
CREDITS = [
    "Independent Overview Report Author – Jane Smith\n",
    "The chair of the Northshire Safeguarding Children Board, Jane Smith, welcomed the report.\n",
    "Minister of State for Children and Families, Jane Smith MP\n",
    "Jane Smith MP, Minister of State for Children and Families.\n",
    "Lead Reviewer: Jane Smith MSc MPhil CQSW AASW\n",
    "LEAD REVIEWER: JANE SMITH\n",
    "Jane Smith, Independent Chair\n",
    "Jane Smith (Independent Reviewer)\n",
]


@pytest.mark.parametrize("credit", CREDITS)
def test_when_a_name_is_in_apposition_with_a_credit_or_governance_role_then_it_is_kept(credit: str) -> None:
    name = "JANE SMITH" if "JANE" in credit else "Jane Smith"
    text = credit + "Jane Smith met Kelly Hollins. Ms Smith wrote the report."
    last = text.count("Jane Smith") - 1
    spans = [ner(text, name), ner(text, "Jane Smith", nth=last), ner(text, "Smith", nth=text.count("Smith") - 1)]
    result = run(text, [*spans, ner(text, "Kelly Hollins")])
    assert untouched(result, text, name)
    assert untouched(result, text, "Jane Smith", nth=last)
    assert untouched(result, text, "Ms Smith")
    assert proposed(result, text, "Kelly Hollins")


def test_when_a_credit_line_names_someone_then_a_name_beside_it_is_still_redacted() -> None:
    text = "Chair: John Brown and Kerry Walsh attended the panel. Kerry Walsh is Child K's aunt."
    result = run(text, [ner(text, "John Brown and Kerry Walsh"), ner(text, "Kerry Walsh", nth=1)])
    assert untouched(result, text, "John Brown")
    assert proposed(result, text, "Kerry Walsh") and proposed(result, text, "Kerry Walsh", nth=1)


@pytest.mark.parametrize(
    "text",
    [
        "The social worker, Amina Begum, visited. Amina Begum was new.",
        "The health visitor – Amina Begum – visited. Amina Begum was new.",
        "The police officer, Amina Begum, attended. Amina Begum was new.",
        "The conference chair, Amina Begum, was new. Amina Begum was new.",
        "The strategy meeting was chaired by Amina Begum. Amina Begum was new.",
        "Amina Begum, the chair of the core group, was new. Amina Begum was new.",
        "Holly sat in her high chair, Amina Begum said. Amina Begum was new.",
        "Amina Begum, the reviewer noted, was new. Amina Begum was new.",
    ],
)
def test_when_a_frontline_practitioner_is_named_then_they_are_not_public(text: str) -> None:
    result = run(text, every(text, "Amina Begum"))
    assert proposed(result, text, "Amina Begum") and proposed(result, text, "Amina Begum", nth=1)


# ---------------------------------------------------------------------------------------------------------
# Acronyms and post-nominal letters
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("acronym", ["LSCB", "MASH", "CAMHS", "MARAC", "SCR"])
def test_when_an_acronym_alone_is_tagged_as_a_person_then_it_is_kept(acronym: str) -> None:
    text = f"The {acronym} met Kelly Hollins. Later the {acronym} wrote."
    result = run(text, [ner(text, acronym), ner(text, "Kelly Hollins")])
    assert untouched(result, text, acronym) and untouched(result, text, acronym, nth=1)
    assert proposed(result, text, "Kelly Hollins")


@pytest.mark.parametrize("caps", ["LEE", "AMY", "KERRY WALSH"])
def test_when_a_name_in_capitals_is_tagged_then_it_is_still_redacted(caps: str) -> None:
    text = f"{caps} said she was tired."
    assert proposed(run(text, [ner(text, caps)]), text, caps)


def test_when_qualifications_follow_a_name_then_they_are_kept_and_the_name_is_redacted() -> None:
    text = "Kerry Walsh MSc RGN, the school nurse, saw Child K. The MPhil CQSW AASW course."
    result = run(text, [ner(text, "Kerry Walsh MSc RGN"), ner(text, "MPhil CQSW AASW")])
    assert proposed(result, text, "Kerry Walsh")
    assert untouched(result, text, "MSc RGN") and untouched(result, text, "MPhil CQSW AASW")


# ---------------------------------------------------------------------------------------------------------
# Local-authority areas
# ---------------------------------------------------------------------------------------------------------
AREA_DECLARATIONS = [
    "The London Borough of Lambeth commissioned the review.",
    "Lambeth Council commissioned the review.",
    "The Lambeth Safeguarding Children Partnership commissioned the review.",
    "The Lambeth LSCB commissioned the review.",
    "Lambeth Children's Services held the case.",
]


@pytest.mark.parametrize("declaration", AREA_DECLARATIONS)
def test_when_the_document_names_a_local_authority_then_its_area_is_kept(declaration: str) -> None:
    text = declaration + " Holly moved to Lambeth with Kerry Walsh. Lambeth schools were full."
    result = run(text, [*every(text, "Lambeth"), ner(text, "Kerry Walsh")])
    assert all(untouched(result, text, "Lambeth", nth) for nth in range(text.count("Lambeth")))
    assert proposed(result, text, "Kerry Walsh")


def test_when_strict_then_a_local_authority_area_tagged_as_a_person_is_redacted_as_a_place() -> None:
    text = "Lambeth Council held the case. Holly moved to Lambeth."
    result = run(text, [ner(text, "Lambeth", nth=1)], policy=STRICT)
    assert any(s.category == "LOCATION" and s.text == "Lambeth" for s in result)
    assert not any(s.category == "PERSON" for s in result)


def test_when_a_local_authority_area_is_part_of_an_address_then_it_is_redacted() -> None:
    text = "Lambeth Council held the case. The family lived at 14 Acacia Road, Lambeth SE11 5AB."
    result = run(text, [ner(text, "Lambeth", nth=1)])
    assert proposed(result, text, "Lambeth", nth=1)


def test_when_no_local_authority_is_named_then_a_place_tagged_as_a_person_is_redacted() -> None:
    """The rule reads the document; it has no list of places (a place name can be a surname)."""
    text = "Holly moved to Lambeth. Lambeth was far."
    assert proposed(run(text, [ner(text, "Lambeth")]), text, "Lambeth", nth=1)


def test_when_an_agency_name_begins_with_a_place_then_it_is_kept() -> None:
    text = "Lambeth Children's Social Care visited Kelly Hollins."
    result = run(text, [ner(text, "Lambeth Children's"), ner(text, "Kelly Hollins")])
    assert untouched(result, text, "Lambeth Children's Social Care")
    assert proposed(result, text, "Kelly Hollins")


# ---------------------------------------------------------------------------------------------------------
# Citations, page ranges, guidance editions, months
# ---------------------------------------------------------------------------------------------------------
CITATIONS = [
    ("The systems approach (Fish, Munro and Bairstow 2008) was used with Kerry Walsh.", ["Fish", "Munro", "Bairstow"]),
    ("As Brandon et al. (2016) found, Kerry Walsh was isolated.", ["Brandon"]),
    ("Reform was needed (Munro, 2011) and Kerry Walsh agreed.", ["Munro"]),
    ("Studies (Munro, 2011; Sidebotham et al., 2016) and Kerry Walsh agreed.", ["Munro", "Sidebotham"]),
]


@pytest.mark.parametrize(("text", "authors"), CITATIONS)
def test_when_names_are_a_citation_author_list_then_they_are_kept(text: str, authors: list[str]) -> None:
    result = run(text, [*(ner(text, a) for a in authors), ner(text, "Kerry Walsh")])
    assert all(untouched(result, text, a) for a in authors)
    assert proposed(result, text, "Kerry Walsh")


def test_when_a_cited_author_is_mentioned_again_then_the_mention_is_kept() -> None:
    text = "Munro (2011) argued for reform. As Munro noted, Kerry Walsh was not heard."
    result = run(text, [ner(text, "Munro", nth=1), ner(text, "Kerry Walsh")])
    assert untouched(result, text, "Munro", nth=1)
    assert proposed(result, text, "Kerry Walsh")


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        ("Kerry Walsh (1988) was the mother.", "Kerry Walsh"),
        ("Munro (2011) argued for reform. Ms Munro, a neighbour, called the police.", "Munro"),
    ],
)
def test_when_a_name_only_looks_like_a_citation_then_it_is_redacted(text: str, tagged: str) -> None:
    result = run(text, [ner(text, tagged, nth=text.count(tagged) - 1, source="pattern")])
    assert proposed(result, text, tagged, nth=text.count(tagged) - 1)


def test_when_a_cited_surname_is_a_real_persons_surname_too_then_it_is_redacted_everywhere() -> None:
    text = "Munro (2011) argued for reform. Kerry Munro is the aunt. Munro called the police."
    result = run(text, [ner(text, "Kerry Munro"), ner(text, "Munro", nth=2)])
    assert proposed(result, text, "Kerry Munro") and proposed(result, text, "Munro", nth=2)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Contents\nPolice involvement 13-18\nLearning 19–22\n", "13-18"),
        ("The duties are set out in Working Together 2010/13.", "2010/13"),
        ("The budget for 2019/20 was cut.", "2019/20"),
    ],
)
def test_when_a_reference_is_a_page_range_or_guidance_edition_then_it_is_kept(text: str, value: str) -> None:
    result = run(text, [ner(text, value, "CASE_REFERENCE", score=0.85, source="pattern")])
    assert untouched(result, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The crime reference 13-18 was closed.", "13-18"),
        ("See application no. 2010/13 of the applicant.", "2010/13"),
        ("The police log 2013/04 was closed.", "2013/04"),
        ("Working Together 2010/13 and crime number 43/18821/21.", "43/18821/21"),
    ],
)
def test_when_a_reference_is_introduced_or_not_a_range_then_it_is_redacted(text: str, value: str) -> None:
    result = run(text, [ner(text, value, "CASE_REFERENCE", score=0.85, source="pattern")])
    assert proposed(result, text, value)


@pytest.mark.parametrize("tagged", ["early June", "June and July", "late August"])
def test_when_ner_tags_a_month_as_a_person_then_it_is_kept(tagged: str) -> None:
    text = f"In {tagged} Kerry Walsh moved house."
    result = run(text, [ner(text, tagged), ner(text, "Kerry Walsh")])
    assert untouched(result, text, tagged)
    assert proposed(result, text, "Kerry Walsh")


def test_when_publication_then_kept_words_are_never_searched_for_by_propagation() -> None:
    text = "Author: Jane Smith\nKerry Walsh met Jane. Walsh said Smith was kind."
    result = run(text, [ner(text, "Kerry Walsh")], policy=PUBLICATION)
    assert proposed(result, text, "Walsh", nth=1)
    assert untouched(result, text, "Smith", nth=1) and untouched(result, text, "Jane", nth=1)
