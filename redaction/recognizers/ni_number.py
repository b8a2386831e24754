"""National Insurance numbers: "JR 45 67 89 C", "JR456789C".

Format per HMRC National Insurance Manual NIM39110: two prefix letters, six digits, suffix A-D. Neither
prefix letter is D, F, I, Q, U or V; the second is not O; BG, GB, KN, NK, NT, TN and ZZ are never
allocated. (python-stdnum has no gb NINO module, so the rules live here.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left

_S = r"[ \u00a0]?"
_NINO_RE = re.compile(
    rf"(?<![\w-])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]){_S}(\d{{2}}){_S}(\d{{2}}){_S}(\d{{2}})(?:{_S}([A-D]))?(?![\w-])"
)
_UNALLOCATED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_CONTEXT_RE = re.compile(r"\b(?:national\s+insurance|NI\s*(?:no|number)|NINO|NI)\b[^\n]{0,40}$", re.IGNORECASE)


class NiNumberRecognizer(TextRecognizer):
    """Finds NINOs; a suffix letter makes them strong, without one they need NI context."""

    ENTITIES = ("NI_NUMBER",)
    FULL_SCORE = 0.65
    NO_SUFFIX_SCORE = 0.3
    CONTEXT_SCORE = 0.95

    def find(self, text: str) -> Iterator[Hit]:
        for match in _NINO_RE.finditer(text):
            if match.group(1) in _UNALLOCATED:
                continue
            score = self.FULL_SCORE if match.group(5) else self.NO_SUFFIX_SCORE
            if context_left(_CONTEXT_RE, text, match.start(), 60):
                score = self.CONTEXT_SCORE
            yield Hit(match.start(), match.end(), score, "NI_NUMBER", "nino")
