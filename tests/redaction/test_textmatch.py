"""Matching rules shared by the engine and verification (mirrors ../shared/eval/score.py)."""

from __future__ import annotations

import pytest

from redaction.textmatch import (
    combined_pattern,
    dehyphenate,
    match_key,
    normalise,
    readings,
    variant_pattern,
    variants,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("O\u2019Brien", "O'Brien"),
        ("\u201cTy\u201d", '"Ty"'),
        ("Tyler\u00a0Morris", "Tyler Morris"),
        ("Mor\u00adris", "Morris"),
        ("Ellie\u2010Mae", "Ellie-Mae"),
        ("Ellie\u2011Mae", "Ellie-Mae"),
        ("2019\u20132020", "2019-2020"),
        ("\ufb01nch", "finch"),  # NFKC: ligature
        ("Ty\u200bler", "Tyler"),  # zero-width space
        (None, ""),
    ],
)
def test_when_text_has_typographic_variants_then_normalise_folds_them(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mor-\nris", "Morris"),
        ("Mor- \n  ris", "Morris"),
        ("Mor\u00ad\nris", "Morris"),
        ("Mor\u2010\r\nris", "Morris"),
        ("well-known", "well-known"),  # not at a line end
        ("end -\nnext", "end -\nnext"),  # a dash after a space is not a hyphenated word
    ],
)
def test_when_word_is_hyphenated_at_line_end_then_dehyphenate_joins_it(raw, expected):
    assert dehyphenate(raw) == expected


def test_when_text_has_no_line_end_hyphen_then_readings_has_one_reading():
    assert readings("Tyler Morris") == ("Tyler Morris",)
    assert readings("Mor-\nris") == ("Mor-\nris", "Morris")


@pytest.mark.parametrize(
    ("item", "text"),
    [
        ("Tyler Morris", "met Tyler Morris today"),
        ("Tyler Morris", "TYLER MORRIS"),
        ("Tyler Morris", "Tyler\n  Morris"),
        ("Tyler Morris", "TylerMorris"),  # extractors drop spaces between separately drawn words
        ("Tyler", "Tyler's school"),
        ("Tyler", "Tyler\u2019s school"),
        ("Morris", "the Morris' home"),
        ("Ellie-Mae", "Ellie-\nMae"),
        ("Ellie-Mae", "Ellie - Mae"),
        ("Ellie\u2010Mae", "Ellie-Mae"),
        ("O'Brien", "Mr O\u2019Brien"),
        ("14 Larch Close", "at 14 Larch\nClose, Northtown"),
        ("NE12 4TP", "postcode ne12 4tp."),
        ("kelly.m88@example.org", "email kelly.m88@example.org."),
        ("kelly.m88@example.org", "email kelly.m88@\nexample.org today"),  # broken at a line end
        ("kelly.m88@example.org", "email kelly.\nm88@example.org"),
        ("www.example.org/family", "see www.example.org/\nfamily"),
        ("(AH)", "Amira Hussain (AH) said"),
    ],
)
def test_when_item_occurs_as_a_variant_then_variant_pattern_matches(item, text):
    assert variant_pattern(item).search(normalise(text))


@pytest.mark.parametrize(
    ("item", "text"),
    [
        ("Lee", "Leeds General Infirmary"),
        ("Lee", "Ashlee"),
        ("Ann", "Annual review"),
        ("Tyler Morris", "Tyler Morrison"),
        ("Ty", "Tyne and Wear"),
        ("NE12 4TP", "NE12 4TPX"),
    ],
)
def test_when_item_is_only_part_of_a_word_then_variant_pattern_does_not_match(item, text):
    assert not variant_pattern(item).search(normalise(text))


def test_when_item_is_asked_for_variants_then_possessive_and_caps_are_covered_by_the_pattern():
    assert variants("  Tyler\u00a0 Morris ") == {"Tyler Morris"}
    assert variants("   ") == set()
    pattern = variant_pattern(next(iter(variants("Tyler Morris"))))
    assert pattern.search("TYLER MORRIS'S mother")


def test_when_items_share_prefixes_then_combined_pattern_prefers_the_longest():
    pattern = combined_pattern(["Tyler", "Tyler Morris", "Lee", "Leeanne"])
    assert [m.group(0) for m in pattern.finditer("Tyler Morris and Tyler, Leeanne, Lee, Leeds")] == [
        "Tyler Morris",
        "Tyler",
        "Leeanne",
        "Lee",
    ]


def test_when_items_are_many_then_combined_pattern_agrees_with_single_patterns():
    items = ["Tyler Morris", "Ellie-Mae", "O'Brien", "14 Larch Close", "Lee", "NE12 4TP", "x" * 1500]
    text = normalise(
        "TYLER MORRIS, Lee's and O\u2019BRIEN at 14 Larch\nClose (NE12 4TP); Ellie - Mae; " + "Leeds; " + "x" * 1500
    )
    combined = {match_key(m.group(0)) for m in combined_pattern(items).finditer(text)}
    single = {match_key(i) for i in items if variant_pattern(i).search(text)}
    assert combined == single == {match_key(i) for i in items}


def test_when_no_items_then_combined_pattern_is_none():
    assert combined_pattern([]) is None
    assert combined_pattern(["", "  "]) is None


def test_when_spacing_differs_then_match_key_is_the_same():
    assert match_key("Tyler  Morris") == match_key("tyler\nmorris") == "tylermorris"
    assert match_key("Ellie - Mae") == match_key("Ellie-Mae")
