"""Case, file, crime and court reference numbers.

Shapes: police crime/incident references as force/serial/year ("43/18821/21", per the Home Office
Crime Recording Standard's force-prefixed URNs), council case numbers ("CSC-2021-04512", "EH-194940",
"LCS 4576033"), court case numbers ("Case No. ABC123/2020"), and European Court of Human Rights
application numbers ("application no. 28045/02": serial/two-digit year, per the Court's Rules, Rule 47
and its case-law database HUDOC). Application numbers are direct identifiers in published judgments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer, context_left

_CRIME_REF_RE = re.compile(r"(?<![\w/.\-])\d{1,4}/\d{4,7}/\d{2,4}(?![\w/]|[.\-]\d)")
_SLASHED_CODE_RE = re.compile(r"(?<![\w/\-])[A-Z]{2,6}/\d{2,4}/\d{3,8}(?![\w/]|[.\-]\d)")
_DASHED_REF_RE = re.compile(r"(?<![\w/\-])[A-Z]{2,5}-(?:(?:19|20)\d\d-\d{3,7}|\d{5,9})(?![\w/]|-\d)")
# Not a currency code followed by an amount ("GBP 100000").
_SPACED_REF_RE = re.compile(
    r"(?<![\w/\-])(?!(?:GBP|EUR|USD|CHF|JPY)[ \u00a0])[A-Z]{2,5}[ \u00a0]\d{6,9}(?![\w/]|[.\-]\d)"
)
# ECHR application numbers: 1-5 digit serial / 2-digit year.
_APPLICATION_RE = re.compile(r"(?<![\w/.\-])(\d{1,5})/(\d{2})(?![\w/]|[.\-]\d)")
_APPLICATION_CONTEXT_RE = re.compile(
    r"\b(?:applications?|app(?:lication)?\.?\s*nos?\.?|nos?\.|numbers?)\s*[(:]?\s*$", re.IGNORECASE
)
_LIST_JOIN_RE = re.compile(r"\s*(?:,|and|,\s*and)\s*")
_KEYWORD_REF_RE = re.compile(
    r"\b(?:case|file|claim|court|crime|police|incident|occurrence|custody|serial|job|log|CAD|URN|reference|ref|referral)\.?"
    r"(?:[ \u00a0]+(?:no|number|ref(?:erence)?|nos?)\.?)?[ \u00a0]*[:#]?[ \u00a0]*"
    r"((?=[A-Za-z0-9/\-]*\d)[A-Z0-9][A-Za-z0-9]*(?:[/\-][A-Za-z0-9]+)*)",
    re.IGNORECASE,
)
_REF_CONTEXT_RE = re.compile(
    r"\b(?:ref(?:erence)?|case|file|crime|incident|occurrence|custody|log|URN|no)\.?\s*(?:no\.?|number)?\s*[:#(]?\s*$",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")


class CaseReferenceRecognizer(TextRecognizer):
    """Finds reference numbers by shape, and any digit-bearing token right after "case no." and the like."""

    ENTITIES = ("CASE_REFERENCE",)
    CRIME_SCORE = 0.65
    DASHED_SCORE = 0.6
    SPACED_SCORE = 0.4
    APPLICATION_SCORE = 0.5
    SHORT_APPLICATION_SCORE = 0.35
    CONTEXT_SCORE = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        for pattern, score, name in (
            (_CRIME_REF_RE, self.CRIME_SCORE, "crime_reference"),
            (_SLASHED_CODE_RE, self.DASHED_SCORE, "slashed_reference"),
            (_DASHED_REF_RE, self.DASHED_SCORE, "dashed_reference"),
            (_SPACED_REF_RE, self.SPACED_SCORE, "spaced_reference"),
        ):
            for match in pattern.finditer(text):
                if context_left(_REF_CONTEXT_RE, text, match.start(), 30):
                    score_here = self.CONTEXT_SCORE
                else:
                    score_here = score
                yield Hit(match.start(), match.end(), score_here, "CASE_REFERENCE", name)
        yield from self._applications(text)
        for match in _KEYWORD_REF_RE.finditer(text):
            token = match.group(1)
            if len(token) < 4 or _YEAR_RE.fullmatch(token) or token.isalpha():
                continue
            if token.isdigit() and len(token) < 5:
                continue
            yield Hit(match.start(1), match.end(1), self.CONTEXT_SCORE, "CASE_REFERENCE", "keyword_reference")

    def _applications(self, text: str) -> Iterator[Hit]:
        """Application numbers, carrying the "nos." context along lists: "nos. 1/96, 2/96 and 3/96"."""
        previous_end = -1
        for match in _APPLICATION_RE.finditer(text):
            serial = match.group(1)
            in_list = previous_end >= 0 and _LIST_JOIN_RE.fullmatch(text, previous_end, match.start()) is not None
            if in_list or context_left(_APPLICATION_CONTEXT_RE, text, match.start(), 40):
                score = self.CONTEXT_SCORE
            elif len(serial) >= 4:
                score = self.APPLICATION_SCORE
            elif len(serial) == 3:
                score = self.SHORT_APPLICATION_SCORE
            else:
                previous_end = -1
                continue
            previous_end = match.end()
            yield Hit(match.start(), match.end(), score, "CASE_REFERENCE", "application_number")
