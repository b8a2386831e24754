"""What a review declares about itself (``redaction/declared.py``): the readers on their own, with the
grammar each one accepts and the look-alikes each one refuses."""

from __future__ import annotations

import pytest

from redaction.declared import citations, declared_pseudonyms, document_keep, local_authority_areas, public_names
from redaction.policy import load_policy
from redaction.register import parse_register

PUBLICATION = load_policy("publication")
NO_REGISTER = parse_register(None)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The children are referred to as Holly, Jasper and Ruby.", ["Holly", "Jasper", "Ruby"]),
        ("Her brother, known in this review as Jasper, was seven.", ["Jasper"]),
        ("Tobi Mensah will be referred to as Child T.", ["Child"]),  # a pseudonym head: kept anyway
        ("Kerry, known as Kez, said she was tired.", []),
        ("Tyler is often referred to as Ty by his friends.", []),
        ("Mother said the baby will be called Holly.", []),
    ],
)
def test_when_a_sentence_declares_or_only_resembles_a_pseudonym_then_only_declared_names_are_read(
    text: str, names: list[str]
) -> None:
    assert declared_pseudonyms(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Independent Overview Report Author – Jane Smith\n", ["Jane Smith"]),
        ("The chair of the Northshire Safeguarding Children Board, John Brown, spoke.", ["John Brown"]),
        ("Edward Timpson MP, Minister of State for Children and Families.\n", ["Edward Timpson"]),
        ("Lead Reviewer: Margaret Holloway MSc MPhil CQSW AASW\n", ["Margaret Holloway"]),
        ("Chair: Dr Verity Castleton\n", ["Verity Castleton"]),
        ("The conference chair, Amina Begum, said so.", []),
        ("The strategy meeting was chaired by Amina Begum.", []),
        ("She sat in her high chair, Holly cried.", []),
        ("The reviewer, Kerry said, was kind.", []),
        ("The social worker, Amina Begum, visited.", []),
    ],
)
def test_when_a_role_is_a_credit_or_governance_role_then_its_name_is_public(text: str, names: list[str]) -> None:
    assert public_names(text, NO_REGISTER, PUBLICATION) == names


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("(Fish, Munro and Bairstow 2008)", ["Fish", "Munro", "Bairstow"]),
        ("(Munro, 2011; Brandon et al., 2016)", ["Munro", "Brandon"]),
        ("Kerry Walsh (1988) was the mother.", []),  # a surname after a given name: not an author list
        ("Mr Kaya, 1996, was the applicant.", []),  # a personal title: a person, not an author
    ],
)
def test_when_a_name_is_followed_by_a_year_then_only_author_lists_are_citations(text: str, authors: list[str]) -> None:
    assert citations(text)[1] == authors


@pytest.mark.parametrize(
    ("text", "areas"),
    [
        ("The London Borough of Lambeth commissioned it.", {"lambeth"}),
        ("Northshire County Council commissioned it.", {"northshire"}),
        ("The Northshire LSCB commissioned it.", {"northshire"}),
        ("Royal Borough of Kingston upon Thames", {"kingston upon thames", "thames"}),
        ("She told Kerry Lambeth Council would pay.", {"lambeth"}),  # a given name heads the run
        ("The Council and the Town Council met.", set()),
    ],
)
def test_when_a_local_authority_is_named_then_its_area_is_read(text: str, areas: set[str]) -> None:
    assert local_authority_areas(text) == areas


def test_when_a_kept_word_belongs_to_the_register_then_it_is_not_kept() -> None:
    text = "The child is referred to as Holly. Author: Jane Smith. Holly Council. (Smith, 2011)"
    register = parse_register({"people": [{"name": "Holly Smith"}, {"name": "Jane Doe"}]})
    keep = document_keep(text, register, PUBLICATION)
    assert not ({"holly", "jane", "smith"} & keep.words) and "holly" not in keep.areas
