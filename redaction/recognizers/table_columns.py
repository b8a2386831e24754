"""Table cells by their column header: every cell under "D.O.B." is a date of birth, whatever the row says.

Family and household tables come in every house style: the Panel's template (relationship, name, date
of birth, ethnicity), a council's referral form, a health chronology with an "NHS No." column. The text
extractor writes a table row as its cells joined by TAB (see redaction.extract), so the first tabbed row
of a block that names known columns is its header, and each later row's cells take their meaning from
it. A header is recognised by its wording, not by its position: "Born", "DOB", "D.O.B.", "Date of birth",
"Birth date" for dates of birth; "Name", "Full name", "Child's name" for people; "Address", "Home
address"; "NHS No."; "School", "Nursery", "Setting"; "GP", "GP practice"; "Tel", "Phone", "Mobile";
"NI number". A table with a date-of-birth column and no other date column (a chronology has "Date")
makes every date in its rows a date of birth, so a row whose empty cells shifted the others still loses
its date. FamilyTableRecognizer reads rows by their relationship cell; this reads them by their header,
and the engine keeps the better of overlapping findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from redaction.recognizers._base import Hit, TextRecognizer
from redaction.recognizers._text import DATE_RE
from redaction.recognizers.family_table import NAME_CELL_RE, is_name

_WORDS = r"[^\t\n]{0,12}"  # a little leeway: "Child's DOB", "Name (known as)", "Date of birth / age"
_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "DATE_OF_BIRTH",
        re.compile(
            rf"{_WORDS}\b(?:born|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday)\b\.?{_WORDS}",
            re.IGNORECASE,
        ),
    ),
    ("NHS_NUMBER", re.compile(rf"{_WORDS}\bnhs\s*(?:no\.?|number|#)?{_WORDS}", re.IGNORECASE)),
    ("NI_NUMBER", re.compile(rf"{_WORDS}\b(?:ni\s*(?:no\.?|number)|national\s+insurance){_WORDS}", re.IGNORECASE)),
    ("PHONE", re.compile(rf"{_WORDS}\b(?:tel\.?|telephone|phone|mobile|contact\s+(?:no\.?|number)){_WORDS}", re.I)),
    ("ADDRESS", re.compile(rf"{_WORDS}\b(?:address|lives\s+at|residence){_WORDS}", re.IGNORECASE)),
    ("SCHOOL", re.compile(rf"{_WORDS}\b(?:school|nursery|setting|college|education\s+provider){_WORDS}", re.I)),
    (
        "HEALTH_FACILITY",
        re.compile(rf"{_WORDS}\b(?:gp|gp\s+(?:practice|surgery)|registered\s+gp|surgery){_WORDS}", re.I),
    ),
    ("PERSON", re.compile(rf"{_WORDS}\b(?:name|names|full\s+name|known\s+as|alias){_WORDS}", re.IGNORECASE)),
)
# Other dates in a table: a chronology's "Date", a "Date of death", "Date of referral".
_OTHER_DATE_HEADER_RE = re.compile(r"\bdate\b(?!\s+of\s+birth)|\bdied\b|\bdeath\b", re.IGNORECASE)
# Column names that say nothing identifying but mark a row as a header: a header row is label words only.
_LABEL_RE = re.compile(
    r"[^\t\n]{0,12}\b(?:relationship|relation|role|ethnicity|ethnic\s+origin|gender|sex|age|agency|event|"
    r"date|details|notes|comments|religion|language|nationality|legal\s+status|household|status|"
    r"first\s+language|disability|occupation)\b[^\t\n]{0,12}",
    re.IGNORECASE,
)
_CELL_RE = re.compile(r"[^\t\n]+")
_DIGITS_RE = re.compile(r"\+?\d[\d \u00a0()\-]{5,}\d")


@dataclass(frozen=True)
class _Header:
    columns: dict[int, str]  # cell index -> category
    only_dob_dates: bool  # a DOB column and no other date column


class TableColumnRecognizer(TextRecognizer):
    """Finds cells of tabbed table rows under a header that names what the column holds."""

    ENTITIES = (
        "DATE_OF_BIRTH",
        "PERSON",
        "ADDRESS",
        "NHS_NUMBER",
        "NI_NUMBER",
        "PHONE",
        "SCHOOL",
        "HEALTH_FACILITY",
    )
    DOB_SCORE = 0.85
    CELL_SCORE = 0.75
    NAME_SCORE = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        header: _Header | None = None
        position = 0
        while position < len(text):
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            cells = list(_CELL_RE.finditer(text, position, end))
            if len(cells) < 2 or "\t" not in text[position:end]:
                header = None  # a line that is not a table row ends the table
            else:
                found = _header(cells)
                if found is not None:
                    header = found  # a (repeated) header row starts or continues a table
                elif header is not None:
                    yield from self._row(cells, header)
            position = end + 1

    def _row(self, cells: list[re.Match[str]], header: _Header) -> Iterator[Hit]:
        dob_cells: set[int] = set()
        for index, cell in enumerate(cells):
            category = header.columns.get(index)
            if category == "DATE_OF_BIRTH" or header.only_dob_dates:
                for date in DATE_RE.finditer(cell.string, cell.start(), cell.end()):
                    dob_cells.add(index)
                    yield Hit(date.start(), date.end(), self.DOB_SCORE, "DATE_OF_BIRTH", "dob_column")
        for index, cell in enumerate(cells):
            category = header.columns.get(index)
            if category is None or category == "DATE_OF_BIRTH" or index in dob_cells:
                continue
            yield from self._cell(cell, category)

    def _cell(self, cell: re.Match[str], category: str) -> Iterator[Hit]:
        value = cell.group()
        start = cell.start() + len(value) - len(value.lstrip())
        end = cell.start() + len(value.rstrip())
        if start >= end:
            return
        if category == "PERSON":
            name = NAME_CELL_RE.fullmatch(value)
            if name and is_name(name.group("name")):
                yield Hit(cell.start() + name.start("name"), cell.start() + name.end("name"), self.NAME_SCORE,
                          "PERSON", "name_column")  # fmt: skip
                if name.group("alias"):
                    yield Hit(cell.start() + name.start("alias"), cell.start() + name.end("alias"), self.NAME_SCORE,
                              "PERSON", "name_column_alias")  # fmt: skip
        elif category in ("NHS_NUMBER", "PHONE"):
            for digits in _DIGITS_RE.finditer(cell.string, start, end):
                yield Hit(digits.start(), digits.end(), self.CELL_SCORE, category, "number_column")
        elif any(ch.isalnum() for ch in value) and value.strip().lower() not in _EMPTY:
            yield Hit(start, end, self.CELL_SCORE, category, "text_column")


_EMPTY = frozenset({"n/a", "na", "none", "unknown", "not known", "nfa", "-", "tbc", "redacted", "withheld"})


def _header(cells: list[re.Match[str]]) -> _Header | None:
    """The column map of a header row, or None if the row is not one (a data row names no columns)."""
    columns: dict[int, str] = {}
    labels = 0
    other_dates = False
    for index, cell in enumerate(cells):
        value = cell.group().strip()
        if any(ch.isdigit() for ch in value) or len(value) > 40:
            return None  # data, not a header: dates, numbers, sentences
        for category, pattern in _HEADERS:
            if pattern.fullmatch(value):
                columns[index] = category
                break
        else:
            if _LABEL_RE.fullmatch(value):
                labels += 1
            if _OTHER_DATE_HEADER_RE.search(value):
                other_dates = True
    # A header names at least two columns, and one of them holds something identifying.
    if not columns or len(columns) + labels < 2:
        return None
    has_dob = "DATE_OF_BIRTH" in columns.values()
    return _Header(columns, only_dob_dates=has_dob and not other_dates)
