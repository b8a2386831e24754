"""The family register: what the uploading partnership knows, found wherever it occurs.

Register items are certain by definition, so their findings have score 1.0 and are never dropped by a
threshold. Every written form is searched: full name, each name part, initials, aliases, dates of birth in
every common format, addresses with or without postcode, and other identifying details (schools, GP
practices, workplaces, phone numbers, vehicle registrations, e-mail addresses...), across line breaks.
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


#: The relationships a person in the register may have, as the register form and template offer them
#: (code -> label). The engine does not read a person's role: every registered person is redacted the
#: same way. The JSON register accepts any role text, so registers written before this list stay valid.
ROLES: dict[str, str] = {
    "child": "The child",
    "sibling": "Brother or sister",
    "mother": "Mother",
    "father": "Father",
    "step_parent": "Step-parent",
    "partner": "Parent's partner",
    "grandparent": "Grandparent",
    "relative": "Other relative",
    "carer": "Carer or foster carer",
    "friend": "Friend or neighbour",
    "practitioner": "Practitioner",
    "other": "Other",
}

#: The kinds of "other identifying detail" (code -> (label, category)). The category is the policy
#: category the detail is redacted and verified as: one the built-in policies redact, because
#: ``resolve`` keeps only findings whose category the policy redacts. A workplace or an "other" detail
#: is a place or a thing that points at the family: it is removed as an ADDRESS is.
DETAIL_TYPES: dict[str, tuple[str, str]] = {
    "school": ("School", "SCHOOL"),
    "nursery": ("Nursery, pre-school or childminder", "SCHOOL"),
    "gp_practice": ("GP practice", "HEALTH_FACILITY"),
    "hospital": ("Hospital, clinic or ward", "HEALTH_FACILITY"),
    "workplace": ("Workplace", "ADDRESS"),
    "vehicle_registration": ("Vehicle registration", "VEHICLE_REG"),
    "phone": ("Phone number", "PHONE"),
    "email": ("E-mail address", "EMAIL"),
    "social_media": ("Social media name", "SOCIAL_HANDLE"),
    "nhs_number": ("NHS number", "NHS_NUMBER"),
    "reference": ("Reference number (case, crime, court...)", "CASE_REFERENCE"),
    "other": ("Other", "ADDRESS"),
}
#: Details written with any spacing or punctuation between their characters ("07700 900123",
#: "+44 7700 900 123", "AB12CDE" / "AB12 CDE", "485 777 3456"): matched character by character.
_LOOSE_TYPES = frozenset({"phone", "vehicle_registration", "nhs_number", "reference"})


@dataclass(frozen=True)
class Detail:
    """Another identifying detail: a school, a GP practice, a phone number, a vehicle registration..."""

    type: str
    value: str


@dataclass(frozen=True)
class Register:
    people: tuple[Person, ...] = ()
    addresses: tuple[str, ...] = ()
    public_names: tuple[str, ...] = ()
    details: tuple[Detail, ...] = ()


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
            "the register must be a JSON object with optional keys 'people', 'addresses', 'public_names', 'details'"
        )
    unknown = set(raw) - {"people", "addresses", "public_names", "details"}
    if unknown:
        raise RegisterError(f"the register has unknown keys: {', '.join(sorted(unknown))}")
    people = tuple(_person(i, p) for i, p in enumerate(_list(raw, "people")))
    addresses = tuple(_string(raw, "addresses", i, a) for i, a in enumerate(_list(raw, "addresses")))
    public = tuple(_string(raw, "public_names", i, a) for i, a in enumerate(_list(raw, "public_names")))
    details = tuple(_detail(i, d) for i, d in enumerate(_list(raw, "details")))
    return Register(
        people,
        tuple(a for a in addresses if a.strip()),
        tuple(p for p in public if p.strip()),
        tuple(d for d in details if d is not None),
    )


def register_to_dict(register: Register) -> dict[str, Any]:
    """The register as the JSON object :func:`parse_register` reads back to an equal ``Register``: every
    kind, so nothing is lost when a parsed register crosses a process boundary (the sandbox)."""
    return {
        "people": [
            {
                "name": p.name,
                "role": p.role,
                "aliases": list(p.aliases),
                "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None,
            }
            for p in register.people
        ],
        "addresses": list(register.addresses),
        "public_names": list(register.public_names),
        "details": [{"type": d.type, "value": d.value} for d in register.details],
    }


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


def _detail(index: int, value: Any) -> Detail | None:
    """One detail, checked for its type; ``None`` for a blank value (a blank row of the form)."""
    where = f"register 'details[{index}]'"
    if not isinstance(value, dict):
        raise RegisterError(f"{where} must be an object with a 'type' and a 'value'")
    unknown = set(value) - {"type", "value"}
    if unknown:
        raise RegisterError(f"{where} has unknown keys: {', '.join(sorted(unknown))} (allowed: type, value)")
    kind, text = value.get("type"), value.get("value")
    if not isinstance(kind, str) or kind not in DETAIL_TYPES:
        raise RegisterError(f"{where} 'type' must be one of: {', '.join(DETAIL_TYPES)}")
    if not isinstance(text, str):
        raise RegisterError(f"{where} 'value' must be a string")
    text = " ".join(text.split())
    if not text:
        return None
    problem = detail_problem(kind, text)
    if problem:
        raise RegisterError(f"{where} 'value' {problem}")
    return Detail(kind, text)


def detail_problem(kind: str, value: str) -> str | None:
    """Why ``value`` cannot be a detail of type ``kind`` (a phrase that never quotes the value), or None.

    Light checks only: enough to catch a value typed in the wrong column (a name where the phone number
    goes), never so strict that a real detail written oddly is refused."""
    alnum = _alnum(value)
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        if re.search(r"[^\d\s+().\-/]", value) or not 7 <= len(digits) <= 15:
            return "must be a phone number: 7 to 15 digits, with spaces, +, brackets or dashes if you like"
    elif kind == "email":
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            return "must be an e-mail address like name@example.org"
    elif kind == "vehicle_registration":
        if not 2 <= len(alnum) <= 8 or re.search(r"[^A-Za-z\d\s\-]", value):
            return "must be a vehicle registration: 2 to 8 letters and digits, like AB12 CDE"
    elif kind == "nhs_number":
        if not re.fullmatch(r"\d{10}", alnum) or re.search(r"[^\d\s\-]", value):
            return "must be an NHS number: 10 digits, like 485 777 3456"
    elif len(alnum) < 2:
        return "must have at least two letters or digits"
    return None


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


_ALNUM = re.compile(r"[^\W_]")


def _alnum(text: str) -> str:
    return "".join(_ALNUM.findall(text))


_PHONE_TRUNK = re.compile(r"^(?:\+|00)?44(?:\(0\)|0)?")
_SAINT = re.compile(r"(?i)\b(?:st\.?|saint)(?=\s)")
_GENERIC_TAIL = frozenset(
    {
        "school", "academy", "nursery", "pre-school", "preschool", "college", "surgery", "practice",
        "hospital", "clinic", "centre", "center", "ward", "unit", "infants", "infant", "junior", "primary",
        "secondary", "medical", "health",
    }
)  # fmt: skip


def detail_forms(detail: Detail) -> list[tuple[str, bool]]:
    """The written forms of a detail, each with whether it is matched loosely (character by character,
    any spacing or punctuation between): phone numbers national and international ("07700 900123",
    "+44 7700 900123", "+44 (0)7700 900123"), registrations with or without the space, NHS numbers in any
    grouping. Names of places (a school, a practice, a workplace) in each apostrophe, "St"/"Saint" and
    "&"/"and" spelling, and without their generic last words ("Oakfield Primary School" is also
    "Oakfield Primary") while two words remain."""
    value = detail.value
    if detail.type in _LOOSE_TYPES:
        forms = {_alnum(value).upper()}
        if detail.type == "phone":
            digits = re.sub(r"\D", "", value)
            national = _PHONE_TRUNK.sub("", value.replace(" ", "")) if re.match(r"^(?:\+|00)44", value.strip()) else ""
            subscriber = re.sub(r"\D", "", national) if national else (digits[1:] if digits.startswith("0") else "")
            if subscriber:
                forms |= {"0" + subscriber, "44" + subscriber, "440" + subscriber, "0044" + subscriber, subscriber}
            forms.add(digits)
        return sorted(((f, True) for f in forms if len(f) >= 2), key=lambda item: (-len(item[0]), item[0]))
    if detail.type in ("email", "social_media"):
        return [(value, False)] + ([(value[1:], False)] if value.startswith("@") and len(value) > 2 else [])
    names = {value}
    words = value.split()
    while len(words) > 2 and words[-1].lower().strip(".,") in _GENERIC_TAIL:
        words = words[:-1]
        names.add(" ".join(words))
    spelled: set[str] = set()
    for name in names:
        for apostrophe in ("'", "’"):
            variant = name.replace("'", apostrophe).replace("’", apostrophe)
            spelled |= {variant, variant.replace("&", "and"), variant.replace(" and ", " & ")}
    for name in list(spelled):
        if _SAINT.search(name):
            spelled |= {_SAINT.sub(saint, name) for saint in ("St", "St.", "Saint")}
    return sorted(((f, False) for f in spelled if len(_alnum(f)) >= 2), key=lambda item: (-len(item[0]), item[0]))


@dataclass(frozen=True)
class RegisterTerm:
    """One searchable written form of a register item.

    A ``loose`` term is a string of letters and digits found with any spacing or punctuation between
    them (phone numbers, registrations); its ``text`` is those characters separated by single spaces,
    so that verification, which allows any whitespace between tokens, checks every spacing too."""

    text: str
    category: str
    entity: str
    case_sensitive: bool = False
    loose: bool = False


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
    for index, detail in enumerate(register.details):
        category = DETAIL_TYPES[detail.type][1]
        for form, loose in detail_forms(detail):
            text = " ".join(form) if loose else form
            yield RegisterTerm(text, category, f"detail:{index}", loose=loose)


def _term_key(text: str, case_sensitive: bool) -> str:
    key = re.sub(r"[\s,]+", " ", text).replace("- ", "-").strip()
    return key if case_sensitive else key.lower()


# Between the characters of a loose term: spaces, line breaks, dots, dashes, slashes, brackets.
_LOOSE_GAP = r"[\s.\-/()]*"
_LOOSE_KEY = "\x00loose:"


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
            if isinstance(value, RegisterTerm) and value.loose:
                # any spacing or punctuation between the characters: "07700 900123", "+44 (0)7700-900-123"
                chars = _alnum(text)
                key = _LOOSE_KEY + chars.lower()
                if len(chars) < 2 or key in self.values:
                    continue
                self.values[key] = value
                # a leading "+" (an international phone number) goes with the number
                bodies.append(r"\+?" * chars[0].isdigit() + _LOOSE_GAP.join(re.escape(ch) for ch in chars))
                continue
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
            if value is None:
                value = self.values.get(_LOOSE_KEY + _alnum(match.group()).lower())
            if value is not None:
                yield match.start(), match.end(), value
