"""E-mail addresses (RFC 5322 "addr-spec", the dot-atom form people actually write).

Presidio's built-in EmailRecognizer validates with tldextract, which may fetch the public suffix list
over the network on first use; SafePub must never touch the network at run time, so we check the
shape ourselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer

_EMAIL_RE = re.compile(
    r"(?<![\w.%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]{0,62}[A-Za-z0-9_%+\-])?"
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}(?![\w\-]|\.[A-Za-z])"
)


class EmailRecognizer(TextRecognizer):
    """Finds e-mail addresses; an address shape is identifying on its own."""

    ENTITIES = ("EMAIL",)
    SCORE = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        for match in _EMAIL_RE.finditer(text):
            yield Hit(match.start(), match.end(), self.SCORE, "EMAIL", "email")
