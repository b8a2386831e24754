"""UK vehicle registration marks.

Current format (since September 2001) per DVLA leaflet INF104: two-letter memory tag (no I, Q or Z),
two-digit age identifier (March: the year, "19"; September: year + 50, "69"), space, three random
letters (no I or Q). The older prefix ("A123 BCD") and suffix ("ABC 123D") formats are only taken with
vehicle context, because they look like many other codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left

_CURRENT_RE = re.compile(r"(?<![\w-])[A-HJ-PR-Y]{2}(?:0[2-9]|[12]\d|5[1-9]|[67]\d)([ \u00a0]?)[A-HJ-PR-Z]{3}(?![\w-])")
_OLDER_RE = re.compile(
    r"(?<![\w-])(?:[A-HJ-NP-Y]\d{1,3}[ \u00a0]?[A-HJ-PR-Y]{3}"
    r"|[A-HJ-PR-Y]{3}[ \u00a0]?\d{1,3}[A-HJ-NP-Y])(?![\w-])"
)
_CONTEXT_RE = re.compile(
    r"\b(?:vehicle|car|van|lorry|motorbike|motorcycle|moped|taxi|registration|reg(?:istered)?|"
    r"number\s*plate|VRM|ANPR|driv(?:e|er|ing|en)|Vauxhall|Ford|BMW|Audi|Mercedes|Toyota|Nissan|"
    r"Volkswagen|VW|Peugeot|Renault|Honda|Kia|Hyundai|Fiat|Skoda|Seat|Citroen|Mini)\b[^\n.]{0,40}$",
    re.IGNORECASE,
)


class VehicleRegRecognizer(TextRecognizer):
    """Finds registration marks: strict current format alone, or any format with vehicle context."""

    ENTITIES = ("VEHICLE_REG",)
    STRICT_SCORE = 0.55
    UNSPACED_SCORE = 0.3
    CONTEXT_SCORE = 0.85
    OLDER_CONTEXT_SCORE = 0.6

    def find(self, text: str) -> Iterator[Hit]:
        for match in _CURRENT_RE.finditer(text):
            score = self.STRICT_SCORE if match.group(1) else self.UNSPACED_SCORE
            if context_left(_CONTEXT_RE, text, match.start(), 60):
                score = self.CONTEXT_SCORE
            yield Hit(match.start(), match.end(), score, "VEHICLE_REG", "current_format")
        for match in _OLDER_RE.finditer(text):
            if context_left(_CONTEXT_RE, text, match.start(), 60):
                yield Hit(match.start(), match.end(), self.OLDER_CONTEXT_SCORE, "VEHICLE_REG", "older_format")
