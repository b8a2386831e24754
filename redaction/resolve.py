"""From raw findings to the spans to redact: register search, keep-list, propagation, overlaps.

Recall comes first: once a person is found anywhere with confidence (register, a title before a
surname, a family table, or NER that passes the keep-list), every other mention of that person — first
name alone, surname after a title, possessive, ALL-CAPS, initials — is proposed too. But what published
reviews keep is kept (``keep.py``): pseudonyms ("Child K"), roles, agency names, acronyms, post-nominal
letters, page ranges, and what the document itself declares public (``declared.py``): its declared
pseudonyms ("referred to as Holly"), the names on its credit and governance lines (the independent author,
the chair, a minister), the authors it cites ("Fish, Munro and Bairstow 2008") and its local-authority
areas. A kept word the document also uses in a real person's name is redacted after all (contested).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import replace

from redaction import textmatch
from redaction.declared import NAME_TOKEN as _NAME_TOKEN
from redaction.declared import DocumentKeep, Ranges, document_keep, name_like
from redaction.keep import clean_person, kept_reference, parts
from redaction.lexicon import is_common_word
from redaction.policy import Policy
from redaction.register import Register, TermMatcher, initial_forms, register_terms
from redaction.textmatch import SEPARATOR_CHAR
from redaction.types import POSITIONAL, Span

PERSON_LIKE = {"PERSON", "NICKNAME"}
_INITIALS_INTRO = re.compile(r"\s*\(\s*([A-Z]{2,4})\s*\)")
SOURCE_RANK = {"register": 0, "manual": 0, "pattern": 1, "propagation": 2, "ner": 3, "channel": 1}


def resolve(
    text: str,
    spans: Iterable[Span],
    register: Register,
    policy: Policy,
    image_ranges: Iterable[tuple[int, int]] = (),
    hyphen_joins: Iterable[int] = (),
) -> list[Span]:
    spans = list(spans) + list(find_register_spans(text, register))
    if policy.redacts("IMAGE_TEXT"):
        spans += list(image_text_spans(text, image_ranges))
    keep = document_keep(text, register, policy)
    found = [p for s in spans if s.category in PERSON_LIKE for p in parts(text, s)]
    people, places = _clean_people(text, found, policy, keep)
    contested = keep.contested(text, people, policy)
    if contested:  # the document uses a kept word in a real person's name too: recall first
        keep = keep.without(contested)
        people, places = _clean_people(text, found, policy, keep)
    others = [s for s in places if policy.redacts(s.category)]
    for span in spans:
        if span.category in PERSON_LIKE:
            continue
        if policy.redacts(span.category) and (span.score >= policy.threshold or span.source == "register"):
            public = _public_institution(span, policy) and not _native_name_after(text, span)
            if not public and not kept_reference(text, span):
                extended = _extend_org(text, _extend_date(text, _extend_demonym(text, _extend_place(text, span))))
                others.append(_without_article(extended))
    propagated = list(propagate(text, people, register, policy, set(keep.words)))
    agency_names = agency_ranges(text, policy)
    agencies = Ranges(agency_names)
    people = [s for s in people + propagated if s.source == "register" or not _in_agency(text, s, agencies)]
    dates = list(table_dates_of_birth(text, people))
    chosen = remove_overlaps([s for s in people + others + dates if policy.redacts(s.category)])
    chosen = remove_overlaps(chosen + list(every_occurrence(text, chosen, agency_names)))
    return remove_overlaps(chosen + list(hyphenated_halves(text, chosen, hyphen_joins)))


_OF_AFTER = re.compile(r"[ \u00a0]+(?:of|from)[ \u00a0]+")


def _in_agency(text: str, span: Span, agencies: Ranges) -> bool:
    """Inside an agency's name, except a person's name that the run merely starts with: "PC Hughes of
    Northshire Police" is PC Hughes, of Northshire Police."""
    return agencies.contain(span.start, span.end) and not _OF_AFTER.match(text, span.end)


