"""The fail-safe for numbers: a standalone number of six or more digits is a reference number.

Police occurrence and crime numbers, CAD and log numbers, hospital and council record numbers, Ofsted
URNs and bank accounts are runs of six or more digits, and the word that introduces them varies from
one agency and one author to the next ("occurrence number", "job no.", "the 999 log"). Rather than
chase every label, any such run is proposed, unless its own surroundings say it is something a published
review keeps: an amount of money ("£1,250,000", "125000 pounds"), a decimal or a number written with
thousands separators, part of a longer code, date or range ("2019/20", "13-18"), a page, paragraph or
statute reference ("para 123456"), or a percentage. Years have four digits and are never matched.
Phone, NHS and other numbers with their own recognizers overlap and the engine keeps the better finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left, context_right

# Six or more digits, not glued to letters, digits, another number's separators or a currency sign.
_LONG_NUMBER_RE = re.compile(r"(?<![\w.,/\-£$€+])\d{6,}(?![\w%]|[.,/\-]\d)")
# What a published review keeps: money, page/paragraph/section references, statutes and citations.
_KEEP_BEFORE_RE = re.compile(
    r"(?:[£$€]|\b(?:GBP|EUR|USD|pounds?|euros?|dollars?|p{1,2}\.|pages?|paras?\.?|paragraphs?|sections?|s\.|"
    r"ss\.|chapter|chapters|footnote|isbn|issn|doi))\s*$",
    re.IGNORECASE,
)
_KEEP_AFTER_RE = re.compile(r"\s*(?:pounds?|euros?|dollars?|GBP|EUR|USD|per\s+cent|percent)\b", re.IGNORECASE)


class LongNumberRecognizer(TextRecognizer):
    """Proposes every standalone run of six or more digits that is not money or a page/statute reference."""

    ENTITIES = ("CASE_REFERENCE",)
    SCORE = 0.45  # above the publication threshold (0.4); below the score of a labelled reference

    def find(self, text: str) -> Iterator[Hit]:
        for match in _LONG_NUMBER_RE.finditer(text):
            if context_left(_KEEP_BEFORE_RE, text, match.start(), 16):
                continue
            if context_right(_KEEP_AFTER_RE, text, match.end(), 16):
                continue
            yield Hit(match.start(), match.end(), self.SCORE, "CASE_REFERENCE", "long_number")
