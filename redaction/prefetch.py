"""Extraction in a forked child, started before the NLP model loads (a cold ``safepub redact``).

A fresh ``safepub`` process spends its first second and a half importing spaCy and Presidio and
loading the model, on one core, while the other idles. The command line therefore forks a child first,
before those imports, that opens the PDF and extracts it; the text reaches the parent piece by piece
(the parent hands each piece to NER as soon as the model is ready) and then the whole
:class:`~redaction.extract.ExtractedDocument`. The result is exactly what ``extract_pdf`` returns in
process. Long-lived processes (the RQ worker) load the model once and do not need this.

This module imports only PyMuPDF and the extraction code, so starting a job is cheap. The PDF's bytes
reach the child through fork (memory), the text comes back through a pipe: nothing touches the disk.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

from redaction.errors import RedactionError, UnsupportedDocumentError
from redaction.extract import ExtractedDocument, TextSink, extract_pdf
from redaction.ocr import OcrEngine
from redaction.sniff import open_pdf


class ExtractionJob:
    """Extraction of one PDF running in a forked child.

    Consume :meth:`pieces` (it ends when extraction ends), then :meth:`result`; or :meth:`run` both.
    Errors raised in the child (``UnsupportedDocumentError``...) are raised again here; a child that
    dies without a word raises RedactionError. Always :meth:`close` (or use as a context manager).
    """

    def __init__(self, data: bytes, *, ocr: bool = True, extra: Sequence[tuple[str, str, str]] = ()) -> None:
        self.page_count = 0
        self._result: ExtractedDocument | None = None
        context = multiprocessing.get_context("fork")
        self._conn, child_conn = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_extract_in_child, args=(child_conn, data, ocr, tuple(extra)), daemon=True
        )
        self._process.start()
        child_conn.close()  # the parent keeps only the reading end, so a dead child reads as EOF
        # A thread drains the pipe as the child writes, so the child never waits for this process
        # (busy loading the model) to read a full pipe.
        self._messages: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        try:
            kind, value = self._receive()  # the child could open the PDF (or the reason it could not)
            if kind != "pages":
                raise RedactionError("extraction stopped unexpectedly")
        except BaseException:
            self.close()
            raise
        self.page_count = value

    @staticmethod
    def available() -> bool:
        return hasattr(os, "fork")

    def pieces(self) -> Iterator[tuple[int, str]]:
        """``(offset, text)`` of the detection text in order, as the child extracts it."""
        while self._result is None:
            kind, value = self._receive()
            if kind == "piece":
                yield value
            elif kind == "done":
                self._result = value
            else:
                raise RedactionError("extraction stopped unexpectedly")

    def run(self, sink: TextSink) -> ExtractedDocument:
        """Like ``extract_pdf(doc, ocr, sink=sink)``: every piece to ``sink`` as it arrives, then the
        whole document."""
        for offset, text in self.pieces():
            sink(offset, text)
        return self.result()

    def result(self) -> ExtractedDocument:
        for _ in self.pieces():
            pass
        assert self._result is not None
        return self._result

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._reader.join()  # ends at the child's end of the pipe
        self._conn.close()

    def __enter__(self) -> ExtractionJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _drain(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                self._messages.put(("eof", None))
                return
            self._messages.put(message)
            if message[0] in ("done", "error"):
                return

    def _receive(self) -> tuple[str, Any]:
        kind, value = self._messages.get()
        if kind == "eof":
            raise RedactionError("extraction stopped unexpectedly (the PDF may be damaged)")
        if kind == "error":
            raise value
        return kind, value


DAMAGED = "the PDF's structure is damaged and it cannot be read"


def _as_engine_error(exc: Exception) -> RedactionError:
    """What the parent raises: the engine's own errors as they are; MuPDF failing on the document's
    structure (a page-tree cycle...) is the document's fault; anything else names only its type."""
    if isinstance(exc, RedactionError):
        return exc
    if type(exc).__module__.startswith(("pymupdf", "fitz")):
        return UnsupportedDocumentError(DAMAGED)
    return RedactionError(f"extraction failed ({type(exc).__name__})")


def _extract_in_child(conn: Connection, data: bytes, ocr: bool, extra: tuple[tuple[str, str, str], ...]) -> None:
    try:
        with open_pdf(data) as doc:
            conn.send(("pages", doc.page_count))
            extracted = extract_pdf(
                doc,
                OcrEngine() if ocr else None,
                sink=lambda offset, text: conn.send(("piece", (offset, text))),
                extra=extra,
            )
        conn.send(("done", extracted))
    except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent, which raises it
        conn.send(("error", _as_engine_error(exc)))
    finally:
        conn.close()
