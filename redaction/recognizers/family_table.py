"""Rows of a family composition table, as the text extractor writes them: cells joined by TAB, rows by
newline ("Mother\\tKelly Hollins\\t04/07/1981\\tWhite British\\t10 Beechwood Avenue").

Reviews follow the Child Safeguarding Practice Review Panel's report template, whose family table puts
relationship, name, date of birth and ethnicity in one row. A row with a relationship cell (in any
column) is about a family member: its name-shaped cell is a PERSON and its date cells are dates of
birth. Ethnicity cells ("White British", ONS 2021 census categories) and addresses are not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._text import FULL_DATE_RE, INITIAL, NAME_TOKEN, is_ordinary_word

_KIN = (
    r"(?:mother|father|mum|dad|parent|sibling|brother|sister|son|daughter|child|baby|infant|twin|subject|"
    r"partner|boyfriend|girlfriend|husband|wife|ex-?partner|grand(?:mother|father|parent|son|daughter)|"
    r"great[ -]grand(?:mother|father|parent)|nan|nana|grandma|grandad|granddad|uncle|aunt|auntie|cousin|"
    r"niece|nephew|carer|foster[ -]carer|kinship[ -]carer|special[ -]guardian|guardian|lodger|"
    r"step-?(?:father|mother|brother|sister|son|daughter|parent)|half-?(?:brother|sister|sibling))"
)
_QUALIFIER = (
    r"(?:maternal|paternal|older|younger|elder|eldest|youngest|half|step|birth|biological|former|ex|adoptive|"
    r"foster|twin|(?:mother|father|mum|dad|child|subject)['’]s|mother's|father's|new|current|"
    r"1st|2nd|3rd|first|second|third|great)"
)
_ROLE_CELL_RE = re.compile(
    rf"\s*(?:{_QUALIFIER}[ \-]+){{0,3}}{_KIN}s?(?:\s*\d{{1,2}})?(?:\s*\((?:child\s+)?[^()\t]{{0,30}}\))?\s*",
    re.IGNORECASE,
)
_SP = r"[ \u00a0]+"
NAME_CELL_RE = re.compile(
    rf"\s*(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?{_SP})?(?P<name>(?:{NAME_TOKEN}|{INITIAL})(?:{_SP}(?:{NAME_TOKEN}|{INITIAL})){{0,3}})"
    rf"(?:{_SP}?\((?P<alias>{NAME_TOKEN}|[A-Z]{{2,3}})\))?\s*"
)
_CELL_RE = re.compile(r"[^\t\n]+")
# Words of ONS ethnic-group categories, sexes and table fillers that are capitalised but not names.
_NOT_NAME_WORDS = frozenset(
    """white black british asian mixed irish other caribbean african pakistani indian bangladeshi chinese
    gypsy roma traveller arab any background european polish romanian english scottish welsh
    multiple ethnic groups male female unknown deceased known not none yes no separate address same
    household resident n/a na tbc redacted withheld nfa heritage dual nationality lithuanian turkish
    kurdish somali nigerian ghanaian""".split()
)


class FamilyTableRecognizer(TextRecognizer):
    """Finds the name and date-of-birth cells of family composition table rows."""

    ENTITIES = ("PERSON", "DATE_OF_BIRTH")
    NAME_SCORE = 0.85
    SINGLE_NAME_SCORE = 0.6
    ALIAS_SCORE = 0.7
    DOB_SCORE = 0.85

    def find(self, text: str) -> Iterator[Hit]:
        position = 0
        while True:
            tab = text.find("\t", position)
            if tab < 0:
                return
            line_start = text.rfind("\n", 0, tab) + 1
            line_end = text.find("\n", tab)
            line_end = len(text) if line_end < 0 else line_end
            yield from self._row(text, line_start, line_end)
            position = line_end + 1

    def _row(self, text: str, start: int, end: int) -> Iterator[Hit]:
        cells = list(_CELL_RE.finditer(text, start, end))
        roles = [cell for cell in cells if _ROLE_CELL_RE.fullmatch(cell.group())]
        if not roles:
            return
        named = False
        for cell in cells:
            if cell in roles:
                continue
            if FULL_DATE_RE.fullmatch(cell.group()):
                value = cell.group()
                left = len(value) - len(value.lstrip())
                right = len(value.rstrip())
                yield Hit(cell.start() + left, cell.start() + right, self.DOB_SCORE, "DATE_OF_BIRTH", "table_dob")
                continue
            if named:
                continue
            name = NAME_CELL_RE.fullmatch(cell.group())
            if not name or not is_name(name.group("name")):
                continue
            named = True
            words = name.group("name").split()
            score = self.NAME_SCORE if len(words) >= 2 else self.SINGLE_NAME_SCORE
            base = cell.start()
            yield Hit(base + name.start("name"), base + name.end("name"), score, "PERSON", "table_name")
            if name.group("alias"):
                yield Hit(
                    base + name.start("alias"),
                    base + name.end("alias"),
                    self.ALIAS_SCORE,
                    "PERSON",
                    "table_alias",
                )


def is_name(value: str) -> bool:
    words = value.split()
    if not any(len(word.rstrip(".")) > 1 for word in words):
        return False
    return not any(word.lower() in _NOT_NAME_WORDS or is_ordinary_word(word) for word in words)
