"""spaCy NER over many chunks, on every core, returning only entity offsets.

spaCy's own ``nlp.pipe(n_process=N)`` sends every finished ``Doc`` back to the parent through a pipe;
for a 100-page review that serialisation costs as much as the NER saved. Here forked processes (which
share the already-loaded model copy-on-write) return just ``(start, end, label)`` triples; the parent
tokenises the whole text once (fast) and sets those entities on it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from typing import Any

Entity = tuple[int, int, str]

_NLP: Any = None  # the model, inherited by forked workers (set just before the pool forks)


def _entities_of(job: tuple[int, str]) -> list[Entity]:
    offset, text = job
    doc = _NLP(text)
    return [(offset + ent.start_char, offset + ent.end_char, ent.label_) for ent in doc.ents]


def run_ner(nlp: Any, chunks: Sequence[tuple[int, str]], processes: int) -> list[Entity]:
    """Entities of every chunk, in text order. ``processes`` <= 1 runs in this process."""
    global _NLP
    _NLP = nlp
    try:
        if processes <= 1 or len(chunks) < 2 or not hasattr(os, "fork"):
            return [e for job in chunks for e in _entities_of(job)]
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            results = pool.map(_entities_of, chunks, chunksize=max(1, len(chunks) // (processes * 4)))
        return [e for result in results for e in result]
    finally:
        _NLP = None


class NerStream:
    """NER that starts while the text is still being extracted: chunks are submitted as soon as they
    are complete, to forked workers, and the entities are collected at the end (in text order)."""

    def __init__(self, nlp: Any, processes: int) -> None:
        global _NLP
        self.nlp = nlp
        self.jobs: list[Any] = []
        self.pool = None
        if processes > 1 and hasattr(os, "fork"):
            _NLP = nlp  # inherited by the workers forked right now
            self.pool = multiprocessing.get_context("fork").Pool(processes)
            _NLP = None

    def submit(self, offset: int, text: str) -> None:
        if self.pool is not None:
            self.jobs.append(self.pool.apply_async(_entities_of, ((offset, text),)))
        else:
            self.jobs.append((offset, text))

    def entities(self) -> list[Entity]:
        global _NLP
        try:
            if self.pool is not None:
                return [e for job in self.jobs for e in job.get()]
            _NLP = self.nlp
            return [e for job in self.jobs for e in _entities_of(job)]
        finally:
            _NLP = None
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
