"""What a review declares about itself: the names and places it says a published version keeps.

A published review keeps the pseudonyms it declares ("the child is referred to as Holly"), the public
names on its credit and governance lines ("Independent Overview Report Author – Jane Smith", "The chair of
the Northshire Safeguarding Children Board, John Brown"), the authors of the research it cites ("Fish,
Munro and Bairstow 2008") and the local-authority areas its agencies are named after ("London Borough of
Lambeth", "Croydon Safeguarding Children Partnership"). Detection tags all of these as people; removing
them makes the review useless to the agencies that must learn from it.

Every rule is grammar read from the document, never a list of names, so it holds for documents nobody
here has seen. Recall still comes first: a name from the partnership's register (the family's real names)
is never kept by these rules; frontline practitioners ("the social worker, Amina Begum") are never
public; and a kept word the document also uses inside a real person's name ("Kerry Munro") is not kept
(``DocumentKeep.contested``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from redaction.lexicon import is_common_word
from redaction.policy import Policy
from redaction.recognizers._names import load_name_lexicon
from redaction.recognizers._text import MONTHS
from redaction.register import Register
from redaction.types import Span

TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|professor|pc|dc|ds|di|sgt|nurse|cllr|rev|sir|dame|lord|lady)\.?\s+)+",
    re.IGNORECASE,
)
NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_PERSONAL_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?[ \u00a0]+$")


def norm(token: str) -> str:
    """ "Holly's" -> "holly": the form kept words are compared in."""
    return _POSSESSIVE.sub("", token.strip(".,;:()\"'’‘“”")).lower()


def name_like(token: str) -> bool:
    """Capitalised and either not an ordinary English word or a known given name or surname."""
    word = token.strip(".'’")
    if not word[:1].isupper():
        return False
    if not is_common_word(word):
        return True
    return known_name(word)


def known_name(word: str) -> bool:
    lexicon = load_name_lexicon()
    word = word[:1] + word[1:].lower()
    return lexicon.is_first_name(word) or lexicon.is_surname(word) or word in lexicon.word_first_names


def _given_name(word: str) -> bool:
    lexicon = load_name_lexicon()
    word = word[:1] + word[1:].lower()
    return lexicon.is_first_name(word) or word in lexicon.word_first_names


class Ranges:
    """Answers "does one of these ranges contain [start, end)?" in O(log n)."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self.starts = [a for a, _ in ordered]
        self.reach: list[int] = []  # the furthest end among the ranges starting up to here
        for _, b in ordered:
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def contain(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end


# ---------------------------------------------------------------------------------------------------------
# What the document keeps
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentKeep:
    """Lower-case words and phrases this document declares public, and where its citations are."""

    names: frozenset[str] = frozenset()  # public names and declared pseudonyms (tokens)
    cited: frozenset[str] = frozenset()  # surnames of cited authors (tokens)
    areas: frozenset[str] = frozenset()  # local-authority areas (phrases)
    citations: tuple[tuple[int, int], ...] = ()  # author lists of research citations

    @property
    def words(self) -> frozenset[str]:
        """Tokens never searched for on their own when propagating a person's name."""
        return self.names | self.cited

    def without(self, tokens: Iterable[str]) -> DocumentKeep:
        drop = frozenset(tokens)
        return replace(self, names=self.names - drop, cited=self.cited - drop)

    def in_citation(self, start: int, end: int) -> bool:
        return _ranges(self.citations).contain(start, end)

    def keeps(self, text: str, start: int, end: int, policy: Policy) -> bool:
        """A finding whose every name token is a public name, a declared pseudonym or (unless after "Ms"
        and the like: "Ms Munro" is a person) a cited author."""
        titled = _PERSONAL_TITLE_BEFORE.search(text, max(0, start - 6), start) is not None
        kept = self.names if titled else self.names | self.cited
        names = name_tokens(text[start:end], policy)
        return bool(names) and all(norm(t) in kept for t in names)

    def area(self, text: str, start: int, end: int) -> bool:
        """A local-authority area, unless it is part of an address (the address is redacted whole)."""
        value = " ".join(norm(t) for t in text[start:end].split())
        return value in self.areas and not in_address(text, start, end)

    def contested(self, text: str, people: Iterable[Span], policy: Policy) -> set[str]:
        """Kept words that this document also uses for a real person: inside a name ("Munro" when "Kerry
        Munro" is found) or alone where a personal title says it is a person ("Ms Munro")."""
        words = self.words
        found: set[str] = set()
        for span in people:
            if span.source == "register":
                continue
            runs = _runs(text[span.start : span.end], policy)
            for run in runs:
                kept = {norm(t) for t in run if norm(t) in words}
                if kept and (len(kept) < len(run) or len(runs) == len(run) == 1):
                    found |= kept
        return found


def _ranges(ranges: tuple[tuple[int, int], ...]) -> Ranges:
    cached = _RANGES_CACHE.get(ranges)
    if cached is None:
        cached = _RANGES_CACHE[ranges] = Ranges(ranges)
        if len(_RANGES_CACHE) > 8:
            _RANGES_CACHE.pop(next(iter(_RANGES_CACHE)))
    return cached


_RANGES_CACHE: dict[tuple[tuple[int, int], ...], Ranges] = {}


def name_tokens(value: str, policy: Policy) -> list[str]:
    """The tokens of a finding that may be part of a name: capitalised, not a role, month or pseudonym
    head, and not an ordinary word opening the finding ("Independent Reviewer Jane Smith", "When Holly").
    After the first name-like token every capitalised word counts: a surname can be an ordinary word
    ("Holly Baker" is not the pseudonym "Holly")."""
    out: list[str] = []
    for token in NAME_TOKEN.findall(value):
        word = norm(token)
        if not word or word in policy.roles or word in policy.not_names or word in policy.pseudonym_heads:
            continue
        if token[:1].isupper() and (out or name_like(token)):
            out.append(token)
    return out


def _runs(value: str, policy: Policy) -> list[list[str]]:
    """Runs of name tokens written together ("Kerry Munro"); a possessive, comma, role or lower-case
    word ends a run ("Holly's mother Kerry Walsh" is two runs)."""
    runs: list[list[str]] = [[]]
    for token in value.split():
        core = token.strip(".,;:()\"'’‘“”")
        word = norm(core)
        if core[:1].isupper() and word not in policy.roles and word not in policy.pseudonym_heads:
            runs[-1].append(core)
            if _POSSESSIVE.search(core) or token.endswith((",", ";", ":", ")")):
                runs.append([])
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def document_keep(text: str, register: Register, policy: Policy) -> DocumentKeep:
    """Everything this document declares kept, minus the words of the register's people."""
    family = {norm(t) for p in register.people for t in [*p.parts, *p.aliases]}
    names = {norm(t) for n in public_names(text, register, policy) for t in n.split()}
    names |= {norm(t) for n in declared_pseudonyms(text) for t in n.split()}
    names = {t for t in names if len(t) > 1 and t not in policy.pseudonym_heads and t not in policy.roles}
    ranges, authors = citations(text)
    cited = {norm(a) for a in authors if name_like(a) and not _given_name(a)}  # not "In 2001", not "Jan"
    areas = {a for a in local_authority_areas(text) if not any(w in family for w in a.split())}
    return DocumentKeep(frozenset(names - family), frozenset(cited - family), frozenset(areas), tuple(ranges))


# ---------------------------------------------------------------------------------------------------------
# Public names: credit and governance lines
# ---------------------------------------------------------------------------------------------------------
_CAP = r"[A-Z](?:[\w'’-]+|\.)"  # a capitalised word or an initial
_SP = r"[ \u00a0]+"
_SEP = r"(?:is|was|:|–|—|-|,)"
_PUBLIC_NAME = rf"(?:{_CAP}{_SP}){{0,3}}{_CAP}"
_OF_CLAUSE = rf"(?:{_SP}(?:of|for|to){_SP}(?:the{_SP})?{_CAP}(?:{_SP}(?:{_CAP}|of|and|for|the|&))*)+"
# A meeting's chair or a referral's author is a practitioner, not a public name.
_FRONTLINE = re.compile(
    r"conference|meeting|core\s+group|strategy|discussion|marac|mappa|network|referral|assessment|letter",
    re.IGNORECASE,
)
_FURNITURE = re.compile(r"\b(?:high|push|car|wheel|arm|baby|bath|booster|rocking|bouncy|a|her|his|their|my)\s*$", re.I)
_PUBLIC_CACHE: dict[tuple[str, ...], tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _public_patterns(policy: Policy) -> tuple[re.Pattern[str], re.Pattern[str]]:
    key = (*policy.public_name_context, "\x00", *sorted(policy.post_nominals))
    patterns = _PUBLIC_CACHE.get(key)
    if patterns is None:
        role = "|".join(re.escape(c) for c in sorted(policy.public_name_context, key=len, reverse=True))
        letters = "|".join(re.escape(p) for p in sorted(policy.post_nominals, key=len, reverse=True)) or "(?!)"
        # the name ends the apposition: punctuation, the end of the line, a verb, or post-nominal letters
        name_end = rf"(?=[ \u00a0]*(?:[,.;:()\n–—-]|$|(?:is|was|who|and|has|had)\b|(?:{letters})\b))"
        role_then_name = re.compile(
            # "Chair: X", "chaired by X", "the chair of the X Board, X" (after a body, a separator is needed)
            rf"(?i:\b(?:{role})\b)(?:(?P<of>{_OF_CLAUSE})[ \u00a0]*{_SEP}|[ \u00a0]*{_SEP}?)[ \u00a0]*"
            rf"(?P<name>{_PUBLIC_NAME}){name_end}",
            re.MULTILINE,
        )
        name_then_role = re.compile(
            rf"(?<![\w'’-])(?P<name>{_PUBLIC_NAME})(?:{_SP}(?:{letters}))*[ \u00a0]*(?:,|–|—|-|\()[ \u00a0]*"
            rf"(?:the{_SP})?(?P<role>(?i:(?:(?:independent|lead|overview|report){_SP})*(?:{role}))\b(?:{_OF_CLAUSE})?)"
            r"(?=[ \u00a0]*(?:[,.;:)\n]|$))",
            re.MULTILINE,
        )
        patterns = _PUBLIC_CACHE[key] = (role_then_name, name_then_role)
    return patterns


def _sentence_before(text: str, start: int) -> str:
    """The sentence (at most 120 characters) leading up to ``start``."""
    before = text[max(0, start - 120) : start]
    return re.split(r"[.;\n]\s", before)[-1]


def public_names(text: str, register: Register, policy: Policy) -> list[str]:
    """Register public names, and names in apposition with a credit or governance role of the policy's
    ``public_name_context`` ("Lead Reviewer: ...", "Jane Smith, Independent Chair", "Minister of State for
    Children, ..."), in any case. Post-nominal letters are not part of the name. A conference's chair or a
    referral's author is a practitioner ("chaired by" after "the strategy meeting"), and "her high chair"
    is furniture."""
    names = [TITLES.sub("", n).strip() for n in register.public_names]
    if not policy.public_name_context:
        return names
    role_then_name, name_then_role = _public_patterns(policy)
    for match in role_then_name.finditer(text):
        before = _sentence_before(text, match.start())
        if not _FRONTLINE.search(before + (match.group("of") or "")) and not _FURNITURE.search(before):
            names.append(match.group("name"))
    for match in name_then_role.finditer(text):
        before = text[match.end("name") : match.start("role")]
        if not _FRONTLINE.search(before + match.group("role")):
            names.append(match.group("name"))
    return [_strip_name(n, policy) for n in names]


def _strip_name(name: str, policy: Policy) -> str:
    words = TITLES.sub("", name).split()
    while words and (words[-1].strip("(),.") in policy.post_nominals or words[-1].strip("(),.") in policy.acronyms):
        words.pop()
    return " ".join(words)


# ---------------------------------------------------------------------------------------------------------
# Declared pseudonyms
# ---------------------------------------------------------------------------------------------------------
_Q = "[\"'‘“]?"
_QE = "[\"'’”]?"
_PNAME = rf"{_Q}[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?{_QE}"
_NAMES = rf"(?P<names>{_PNAME}(?:[ \u00a0]*,[ \u00a0]*{_PNAME})*(?:[ \u00a0]*,?{_SP}(?:and|&){_SP}{_PNAME})?)"
_REVIEW = r"(?:this|the|our)\s+(?:[\w-]+\s+){0,2}?(?:review|report|document|summary|overview|SCR|CSPR|LCSPR)"
_SCOPE = rf"(?:in|throughout|within|for\s+the\s+purposes?\s+of)\s+{_REVIEW}"
_DISCLAIMER = (
    r"(?i:(?:this\s+is\s+)?not\s+(?:his|her|their|its|the\s+\w+['’]?s?)\s+real\s+names?|"
    r"(?:a\s+|both\s+)?pseudonyms?\b|(?:all\s+)?(?:the\s+)?names?\s+(?:(?:has|have)\s+been\s+)?changed)"
)
_DISCLAIMED = re.compile(r"real\s+names?|pseudonym|names?\s+(?:(?:has|have)\s+been\s+)?changed")
_DECLARATIONS = [
    # "the child is referred to as Holly", "will be referred to in this report as Holly and Jasper"
    re.compile(
        r"\b(?:is|are|will\s+be|shall\s+be|has\s+been|have\s+been|being|to\s+be)\s+"
        rf"(?:hereafter\s+|henceforth\s+|throughout\s+|also\s+)?referred\s+to\s+(?:{_SCOPE}\s+)?as\s+{_NAMES}"
        r"(?!\s+by\b)"
    ),
    # "I will refer to her as Holly"
    re.compile(rf"\b(?:will|shall)\s+refer\s+to\s+(?:\w+\s+){{1,3}}?as\s+{_NAMES}(?!\s+by\b)"),
    # "known in this review as Jasper"
    re.compile(rf"\b(?:referred\s+to|known|called|named|described)\s+{_SCOPE}\s+as\s+{_NAMES}"),
    # "will be called Jasper in this report", "known as Jasper for the purposes of this review"
    re.compile(rf"\b(?:referred\s+to\s+as|known\s+as|called|named)\s+{_NAMES}\s+{_SCOPE}"),
    # "the pseudonym Holly", "pseudonyms: Holly and Jasper"
    re.compile(rf"\bpseudonyms?\s*(?:of\s+|is\s+|are\s+|:\s*)?{_NAMES}"),
    # "Holly (not her real name)", "Holly and Jasper (names have been changed)", "Holly is a pseudonym"
    re.compile(rf"{_NAMES}[ \u00a0]*,?[ \u00a0]*(?:[(\[–—-]|\b(?:is|are)\b)[ \u00a0]*{_DISCLAIMER}"),
    # "Names have been changed: the child is called Holly"
    re.compile(rf"{_DISCLAIMER}[^.\n]{{0,80}}?\b(?:called|named|known\s+as)\s+{_NAMES}"),
]


def declared_pseudonyms(text: str) -> list[str]:
    """Names the document declares to be pseudonyms. The name after "as" is the pseudonym: in "Tobi
    Mensah will be referred to as Child T" only "Child T" is declared."""
    out = []
    disclaimed = _DISCLAIMED.search(text.lower()) is not None  # a cheap test before the costly patterns
    for pattern in _DECLARATIONS if disclaimed else _DECLARATIONS[:-2]:  # the last two need a disclaimer
        for match in pattern.finditer(text):
            out += [n.strip("\"'‘’“”") for n in re.split(r"\s*,\s*|\s+(?:and|&)\s+", match.group("names"))]
    return [n for n in out if n]


# ---------------------------------------------------------------------------------------------------------
# Research citations
# ---------------------------------------------------------------------------------------------------------
_SURNAME = r"[A-Z][A-Za-z'’-]+"  # with a lower-case letter (checked after: a regex for it backtracks)
_AUTHORS = (
    rf"(?P<authors>{_SURNAME}(?:[ \u00a0]*,[ \u00a0]*{_SURNAME})*(?:[ \u00a0]*,?{_SP}(?:and|&){_SP}{_SURNAME})?"
    rf"(?:{_SP}et\.?{_SP}al\.?)?)"
)
_YEAR = r"(?:19|20)\d\d[a-z]?(?![\w/.-]\d)"
_CITATIONS = (
    re.compile(rf"\(\s*(?:see\s+|e\.g\.\s+|cf\.?\s+)?{_AUTHORS}[ \u00a0]*,?[ \u00a0]*{_YEAR}"),  # "(Munro, 2011)"
    re.compile(rf"(?<![\w'’-]){_AUTHORS}[ \u00a0]*,?[ \u00a0]*(?:\([ \u00a0]*{_YEAR}|{_YEAR}\b)"),  # "Munro (2011)"
)
_MONTH = re.compile(MONTHS, re.IGNORECASE)
_NAME_BEFORE = re.compile(r"([A-Z][\w'’-]+)[ \u00a0]+$")


def citations(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Author lists of research citations ("Fish, Munro and Bairstow 2008", "Brandon et al. (2016)",
    "(Munro, 2011)") and the authors' surnames. A surname right after a name ("Kerry Walsh (1988)") is not
    an author list."""
    ranges: list[tuple[int, int]] = []
    authors: list[str] = []
    for match in (m for pattern in _CITATIONS for m in pattern.finditer(text)):
        if match.span("authors") in ranges:
            continue
        start, end = match.span("authors")
        before = _NAME_BEFORE.search(text, max(0, start - 30), start)
        if before and name_like(before.group(1)):
            continue  # "Kerry Walsh (1988)"
        if _PERSONAL_TITLE_BEFORE.search(text, max(0, start - 6), start):
            continue  # "Mr Kaya, 1996"
        names = [a for a in re.findall(_SURNAME, match.group("authors")) if not a.isupper()]
        if not names or any(_MONTH.fullmatch(a) for a in names):
            continue  # "NICE 2019", "March 2019": an acronym or a date
        ranges.append((start, end))
        authors += names
    return ranges, authors


# ---------------------------------------------------------------------------------------------------------
# Local-authority areas
# ---------------------------------------------------------------------------------------------------------
_AREA_WORD = r"[A-Z][\w'’-]*"
_AREA = rf"(?P<area>{_AREA_WORD}(?:{_SP}(?:(?:and|upon|on|under|in|le){_SP})?{_AREA_WORD}){{0,3}})"
_LA_KIND = r"(?:County|City|Borough|District|Metropolitan|Town|Unitary|Council|Royal|London)"
# What declares the capitalised run before it (or, for "Borough of", after it) a local-authority area.
_AREA_AFTER = re.compile(
    rf"{_SP}(?:Council\b|(?:Local{_SP})?Safeguarding{_SP}(?:Children(?:['’]s)?{_SP})?(?:Board|Partnership|Arrangements)\b"
    rf"|L?SC[BP]\b|Children['’]s{_SP}(?:Services|Social{_SP}Care|Trust)\b)"
)
_AREA_BEFORE = re.compile(rf"\b(?:(?:London|Royal){_SP})?(?:Borough|City|County){_SP}of{_SP}")
_RUN_BEFORE = re.compile(rf"(?<![\w'’-]){_AREA}$")
_RUN_AFTER = re.compile(_AREA)


def local_authority_areas(text: str) -> set[str]:
    """Areas the document names as local authorities, as lower-case phrases: "X Council", "London Borough
    of X", "X Safeguarding Children Partnership/Board", "X LSCB", "X Children's Services" declare X. A
    given name heading a longer run ("told Kerry Lambeth Council") is not part of the area."""
    runs = [
        m.group("area")
        for a in _AREA_AFTER.finditer(text)
        if (m := _RUN_BEFORE.search(text, max(0, a.start() - 80), a.start()))
    ]
    runs += [m.group("area") for a in _AREA_BEFORE.finditer(text) if (m := _RUN_AFTER.match(text, a.end()))]
    areas: set[str] = set()
    for run in runs:
        words = run.split()
        while words and re.fullmatch(_LA_KIND, words[-1]):
            words.pop()
        for i, word in enumerate(words):
            if not word[:1].isupper() or re.fullmatch(_LA_KIND, word) or word.lower() in _NOT_AREA:
                continue
            if len(words) - i > 1 and _given_name(word):
                continue
            areas.add(" ".join(norm(w) for w in words[i:]))
    return areas


_NOT_AREA = frozenset({"the", "a", "an", "this", "that", "local", "our", "their", "his", "her", "its", "and", "of"})
_STREET = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Close|Lane|Drive|Way|Court|Crescent|Gardens|Place|Terrace|Grove|Row|"
    r"Square|Walk|Hill|View|Rise|Mews|Park|Parade|Estate|House|Flats?)"
)
_ADDRESS_BEFORE = re.compile(rf"\b\d+[A-Za-z]?,?{_SP}(?:[A-Z][\w'’-]*{_SP}){{0,3}}{_STREET}\b[^\n]{{0,30}}$")
_POSTCODE_AFTER = re.compile(r"^[ \u00a0]*,?[ \u00a0]*[A-Z]{1,2}\d[A-Z\d]?[ \u00a0]*\d[A-Z]{2}\b")


def in_address(text: str, start: int, end: int) -> bool:
    """A place right after a house number and street, or right before a postcode."""
    return bool(_POSTCODE_AFTER.match(text[end : end + 12]) or _ADDRESS_BEFORE.search(text, max(0, start - 80), start))
