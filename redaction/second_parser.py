"""The second, independent parser of verification: pypdf, run in child processes on the other cores.

The PDF goes in on stdin and the text comes back on stdout: nothing touches the disk. pypdf is pure
Python and the slowest reader of verification, so long documents are shared between two children, each
reading every other page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

from redaction.textmatch import SEPARATOR_CHAR

# Between pages' texts (and between the parts of any channel in verification): matches never run from
# one part into the next (see textmatch.SEPARATOR_CHAR).
PAGE_SEPARATOR = f"\n{SEPARATOR_CHAR}\n"

_PYPDF_CHILD = r"""
import io, json, sys
import pypdf
try:
    from pypdf.generic import _font
    _original = _font.Font.from_font_resource.__func__
    _cache = {}
    def _cached(cls, font_dict):
        hit = _cache.get(id(font_dict))
        if hit is None or hit[0] is not font_dict:
            hit = _cache[id(font_dict)] = (font_dict, _original(cls, font_dict))
        return hit[1]
    _font.Font.from_font_resource = classmethod(_cached)
except Exception:
    pass
try:
    from pypdf import _utils as _putils
    from pypdf.errors import STREAM_TRUNCATED_PREMATURELY, PdfStreamError
    from pypdf.generic import _data_structures, _utils as _gutils
    _HEX = frozenset(b"0123456789abcdefABCDEF")
    def _read_hex(stream, forced_encoding=None):
        # pypdf's own reader, a byte at a time, is half of its time on MuPDF's hex-string content
        stream.read(1)
        body = bytearray()
        while True:
            chunk = stream.read(512)
            if not chunk:
                raise PdfStreamError(STREAM_TRUNCATED_PREMATURELY)
            end = chunk.find(b">")
            if end >= 0:
                body += chunk[:end]
                stream.seek(end + 1 - len(chunk), 1)
                break
            body += chunk
        digits = bytes(body).translate(None, _putils.WHITESPACES_AS_BYTES)
        for byte in digits:
            if byte not in _HEX:
                raise PdfStreamError(f"Invalid hexadecimal character {bytes([byte])!r} in hex string")
        if len(digits) % 2:
            digits += b"0"
        return _gutils.create_string_object(bytes.fromhex(digits.decode("ascii")), forced_encoding)
    _gutils.read_hex_string_from_stream = _read_hex
    _data_structures.read_hex_string_from_stream = _read_hex
except Exception:
    pass
first, step = int(sys.argv[1]), int(sys.argv[2])
reader = pypdf.PdfReader(io.BytesIO(sys.stdin.buffer.read()))
pages, errors = [], 0
for number in range(first, len(reader.pages), step):
    try:
        pages.append(reader.pages[number].extract_text() or "")
    except Exception:
        pages.append("")
        errors += 1
json.dump({"pages": pages, "errors": errors}, sys.stdout)
"""
_PYPDF_TIMEOUT = 300


class PypdfJob:
    """pypdf extracting page text in child processes while the parent does everything else.

    Separate processes also contain pypdf's failure modes (deep recursion, runaway memory on a hostile
    structure) and give it the other cores. Nothing is written to disk: the PDF goes in on stdin and the
    text comes back on stdout. With ``parts`` children (default: one per core, at most two), child i
    reads pages i, i + parts, i + 2 * parts...

    The children can be started before the PDF exists (``PypdfJob()``, then :meth:`send`): they start
    the interpreter and import pypdf on the other core while this one is still rendering.
    """

    def __init__(self, pdf: bytes | None = None, *, parts: int | None = None) -> None:
        self._pdf = pdf
        parts = parts or max(1, min(2, os.cpu_count() or 1))
        self._procs = [
            subprocess.Popen(
                [sys.executable, "-I", "-c", _PYPDF_CHILD, str(first), str(parts)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            for first in range(parts)
        ]

    def send(self, pdf: bytes) -> None:
        """The PDF to read (written to the children when :meth:`result` is called)."""
        self._pdf = pdf

    def result(self) -> tuple[str, str | None]:
        """(text of the pages it could read, in page order, None or the reason it could not read some
        or all)."""
        if self._pdf is None:
            raise ValueError("PypdfJob.result() before send()")
        outputs: list[tuple[bytes, int] | None] = [None] * len(self._procs)

        def talk(index: int, proc: subprocess.Popen) -> None:
            try:
                out, _ = proc.communicate(self._pdf, timeout=_PYPDF_TIMEOUT)
                outputs[index] = (out, proc.returncode)
            except subprocess.TimeoutExpired:
                outputs[index] = None

        # every child must get the PDF at once: communicate() with one would wait for it to finish
        threads = [threading.Thread(target=talk, args=(i, proc), daemon=True) for i, proc in enumerate(self._procs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results = []
        for output in outputs:
            if output is None:
                return "", "second parser (pypdf) timed out"
            out, code = output
            if code != 0:
                return "", "second parser (pypdf) could not read the output"
            try:
                results.append(json.loads(out))
            except ValueError:
                return "", "second parser (pypdf) returned no result"
        errors = sum(r["errors"] for r in results)
        pages = [page for group in _interleave([r["pages"] for r in results]) for page in group]
        problem = f"second parser (pypdf) failed on {errors} page(s)" if errors else None
        return PAGE_SEPARATOR.join(pages), problem

    def close(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _interleave(parts: list[list[str]]) -> list[list[str]]:
    """Back to page order: part i holds pages i, i + n, i + 2n... of n parts."""
    longest = max((len(p) for p in parts), default=0)
    return [[part[k] for part in parts if k < len(part)] for k in range(longest)]