def _clean_people(text: str, found: list[Span], policy: Policy, keep: DocumentKeep) -> tuple[list[Span], list[Span]]:
    """Confident person findings, and the findings that are local-authority areas (as LOCATION)."""
    people: list[Span] = []
    places: list[Span] = []
    for part in found:
        cleaned = clean_person(text, part, policy, keep)
        if cleaned is None or (cleaned.source == "ner" and cleaned.score < policy.threshold):
            continue
        (people if cleaned.category in PERSON_LIKE else places).append(cleaned)
    return people, places


_FULL_DATE = re.compile(
    r"^\s*(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?[ -]"
    r"[A-Za-z]{3,9}\.?[ -]\d{4}|\d{4}-\d{2}-\d{2})\s*$"
)


_AGENCY_CACHE: dict[frozenset[str], re.Pattern[str]] = {}


def agency_ranges(text: str, policy: Policy) -> list[tuple[int, int]]:
    """Names of agencies: capitalised words ending in an agency word ("Mercia Fields Police")."""
    pattern = _AGENCY_CACHE.get(policy.agency_heads)
    if pattern is None:
        heads = "|".join(re.escape(h) for h in sorted(policy.agency_heads, key=len, reverse=True))
        word = r"(?:[A-Z][\w'’&-]*|of|and|for|the|&)"
        pattern = re.compile(rf"\b[A-Z][\w'’-]*(?:[ ]+{word}){{0,7}}?[ ]+(?i:{heads})\b")
        _AGENCY_CACHE[policy.agency_heads] = pattern
    return [(m.start(), m.end()) for m in pattern.finditer(text) if not _possessive_pair(m.group())]


_PLURAL_POSSESSIVES = {"children's", "women's", "men's", "people's", "young people's"}


def _possessive_pair(value: str) -> bool:
    """ "Yusi's NHS (number)" is a person's, not an agency: a possessive that is not "Children's"."""
    words = value.split()
    return any(
        w.lower().replace("’", "'").endswith("'s") and w.lower().replace("’", "'") not in _PLURAL_POSSESSIVES
        for w in words
    )


_ROW = re.compile(r"[^\n]*\t[^\n]*")
_CELL = re.compile(r"[^\t\n]+")


def table_dates_of_birth(text: str, people: list[Span]) -> Iterable[Span]:
    """In a table row naming a person in a cell of its own, a cell holding only a full date is that
    person's date of birth (family composition tables)."""
    person_ranges = sorted({(s.start, s.end) for s in people})
    if not person_ranges:
        return
    starts = [ps for ps, _ in person_ranges]
    longest = max(pe - ps for ps, pe in person_ranges)

    def names_a_person(a: int, b: int) -> bool:  # a person span covers the whole cell
        first = bisect.bisect_left(starts, a - longest)
        last = bisect.bisect_right(starts, a)
        return any(pe >= b for _, pe in person_ranges[first:last])

    for line in _ROW.finditer(text):
        cells = []
        for m in _CELL.finditer(text, line.start(), line.end()):
            value = m.group()
            start = m.start() + len(value) - len(value.lstrip())
            cells.append((start, start + len(value.strip())))
        if len(cells) < 3:
            continue
        dates = [(a, b) for a, b in cells if _FULL_DATE.match(text[a:b])]
        if not dates or not any(names_a_person(a, b) for a, b in cells):
            continue
        for a, b in dates:
            yield Span(a, b, "DATE_OF_BIRTH", 0.85, "pattern", "FamilyTableDate", text[a:b])


_DEMONYM_TAIL = re.compile(r"\s+(?:national|nationals|citizen|citizens|origin|descent|nationality)\b")


_DAY_BEFORE = re.compile(
    r"(?:\b\d{1,2}(?:st|nd|rd|th)?(?:\s*(?:and|to|-|–|/)\s*\d{1,2}(?:st|nd|rd|th)?)?\s+"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s*(?:and|to|-|–|/)\s*)$"
)
_YEAR_AFTER = re.compile(r"^,?\s+(?:1[89]|20)\d\d\b")


