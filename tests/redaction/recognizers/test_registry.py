from collections import Counter

from presidio_analyzer import EntityRecognizer

from redaction.recognizers import ENTITIES, build_recognizers

EXPECTED = {
    "PostcodeRecognizer", "PhoneRecognizer", "EmailRecognizer", "NhsNumberRecognizer", "NiNumberRecognizer",
    "DateOfBirthRecognizer", "AddressRecognizer", "SchoolRecognizer", "HealthFacilityRecognizer",
    "CaseReferenceRecognizer", "LongNumberRecognizer", "VehicleRegRecognizer", "SocialHandleRecognizer",
    "TitledNameRecognizer", "TableColumnRecognizer", "InitialsIntroRecognizer",
    "CapsNameRecognizer", "FamilyTableRecognizer", "NameLexiconRecognizer", "AppositionNameRecognizer",
    "MoneyRecognizer", "CountRecognizer", "OccupationRecognizer", "AcronymOrganisationRecognizer",
    "HealthConditionRecognizer",
}  # fmt: skip


def test_when_recognizers_are_built_then_there_is_exactly_one_of_each() -> None:
    names = Counter(recognizer.name for recognizer in build_recognizers())
    assert set(names) == EXPECTED
    assert all(count == 1 for count in names.values())


def test_when_recognizers_are_built_then_they_are_english_presidio_recognizers_of_known_entities() -> None:
    for recognizer in build_recognizers():
        assert isinstance(recognizer, EntityRecognizer)
        assert recognizer.supported_language == "en"
        assert set(recognizer.supported_entities) <= set(ENTITIES)


def test_when_every_entity_is_listed_then_some_recognizer_supports_it() -> None:
    supported = {entity for recognizer in build_recognizers() for entity in recognizer.supported_entities}
    assert supported == set(ENTITIES)


def test_when_entities_filter_excludes_a_recognizers_entity_then_it_returns_nothing() -> None:
    for recognizer in build_recognizers():
        assert (
            recognizer.analyze("Ms Morris, 07700 900482, NE12 4TP", entities=["NOT_AN_ENTITY"], nlp_artifacts=None)
            == []
        )


def test_when_nlp_artifacts_are_none_then_every_recognizer_still_runs() -> None:
    text = "Mother\tKelly Hollins\t04/07/1981\nMs Morris rang 07700 900482 from 14 Larch Close, Dunford NE12 4TP."
    found = {r.entity_type for recognizer in build_recognizers() for r in recognizer.analyze(text, None, None)}
    assert {"PERSON", "DATE_OF_BIRTH", "PHONE", "ADDRESS", "POSTCODE"} <= found
