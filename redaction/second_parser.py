"""The second, independent parser of verification: pypdf, run in a child process on the other core.

The PDF goes in on stdin and the text comes back on stdout: nothing touches the disk.
"""

from __future__ import annotations

import json
import subprocess
import sys

PAGE_SEPARATOR = "\n\x1f\n"  # between pages' texts: matches never run from one page into the next

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
reader = pypdf.PdfReader(io.BytesIO(sys.stdin.buffer.read()))
pages, errors = [], 0
for page in reader.pages:
    try:
        pages.append(page.extract_text() or "")
    except Exception:
        pages.append("")
        errors += 1
json.dump({"pages": pages, "errors": errors}, sys.stdout)
"""
_PYPDF_TIMEOUT = 300


class PypdfJob:
    """pypdf extracting page text in a child process while the parent does everything else.

    A separate process also contains pypdf's failure modes (deep recursion, runaway memory on a
    hostile structure) and gives it the second core. Nothing is written to disk: the PDF goes in on
    stdin and the text comes back on stdout.
    """

    def __init__(self, pdf: bytes) -> None:
        self._pdf = pdf
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _PYPDF_CHILD],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )

    def result(self) -> tuple[str, str | None]:
        """(text of the pages it could read, None or the reason it could not read some or all)."""
        try:
            out, _ = self._proc.communicate(self._pdf, timeout=_PYPDF_TIMEOUT)
        except subprocess.TimeoutExpired:
            return "", "second parser (pypdf) timed out"
        if self._proc.returncode != 0:
            return "", "second parser (pypdf) could not read the output"
        try:
            result = json.loads(out)
        except ValueError:
            return "", "second parser (pypdf) returned no result"
        problem = f"second parser (pypdf) failed on {result['errors']} page(s)" if result["errors"] else None
        return PAGE_SEPARATOR.join(result["pages"]), problem

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()