def _extend_date(text: str, span: Span) -> Span:
    """NER often drops the day ("26 [September 2002]") or the year: take the whole date."""
    if span.category != "DATE_TIME":
        return span
    start, end = span.start, span.end
    before = _DAY_BEFORE.search(text, max(0, start - 16), start)
    if before:
        start = before.start()
    after = _YEAR_AFTER.match(text[end : end + 8])
    if after:
        end += after.end()
    return replace(span, start=start, end=end, text=text[start:end]) if (start, end) != (span.start, span.end) else span


_ORG_TAIL = re.compile(
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|and))*)?"
    r"(?:\s*\((?![“\"'‘]|see\b|cf\b)[^()\n]{1,60}\))?"
)


# "(Högsta domstolen)", "(Svea hovrätt)": an institution's name in its own language, after the English
_NATIVE_NAME = re.compile(r"[ \u00a0]*\(([^()\n]{3,60})\)")


def _native_name_after(text: str, span: Span) -> bool:
    """A generic institution ("the Supreme Court") followed by its name in the country's language is no
    longer generic: the bracket says which country's court it is."""
    if span.category != "ORGANIZATION":
        return False
    bracket = _NATIVE_NAME.match(text, span.end)
    if bracket is None:
        return False
    words = re.findall(r"[^\W\d_]+", bracket.group(1))
    # words no English dictionary has, at least one in lower case (not an acronym such as "ECJ")
    return bool(words) and any(w.islower() for w in words) and not any(is_common_word(w) for w in words)


# "the municipality of [Härjedalen]", "the Borough of [Southwark]": the unit belongs to the place's name
_PLACE_UNIT_BEFORE = re.compile(
    r"(?i:\b(?:borough|district|county|municipality|province|region|department|commune|canton|governorate|"
    r"prefecture|oblast|voivodeship|parish)[ \u00a0]+of[ \u00a0]+)$"
)


def _extend_place(text: str, span: Span) -> Span:
    if span.category != "LOCATION":
        return span
    unit = _PLACE_UNIT_BEFORE.search(text, max(0, span.start - 20), span.start)
    if unit is None:
        return span
    return replace(span, start=unit.start(), text=text[unit.start() : span.end])


def _extend_org(text: str, span: Span) -> Span:
    """ "Beyoğlu Civil Court" + " of General Jurisdiction" + " (Högsta domstolen)": the whole name."""
    if span.category != "ORGANIZATION":
        return span
    tail = _ORG_TAIL.match(text, span.end)
    if not tail or tail.end() == span.end:
        return span
    return replace(span, end=tail.end(), text=text[span.start : tail.end()])


# Quasi-identifiers NER finds with a leading article ("the Administrative Court", "the United Kingdom"):
# the article identifies nobody and the sentence reads better with it.
_ARTICLE_CATEGORIES = frozenset({"ORGANIZATION", "LOCATION", "NRP", "DATE_TIME", "QUANTITY"})
_LEADING_ARTICLE = re.compile(r"(?:the|The|THE)[ \u00a0]+(?=\S)")


def _without_article(span: Span) -> Span:
    if span.category not in _ARTICLE_CATEGORIES:
        return span
    article = _LEADING_ARTICLE.match(span.text)
    if article is None:
        return span
    cut = article.end()
    return replace(span, start=span.start + cut, text=span.text[cut:])


def _public_institution(span: Span, policy: Policy) -> bool:
    words = policy.public_institutions.get(span.category)
    if not words:
        return False
    value = " ".join(span.text.lower().split())
    if span.text.isupper() and " " not in span.text.strip() and len(span.text.strip()) > 4:
        return True  # "FACTS", "LAW": headings, not names
    tokens = re.findall(r"[\w'’-]+", value)
    return bool(tokens) and all(t.replace("’", "'") in words for t in tokens)


