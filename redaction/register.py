"""The family register: what the uploading partnership knows, found wherever it occurs.

Register items are certain by definition, so their findings have score 1.0 and are never dropped by a
threshold. Every written form is searched: full name, each name part, initials, aliases, dates of birth in
every common format, and addresses with or without postcode, across line breaks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from redaction.errors import RegisterError

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None

    @property
    def parts(self) -> list[str]:
        return [p for p in re.split(r"\s+", self.name.strip()) if p]


@dataclass(frozen=True)
class Register:
    people: tuple[Person, ...] = ()
    addresses: tuple[str, ...] = ()
    public_names: tuple[str, ...] = ()


def parse_register(raw: bytes | str | dict[str, Any] | Register | None) -> Register:
    """Validates a register. Messages say what is wrong and where, never echo values."""
    if raw is None:
        return Register()
    if isinstance(raw, Register):
        return raw
    if isinstance(raw, (bytes, str)):
        try:
            raw = json.loads(raw)
        except UnicodeDecodeError as exc:
            raise RegisterError("the register is not UTF-8 text") from exc
        except json.JSONDecodeError as exc:
            raise RegisterError(
                f"the register is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from exc
    if not isinstance(raw, dict):
        raise RegisterError(
            "the register must be a JSON object with optional keys 'people', 'addresses', 'public_names'"
        )
    unknown = set(raw) - {"people", "addresses", "public_names"}
    if unknown:
        raise RegisterError(f"the register has unknown keys: {', '.join(sorted(unknown))}")
    people = tuple(_person(i, p) for i, p in enumerate(_list(raw, "people")))
    addresses = tuple(_string(raw, "addresses", i, a) for i, a in enumerate(_list(raw, "addresses")))
    public = tuple(_string(raw, "public_names", i, a) for i, a in enumerate(_list(raw, "public_names")))
    return Register(people, tuple(a for a in addresses if a.strip()), tuple(p for p in public if p.strip()))


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise RegisterError(f"register '{key}' must be a list")
    return value


def _string(raw: dict[str, Any], key: str, index: int, value: Any) -> str:
    del raw
    if not isinstance(value, str):
        raise RegisterError(f"register '{key}[{index}]' must be a string")
    return value


def _person(index: int, value: Any) -> Person:
    where = f"register 'people[{index}]'"
    if not isinstance(value, dict):
        raise RegisterError(f"{where} must be an object with a 'name'")
    unknown = set(value) - {"name", "role", "aliases", "date_of_birth"}
    if unknown:
        # a typo ("dob", "alias") must not silently drop what the partnership told us
        raise RegisterError(
            f"{where} has unknown keys: {', '.join(sorted(unknown))} (allowed: name, role, aliases, date_of_birth)"
        )
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RegisterError(f"{where} needs a non-empty 'name' string")
    aliases = value.get("aliases", []) or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RegisterError(f"{where} 'aliases' must be a list of strings")
    role = value.get("role", "") or ""
    if not isinstance(role, str):
        raise RegisterError(f"{where} 'role' must be a string")
    dob = value.get("date_of_birth")
    date = None
    if dob not in (None, ""):
        date = _parse_date(dob)
        if date is None:
            raise RegisterError(f"{where} 'date_of_birth' must be a date like 2017-11-03")
    return Person(name.strip(), role.strip(), tuple(a.strip() for a in aliases if a.strip()), date)


def _parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------------------------------------
# Written forms
# ---------------------------------------------------------------------------------------------------------
def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }".replace(" ", "")


def date_forms(date: dt.date) -> list[str]:
    """A date of birth as people write it: 3 November 2017, 3rd Nov 2017, 03/11/2017, 2017-11-03..."""
    d, m, y = date.day, date.month, date.year
    month, mon = _MONTHS[m - 1], _MONTHS[m - 1][:3]
    forms: set[str] = set()
    for day in (str(d), f"{d:02d}", _ordinal(d)):
        for mname in (month, mon, mon + ".", "Sept" if m == 9 else mon):
            forms.add(f"{day} {mname} {y}")
            forms.add(f"{day} of {mname} {y}")
            forms.add(f"{mname} {day}, {y}")
            forms.add(f"{mname} {day} {y}")
            forms.add(f"{day}-{mname}-{y}")
            forms.add(f"{day}-{mname}-{y % 100:02d}")
    for day in (str(d), f"{d:02d}"):
        for mm in (str(m), f"{m:02d}"):
            for sep in "/.-":
                forms.add(f"{day}{sep}{mm}{sep}{y}")
                forms.add(f"{day}{sep}{mm}{sep}{y % 100:02d}")
    forms.add(date.isoformat())
    forms.add(f"{y}/{m:02d}/{d:02d}")
    return sorted(forms, key=len, reverse=True)


def initial_forms(name: str) -> set[str]:
    """The ways a report takes initials from a name: a letter per word, a letter per part of a hyphenated
    word, or one of each ("Kayden-Lee Barraclough-Smith": KB, KLBS, KBS, KLB)."""
    words = [[part for part in word.lstrip("'’").split("-") if part] for word in name.split()]
    words = [parts for parts in words if parts]
    if len(words) < 2:
        return set()
    per_word = "".join(parts[0][0] for parts in words)
    per_part = "".join(part[0] for parts in words for part in parts)
    first_whole = "".join(part[0] for part in words[0]) + "".join(parts[0][0] for parts in words[1:])
    last_whole = "".join(parts[0][0] for parts in words[:-1]) + "".join(part[0] for part in words[-1])
    return {value.upper() for value in (per_word, per_part, first_whole, last_whole)}


def initials(name: str) -> list[str]:
    parts = [p for p in re.split(r"[\s\-]+", name) if p and p[0].isalpha()]
    if len(parts) < 2:
        return []
    letters = [p[0].upper() for p in parts]
    return ["".join(letters), ".".join(letters) + "."]


def address_forms(address: str) -> list[str]:
    """The whole address and the parts that identify on their own (first line(s), postcode)."""
    parts = [p.strip() for p in re.split(r"[,\n]+", address) if p.strip()]
    forms = {address.strip()}
    if parts:
        first = parts[0]
        forms.add(first)
        forms.add(", ".join(parts[: min(2, len(parts))]))
        if re.match(r"(?i)^(flat|apartment|apt|unit|room)\b", first) and len(parts) > 1:
            forms.add(f"{first}, {parts[1]}")
            # "Flat 4, Weaver House, 12 High Road": the building and the street identify on their own
            for part in parts[1:3]:
                if re.match(r"^\d+[a-zA-Z]?\s+\S", part) or re.search(
                    r"(?i)\b(house|court|lodge|mansions|tower|block|buildings?)$", part
                ):
                    forms.add(part)
    for match in _POSTCODE.finditer(address):
        forms.add(f"{match.group(1)} {match.group(2)}")
        # the address without its postcode
        forms.add(address[: match.start()].strip().rstrip(","))
    return sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)


def flexible_pattern(text: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    """Word-bounded pattern tolerant of any whitespace, line breaks and optional commas between words."""
    tokens = [t for t in re.split(r"[\s,]+", text.strip()) if t]
    body = r"[\s,]+".join(re.escape(t).replace(r"\-", r"-\s*") for t in tokens)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w@])" + body + r"(?!\w)", flags)


@dataclass(frozen=True)
class RegisterTerm:
    """One searchable written form of a register item."""

    text: str
    category: str
    entity: str
    case_sensitive: bool = False


def register_terms(register: Register) -> Iterator[RegisterTerm]:
    for person in register.people:
        entity = f"person:{person.name.lower()}"
        parts = person.parts
        yield RegisterTerm(person.name, "PERSON", entity)
        for part in parts:
            if len(part.strip(".")) >= 2:
                yield RegisterTerm(part, "PERSON", entity)
            # hyphenated first names: "Ellie-Mae" also as "Ellie Mae"
            if "-" in part:
                yield RegisterTerm(part.replace("-", " "), "PERSON", entity)
        for alias in person.aliases:
            yield RegisterTerm(alias, "NICKNAME", entity)
        for form in initials(person.name):
            yield RegisterTerm(form, "PERSON", entity, case_sensitive=True)
        if person.date_of_birth:
            for form in date_forms(person.date_of_birth):
                yield RegisterTerm(form, "DATE_OF_BIRTH", entity)
    for index, address in enumerate(register.addresses):
        for form in address_forms(address):
            category = "POSTCODE" if _POSTCODE.fullmatch(form) else "ADDRESS"
            yield RegisterTerm(form, category, f"address:{index}")


def _term_key(text: str, case_sensitive: bool) -> str:
    key = re.sub(r"[\s,]+", " ", text).replace("- ", "-").strip()
    return key if case_sensitive else key.lower()


class TermMatcher:
    """Finds many terms in one pass: one alternation (longest first) instead of one regex per term.

    Each term is matched like :func:`flexible_pattern` (any whitespace, line breaks or commas between
    words, word-bounded); a match maps back to the value of the term it spells.
    """

    def __init__(self, items: Iterable[tuple[str, Any]], *, case_sensitive: bool) -> None:
        self.case_sensitive = case_sensitive
        self.values: dict[str, Any] = {}
        bodies = []
        for text, value in items:
            tokens = [t for t in re.split(r"[\s,]+", text.strip()) if t]
            if not tokens:
                continue
            key = _term_key(text, case_sensitive)
            if key in self.values:
                continue
            self.values[key] = value
            bodies.append(r"[\s,]+".join(re.escape(t).replace(r"\-", r"-\s*") for t in tokens))
        bodies.sort(key=len, reverse=True)
        flags = 0 if case_sensitive else re.IGNORECASE
        self.pattern = re.compile(r"(?<![\w@])(?:" + "|".join(bodies) + r")(?!\w)", flags) if bodies else None

    def finditer(self, text: str) -> Iterator[tuple[int, int, Any]]:
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            value = self.values.get(_term_key(match.group(), self.case_sensitive))
            if value is not None:
                yield match.start(), match.end(), value
