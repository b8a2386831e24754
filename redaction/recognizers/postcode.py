"""UK postcodes ("NE12 4TP", "DN2 9EA", "S60 2TT", no-space "DN29EA").

Format per the ONS Postcode Directory user guide / Royal Mail PAF: outward code = area (1-2 letters)
+ district (digit, then digit or letter), inward code = sector digit + unit (2 letters, never
C, I, K, M, O or V). The first area letter is never Q, V or X; the second never I, J or Z.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left

_OUTWARD = r"(?:[A-PR-UWYZ][0-9][0-9A-HJKMNPR-Y]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE_RE = re.compile(rf"(?<![\w-])({_OUTWARD})([ \u00a0]?)({_INWARD})(?![\w-])")
# Written in any case ("ne12 4tp", "Dn2 9ea"): house styles and form fields do not always use capitals.
_ANY_CASE_RE = re.compile(_POSTCODE_RE.pattern, re.IGNORECASE)
_CONTEXT_RE = re.compile(r"(?:(?i:post\s?code|address)\s*[:,]?|[A-Z][a-z]+,?)\s*$")


class PostcodeRecognizer(TextRecognizer):
    """Finds full UK postcodes; the spaced form is strong, the unspaced form needs an address-like left."""

    ENTITIES = ("POSTCODE",)
    SPACED_SCORE = 0.6
    UNSPACED_SCORE = 0.45
    CONTEXT_SCORE = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        for match in _ANY_CASE_RE.finditer(text):
            score = self.SPACED_SCORE if match.group(2) else self.UNSPACED_SCORE
            if not match.group().isupper():
                score -= 0.05  # lower-case shapes are a little more often something else
            if context_left(_CONTEXT_RE, text, match.start(), 20):
                score = max(score, self.CONTEXT_SCORE if match.group(2) else self.SPACED_SCORE)
            yield Hit(match.start(), match.end(), score, "POSTCODE", "uk_postcode")
