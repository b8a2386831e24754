"""Helpers for recognizer tests: run one recognizer on raw text, as the engine does (no NLP artifacts)."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

THRESHOLD = 0.4  # the engine's default score threshold


def found(
    recognizer: EntityRecognizer, text: str, entity: str, threshold: float = THRESHOLD
) -> list[tuple[int, int, str]]:
    """(start, end, text) of every result of ``entity`` at or above ``threshold``."""
    results = recognizer.analyze(text, entities=[entity], nlp_artifacts=None)
    return [
        (r.start, r.end, text[r.start : r.end]) for r in results if r.entity_type == entity and r.score >= threshold
    ]


def assert_finds(recognizer: EntityRecognizer, text: str, entity: str, expected: str) -> None:
    """``expected`` (its first occurrence in ``text``) is found with exact start and end."""
    start = text.index(expected)
    spans = found(recognizer, text, entity)
    assert (start, start + len(expected), expected) in spans, f"{expected!r} not in {spans}"


def assert_misses(recognizer: EntityRecognizer, text: str, entity: str, unexpected: str | None = None) -> None:
    """Nothing of ``entity`` overlaps ``unexpected`` (or nothing at all, when it is None)."""
    spans = found(recognizer, text, entity)
    if unexpected is None:
        assert spans == [], spans
        return
    start = text.index(unexpected)
    end = start + len(unexpected)
    overlapping = [span for span in spans if span[0] < end and start < span[1]]
    assert overlapping == [], overlapping
