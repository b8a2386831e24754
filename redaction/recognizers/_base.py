"""Base class for SafePub's raw-text recognizers.

Our engine runs spaCy without the lemmatizer, so Presidio's own context enhancement is not relied on:
each recognizer checks its context words itself, in a window of raw text around the match, and never
needs ``nlp_artifacts`` (it may be None).
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts


@dataclass(frozen=True)
class Hit:
    """One candidate span found by a recognizer, before it becomes a RecognizerResult."""

    start: int
    end: int
    score: float
    entity: str
    pattern: str


class TextRecognizer(EntityRecognizer):
    """An EntityRecognizer over raw text: subclasses yield ``Hit``s from ``find``.

    Overlapping hits of the same entity are not merged here (the engine resolves overlaps), but exact
    duplicates keep only their best score so results are stable.
    """

    ENTITIES: tuple[str, ...] = ()

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=list(self.ENTITIES), supported_language=supported_language)

    def load(self) -> None:
        """Nothing to load: patterns are compiled at import time."""

    @abstractmethod
    def find(self, text: str) -> Iterable[Hit]:
        """Yield candidate spans of ``text``."""

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(self.supported_entities)
        best: dict[tuple[int, int, str], Hit] = {}
        for hit in self.find(text):
            if hit.entity not in wanted or hit.score <= 0 or hit.end <= hit.start:
                continue
            key = (hit.start, hit.end, hit.entity)
            if key not in best or best[key].score < hit.score:
                best[key] = hit
        results = []
        for hit in sorted(best.values(), key=lambda h: (h.start, h.end, h.entity)):
            explanation = AnalysisExplanation(
                recognizer=type(self).__name__, original_score=hit.score, pattern_name=hit.pattern
            )
            results.append(
                RecognizerResult(
                    entity_type=hit.entity,
                    start=hit.start,
                    end=hit.end,
                    score=hit.score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results


def context_left(pattern: re.Pattern[str], text: str, start: int, window: int) -> bool:
    """True when ``pattern`` matches in the ``window`` characters left of ``start``.

    Anchor the pattern with ``$`` to require the context to touch the match.
    """
    return pattern.search(text, max(0, start - window), start) is not None


def context_right(pattern: re.Pattern[str], text: str, end: int, window: int) -> bool:
    """True when ``pattern`` matches at ``end`` within ``window`` characters (use ``match`` semantics)."""
    return pattern.match(text, end, min(len(text), end + window)) is not None