def _extend_demonym(text: str, span: Span) -> Span:
    """ "Swedish" -> "Swedish national": the whole description of the person's origin."""
    if span.category != "NRP":
        return span
    tail = _DEMONYM_TAIL.match(text, span.end)
    return replace(span, end=tail.end(), text=text[span.start : tail.end()]) if tail else span


# ---------------------------------------------------------------------------------------------------------
# Register
# ---------------------------------------------------------------------------------------------------------
def find_register_spans(text: str, register: Register) -> Iterable[Span]:
    terms = [t for t in register_terms(register) if len(t.text) >= 2]
    for case_sensitive in (False, True):
        matcher = TermMatcher(
            ((t.text, t) for t in terms if t.case_sensitive == case_sensitive), case_sensitive=case_sensitive
        )
        for start, end, term in matcher.finditer(text):
            yield Span(start, end, term.category, 1.0, "register", term.entity, text[start:end])


_IMAGE_TOKEN = re.compile(r"[^\s]+")


def image_text_spans(text: str, ranges: Iterable[tuple[int, int]]) -> Iterable[Span]:
    """Text in images fails closed: OCR misreads names and numbers ("DN22.2NF"), so in images every
    token with a digit and every name-like capitalised word is removed, whatever detection says."""
    for start, end in ranges:
        for match in _IMAGE_TOKEN.finditer(text, start, end):
            token = match.group().strip(".,;:()'\"")
            if token and (any(ch.isdigit() for ch in token) or name_like(token) or "@" in token):
                yield Span(
                    match.start(), match.end(), "IMAGE_TEXT", 0.5, "channel", "ImageTextFailClosed", match.group()
                )


# ---------------------------------------------------------------------------------------------------------
# Person names: clean, keep-list
# ---------------------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------------------
# Propagation
# ---------------------------------------------------------------------------------------------------------
def propagate(text: str, people: list[Span], register: Register, policy: Policy, public: set[str]) -> Iterable[Span]:
    """Every other mention of every confidently found person."""
    terms: dict[str, tuple[str, str, bool]] = {}  # term -> (category, entity, case-insensitive)
    registered = {t.lower() for p in register.people for t in [p.name, *p.parts, *p.aliases]}
    for span in people:
        value = span.text.strip()
        entity = span.recognizer if span.source == "register" else f"person:{value.lower()}"
        insensitive = value.lower() in registered
        candidates = [value, *(_NAME_TOKEN.findall(value))]
        for term in candidates:
            lower = term.lower().strip(".")
            if (
                len(lower) < 2
                or lower in policy.not_names
                or lower in policy.roles
                or lower in policy.pseudonym_heads
                or lower in policy.agency_words
                or lower in public
            ):
                continue
            if term != value and len(lower) < 3 and not insensitive:
                continue
            if term != value and span.source == "ner" and not name_like(term):
                continue  # a common word inside an NER finding is not searched for on its own
            terms.setdefault(term, (span.category, entity, insensitive))
        # initials introduced in brackets right after a name: "Amira Hussain (AH)"
        after = _INITIALS_INTRO.match(text, span.end, min(len(text), span.end + 14))
        if after and after.group(1) in initial_forms(value) and after.group(1) not in policy.acronyms:
            terms.setdefault(after.group(1), (span.category, entity, False))
    # Detected (not registered) names are searched in their capitalised and ALL-CAPS forms only, so
    # that a surname that is also a word ("Brook") does not remove the word "brook".
    insensitive_terms = [(t, v) for t, v in sorted(terms.items()) if v[2]]
    sensitive_terms = [(form, v) for t, v in sorted(terms.items()) if not v[2] for form in (t, t.upper())]
    for items, case_sensitive in ((insensitive_terms, False), (sensitive_terms, True)):
        for start, end, (category, entity, _) in TermMatcher(items, case_sensitive=case_sensitive).finditer(text):
            yield Span(start, end, category, 0.9, "propagation", entity, text[start:end])


