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
BATCH = 4  # chunks per nlp.pipe call: batched matrix work is ~10% cheaper than one chunk at a time


def _entities_of(jobs: Sequence[tuple[int, str]]) -> list[Entity]:
    """Entities of a batch of chunks (one ``nlp.pipe`` call; the same entities as one call per chunk)."""
    docs = _NLP.pipe([text for _, text in jobs], batch_size=len(jobs))
    return [
        (offset + ent.start_char, offset + ent.end_char, ent.label_)
        for (offset, _), doc in zip(jobs, docs, strict=True)
        for ent in doc.ents
    ]


def _batches(chunks: Sequence[tuple[int, str]]) -> list[Sequence[tuple[int, str]]]:
    return [chunks[i : i + BATCH] for i in range(0, len(chunks), BATCH)]


def run_ner(nlp: Any, chunks: Sequence[tuple[int, str]], processes: int) -> list[Entity]:
    """Entities of every chunk, in text order. ``processes`` <= 1 runs in this process."""
    global _NLP
    _NLP = nlp
    try:
        batches = _batches(chunks)
        if processes <= 1 or len(batches) < 2 or not hasattr(os, "fork"):
            return [e for batch in batches for e in _entities_of(batch)]
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            results = pool.map(_entities_of, batches, chunksize=max(1, len(batches) // (processes * 4)))
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
        self.pending: list[tuple[int, str]] = []
        self.pool = None
        if processes > 1 and hasattr(os, "fork"):
            _NLP = nlp  # inherited by the workers forked right now
            self.pool = multiprocessing.get_context("fork").Pool(processes)
            _NLP = None

    def submit(self, offset: int, text: str) -> None:
        self.pending.append((offset, text))
        if len(self.pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        if self.pool is not None:
            self.jobs.append(self.pool.apply_async(_entities_of, (batch,)))
        else:
            self.jobs.append(batch)

    def entities(self) -> list[Entity]:
        global _NLP
        self._flush()
        try:
            if self.pool is not None:
                return [e for job in self.jobs for e in job.get()]
            _NLP = self.nlp
            return [e for batch in self.jobs for e in _entities_of(batch)]
        finally:
            _NLP = None
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
