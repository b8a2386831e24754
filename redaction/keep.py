"""The keep-list: which person findings are not people, and which "references" are not references.

Detection finds too much on purpose; this is where what a published review keeps is taken back out of a
person finding: titles, pseudonyms ("Child K"), roles, agency names, acronyms ("LSCB"), post-nominal
letters ("MSc MPhil CQSW"), months ("early June"), research citations and whatever the document itself
declares public (``declared.py``: the author, the chair, declared pseudonyms, local-authority areas). Page
ranges and guidance editions are not case references. Register findings are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from redaction.declared import NAME_TOKEN, TITLES, DocumentKeep, known_name, name_like, norm
from redaction.policy import Policy
from redaction.types import Span

_TRAILING = re.compile(r"(?:['’]s|['’])?[\s.,;:()\"'’]*$")
_CITATION_AFTER = re.compile(
    r"^\s*(?:et\.?\s+al\b|\(\s*(?:19|20)\d\d\w?|,?\s*(?:19|20)\d\d\b|"
    r"(?:and|&)\s+[A-Z][\w'-]+\s*(?:\(|,)?\s*(?:19|20)\d\d)"
)
_CONNECTOR = re.compile(r"\s*(?:[,;&/]|\band\b)\s*")
_PART = re.compile(r"[^\n\t]+?(?=[\n\t]|(?<=\w\w)[.;:!?]\s|$)")


def split_lines(text: str, span: Span) -> list[Span]:
    """A name never crosses a table cell, a block break or a sentence end ("Child T. Parveen")."""
    value = text[span.start : span.end]
    if span.source == "register":
        return [span]
    parts = []
    for match in _PART.finditer(value):
        start, end = span.start + match.start(), span.start + match.end()
        if text[start:end].strip():
            parts.append(replace(span, start=start, end=end, text=text[start:end]))
    return parts


def parts(text: str, span: Span) -> list[Span]:
    """A finding split at line and cell breaks, and at "and", "&" and commas between names ("Holly and
    Kerry Walsh" is two findings, so a kept pseudonym beside a real name is not redacted with it)."""
    if span.source == "register":
        return [span]
    out = []
    for line in split_lines(text, span):
        cursor = line.start
        for sep in [*_CONNECTOR.finditer(text, line.start, line.end), None]:
            stop = sep.start() if sep else line.end
            if text[cursor:stop].strip():
                out.append(replace(line, start=cursor, end=stop, text=text[cursor:stop]))
            cursor = sep.end() if sep else stop
    return out


_PSEUDONYM_CACHE: dict[frozenset[str], re.Pattern[str]] = {}


def _pseudonym_prefix(policy: Policy) -> re.Pattern[str]:
    """ "Child T. " / "Adult B's " at the start of a finding: a pseudonym, not part of the name."""
    pattern = _PSEUDONYM_CACHE.get(policy.pseudonym_heads)
    if pattern is None:
        heads = "|".join(re.escape(h) for h in sorted(policy.pseudonym_heads, key=len, reverse=True))
        pattern = re.compile(rf"^(?i:{heads})\s+[A-Z0-9]{{1,2}}\b(?:['’]s)?[.,;:]?\s*")
        _PSEUDONYM_CACHE[policy.pseudonym_heads] = pattern
    return pattern


def clean_person(text: str, span: Span, policy: Policy, keep: DocumentKeep) -> Span | None:
    """Trims titles, possessives and post-nominal letters; None when the finding is a role, pseudonym,
    agency, acronym, citation or a name the document keeps (``keep.py``); a LOCATION when it is a
    local-authority area."""
    start, end = span.start, span.end
    value = text[start:end]
    lead = TITLES.match(value) if span.source != "register" else None
    if lead:
        start += lead.end()
    value = text[start:end]
    pseudonym = _pseudonym_prefix(policy).match(value) if span.source != "register" else None
    if pseudonym:
        start += pseudonym.end()
        value = text[start:end]
    trail = _TRAILING.search(value)
    if trail and trail.start() > 0 and span.source != "register":
        end = strip_post_nominals(text, start, start + trail.start(), policy)
    value = text[start:end].strip()
    if not value or span.source == "register":
        return replace(span, start=start, end=end, text=text[start:end]) if value else None
    lower = value.lower()
    tokens = NAME_TOKEN.findall(value)
    if not tokens or len(value) < 2 or any(ch.isdigit() for ch in value):
        return None
    if lower in policy.roles or lower in policy.not_names:
        return None
    words = [norm(t) for t in tokens]
    if words[0] in policy.pseudonym_heads and all(len(t) <= 2 or t.isupper() for t in tokens[1:]):
        return None  # "Child K", "Adult B", "Sibling 2"
    if any(w in policy.agency_words for w in words):
        return None  # "Lambeth Children's", "Northshire Police"
    if all(
        w in policy.roles or w in policy.not_names or w in policy.pseudonym_heads or t.islower()
        for t, w in zip(tokens, words, strict=True)
    ):
        return None  # roles, months and lower-case words: "the Lead Reviewer", "early June"
    if not_a_person(tokens, policy) or keep.keeps(text, start, end, policy) or keep.in_citation(start, end):
        return None  # "LSCB", "MPhil CQSW", "Jane Smith" (the author), "Holly" (declared), "Fish, Munro"
    if span.source == "ner" and _CITATION_AFTER.match(text[end : end + 40]):
        return None
    if span.source == "ner" and not any(name_like(t) for t in tokens):
        return None  # "Relationship Family": NER's guess made only of ordinary words
    if keep.area(text, start, end):
        return replace(span, start=start, end=end, text=text[start:end], category="LOCATION")
    return replace(span, start=start, end=end, text=text[start:end])


# ---------------------------------------------------------------------------------------------------------
# Never persons; never references
# ---------------------------------------------------------------------------------------------------------
def strip_post_nominals(text: str, start: int, end: int, policy: Policy) -> int:
    """The end of a name without the qualifications after it ("Margaret Holloway MSc MPhil CQSW")."""
    value = text[start:end]
    cut = len(value)
    for match in reversed(list(re.finditer(r"\S+", value))):
        if match.start() == 0 or match.group().strip("(),.") not in policy.post_nominals:
            break
        cut = match.start()
    return start + len(value[:cut].rstrip(" \u00a0,"))


def not_a_person(tokens: Sequence[str], policy: Policy) -> bool:
    """An acronym alone ("LSCB", "MASH"), or post-nominal letters alone ("MPhil CQSW AASW")."""
    if len(tokens) == 1 and _acronym(tokens[0], policy):
        return True
    return tokens[0] in policy.post_nominals and all(t in policy.post_nominals or _acronym(t, policy) for t in tokens)


def _acronym(token: str, policy: Policy) -> bool:
    """All capitals, two to six letters, and not a known name written in capitals ("LEE")."""
    letters = token.replace("&", "")
    if not (letters.isalpha() and letters.isupper() and 2 <= len(letters) <= 6):
        return False
    return token in policy.acronyms or not known_name(letters)


_RANGE = re.compile(r"^(\d{1,4})[ \u00a0]*[-–—][ \u00a0]*(\d{1,4})$")
_PERIOD = re.compile(r"^((?:19|20)\d\d)[ \u00a0]*[/–—-][ \u00a0]*((?:19|20)?\d\d)$")
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:no|nos|number|numbers|ref|reference|case|file|crime|incident|occurrence|log|urn|application|"
    r"applications|claim|custody|serial|job)\b\.?[ \u00a0]*[:#(]?|\d[ \u00a0]*(?:,|and|&))[ \u00a0]*$",
    re.IGNORECASE,
)


def kept_reference(text: str, span: Span) -> bool:
    """A "reference" that is a page range ("13-18" on a contents line) or a year range or guidance edition
    ("Working Together 2010/13", "2019/20"), unless a reference word introduces it ("case no. 2010/13")."""
    if span.category != "CASE_REFERENCE" or span.source == "register":
        return False
    value = text[span.start : span.end].strip()
    if _REFERENCE_BEFORE.search(text, max(0, span.start - 30), span.start):
        return False
    page = _RANGE.match(value)
    if page and int(page.group(1)) < int(page.group(2)):
        return True
    period = _PERIOD.match(value)
    if not period:
        return False
    first, second = int(period.group(1)), period.group(2)
    last = int(second) if len(second) == 4 else first - first % 100 + int(second)
    return first < last <= first + 15
