"""Social-media handles: "@kelly_m88", "snapchat: tyler.m", "Instagram username kelz_x".

Handle shape per the platforms' own rules (letters, digits, underscore and dot, up to 30 characters
on Instagram/Snapchat/TikTok, 15 on X). E-mail addresses are left to EmailRecognizer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer

_AT_HANDLE_RE = re.compile(r"(?<![\w@.+\-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@]|\.[A-Za-z0-9])")
_PLATFORM = r"(?:snapchat|instagram|insta|tiktok|tik tok|facebook|twitter|telegram|kik|discord)"
_NAMED_HANDLE_RE = re.compile(
    rf"\b{_PLATFORM}(?:\s+(?:handle|username|user\s?name|account|name|id|profile))?"
    r"(?:\s*[:=]\s*|\s+(?:handle|username|user\s?name|account|name|id)\s+|\s+(?:handle|username|id)\s*[:=]?\s*)"
    r"[\"'“‘]?(@?[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@]|\.[A-Za-z0-9])",
    re.IGNORECASE,
)


class SocialHandleRecognizer(TextRecognizer):
    """Finds @handles and handles introduced by a platform name and a colon or "username"."""

    ENTITIES = ("SOCIAL_HANDLE",)
    AT_SCORE = 0.6
    NAMED_SCORE = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        for match in _AT_HANDLE_RE.finditer(text):
            handle = match.group()
            if len(handle) > 2 and not handle[1:].isdigit():
                yield Hit(match.start(), match.end(), self.AT_SCORE, "SOCIAL_HANDLE", "at_handle")
        for match in _NAMED_HANDLE_RE.finditer(text):
            handle = match.group(1)
            if len(handle) >= 2 and not handle.isdigit() and handle.lower() not in _NOT_HANDLES:
                yield Hit(match.start(1), match.end(1), self.NAMED_SCORE, "SOCIAL_HANDLE", "platform_handle")


_NOT_HANDLES = frozenset({"and", "or", "the", "a", "an", "was", "is", "which", "that", "account", "profile"})
