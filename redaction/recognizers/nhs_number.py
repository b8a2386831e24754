"""NHS numbers: ten digits, usually written 3-3-4 ("485 777 3456"), the last a modulus 11 check digit.

Check digit per the NHS Data Dictionary ("NHS NUMBER" attribute: weights 10..2, 11 - remainder, 10 is
invalid), implemented by python-stdnum's ``stdnum.gb.nhs``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.gb import nhs

from redaction.recognizers._base import Hit, TextRecognizer, context_left

_NHS_RE = re.compile(r"(?<![\w/.\-])(\d{3})([ \u00a0\-]?)(\d{3})\2(\d{4})(?![\w/]|[.\-]\d)")
_CONTEXT_RE = re.compile(r"\b(?:NHS|CHI|health\s+(?:service\s+)?(?:no|number))\b[^\n]{0,40}$", re.IGNORECASE)


class NhsNumberRecognizer(TextRecognizer):
    """Finds check-digit-valid NHS numbers; the 3-3-4 layout or an "NHS" to the left makes them strong."""

    ENTITIES = ("NHS_NUMBER",)
    GROUPED_SCORE = 0.6
    BARE_SCORE = 0.3
    CONTEXT_SCORE = 0.95

    def find(self, text: str) -> Iterator[Hit]:
        for match in _NHS_RE.finditer(text):
            if not nhs.is_valid("".join(match.group(1, 3, 4))):
                continue
            score = self.GROUPED_SCORE if match.group(2) else self.BARE_SCORE
            if context_left(_CONTEXT_RE, text, match.start(), 60):
                score = self.CONTEXT_SCORE
            yield Hit(match.start(), match.end(), score, "NHS_NUMBER", "nhs_number")