# ---------------------------------------------------------------------------------------------------------
# Consistency
# ---------------------------------------------------------------------------------------------------------
def every_occurrence(text: str, spans: list[Span], kept: list[tuple[int, int]]) -> Iterable[Span]:
    """Every other occurrence of a text redacted somewhere, matched as verification matches it (any
    case except initials that are words, any line break, possessives: ``textmatch``), except inside
    kept agency names - unless the agency name is itself redacted somewhere (``strict`` redacts
    organisations): exactly what verification allows. Detection depends on context - "the social
    worker" is an occupation in one sentence and not in the next; "Brook" is found as a surname, "the
    brook" is not - but a text redacted in one place and left in another fails verification, and the
    publication scorer reads "brook" as the surname too."""
    sources: dict[str, Span] = {}
    for span in spans:
        key = textmatch.match_key(span.text)
        if span.category not in POSITIONAL and len(key) >= 2:
            sources.setdefault(key, span)
    redacted = Ranges((s.start, s.end) for s in spans)
    # As verification reads the output: a kept name protects wherever its text occurs whole once the
    # redactions are gone ("Oak Surgery and Mercia Police" loses the surgery and is no longer that
    # kept name, though "Mercia Police" may be one in its own right).
    kept_names = {text[a:b] for a, b in kept}  # a kept name that is itself redacted is not kept
    names = textmatch.combined_pattern(n for n in kept_names if textmatch.match_key(n) not in sources)
    allowed = Ranges(m.span() for m in names.finditer(_blanked(text, spans))) if names else Ranges(())
    for pattern in textmatch.patterns(span.text for span in sources.values()):
        for match in pattern.finditer(text):
            start, end = match.span()
            if redacted.contain(start, end) or allowed.contain(start, end):
                continue
            source = sources.get(textmatch.match_key(match.group()))
            if source is not None:
                yield Span(start, end, source.category, 0.9, "propagation", source.recognizer, match.group())


def hyphenated_halves(text: str, spans: list[Span], joins: Iterable[int]) -> Iterable[Span]:
    """A word hyphenated at a line end is one word in the detection text ("multi-" + "cohort" ->
    "multicohort"), but the output still prints two, and verification reads each half as a word: a half
    that is a redacted text is redacted too."""
    sources = {textmatch.match_key(s.text): s for s in spans if s.category not in POSITIONAL}
    redacted = Ranges((s.start, s.end) for s in spans)
    for join in joins:
        start = join
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        end = join
        while end < len(text) and text[end].isalnum():
            end += 1
        for a, b in ((start, join), (join, end)):
            source = sources.get(textmatch.match_key(text[a:b])) if b - a >= 2 else None
            if source is not None and not redacted.contain(a, b):
                yield Span(a, b, source.category, 0.9, "propagation", source.recognizer, text[a:b])


def _blanked(text: str, spans: list[Span]) -> str:
    """The text with every span replaced by a character that no pattern matches or runs through."""
    parts, cursor = [], 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.end > cursor:
            start = max(span.start, cursor)
            parts += [text[cursor:start], SEPARATOR_CHAR * (span.end - start)]
            cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Overlaps
# ---------------------------------------------------------------------------------------------------------
def remove_overlaps(spans: list[Span]) -> list[Span]:
    """Drops findings inside a longer or stronger finding; keeps partial overlaps (both redact)."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start), SOURCE_RANK.get(s.source, 9)))
    kept: list[Span] = []
    reach = -1
    reach_span: Span | None = None
    for span in ordered:
        if reach_span is not None and span.end <= reach and span.start >= reach_span.start:
            continue
        kept.append(span)
        if span.end > reach:
            reach, reach_span = span.end, span
    return sorted(kept, key=lambda s: (s.start, s.end, s.category))
