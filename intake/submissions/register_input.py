"""The family register as people write it: the upload page's form and the spreadsheet template, read into
the register JSON the API accepts (``redaction.register.parse_register``). No Flask import.

One set of rows, whatever the source: a form field or a spreadsheet cell becomes a :class:`Row` that knows
where it came from ("Person 3" on the form, "People sheet, row 4" in a workbook, "CSV row 7"), so every
problem is reported as "where, which column: what is wrong". Messages go back to the person who typed the
values, on the page; nothing here logs, and only the value of the cell at fault is ever quoted (a date the
user typed, so they can see what they wrote), never another cell's.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from redaction.errors import RegisterError
from redaction.register import DETAIL_TYPES, ROLES, detail_problem, parse_register

#: The register's kinds, in the order the form and the template show them.
KINDS = ("people", "addresses", "details", "public_names")
#: A row's fields per kind (an address and a public name are one field, "value").
FIELDS: dict[str, tuple[str, ...]] = {
    "people": ("name", "role", "aliases", "date_of_birth"),
    "addresses": ("value",),
    "details": ("type", "value"),
    "public_names": ("value",),
}
#: How a field is named in a message ("Person 3, date of birth: ...").
FIELD_NAMES = {
    "name": "full name",
    "role": "relationship",
    "aliases": "other names",
    "date_of_birth": "date of birth",
    "type": "type",
    "value": "value",
}
ROW_NAMES = {"people": "Person", "addresses": "Address", "details": "Detail", "public_names": "Public name"}
FIELD_NAMES_BY_KIND = {"addresses": {"value": "address"}, "public_names": {"value": "name"}}
#: Empty rows the form starts with (the page works without JavaScript with these).
BLANK_ROWS = {"people": 4, "addresses": 2, "details": 4, "public_names": 3}
#: At most this many filled rows of each kind: a register is a family and its places, not a database.
MAX_ROWS = 200
#: Form rows (filled or not) read from one request, per kind: more is not a person typing.
MAX_FORM_ROWS = 500
MAX_FIELD_CHARS = {"name": 200, "role": 60, "aliases": 500, "date_of_birth": 40, "type": 60, "value": 500}

# Common ways of writing a relationship -> the role code (a spreadsheet cell typed rather than picked).
_ROLE_WORDS = {
    "mum": "mother",
    "mom": "mother",
    "dad": "father",
    "stepfather": "step_parent",
    "stepmother": "step_parent",
    "step-father": "step_parent",
    "step-mother": "step_parent",
    "stepdad": "step_parent",
    "stepmum": "step_parent",
    "step parent": "step_parent",
    "brother": "sibling",
    "sister": "sibling",
    "half-brother": "sibling",
    "half-sister": "sibling",
    "grandmother": "grandparent",
    "grandfather": "grandparent",
    "nan": "grandparent",
    "aunt": "relative",
    "uncle": "relative",
    "cousin": "relative",
    "foster carer": "carer",
    "neighbour": "friend",
    "partner": "partner",
}
_DATE_SHAPES = (
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
)


@dataclass(frozen=True)
class FieldError:
    """One problem, where it is: ``field`` is the form field's id (``people-2-date_of_birth``), or
    ``register`` for a problem with an uploaded file."""

    field: str
    message: str


class RegisterInputError(Exception):
    """The register typed or uploaded has problems; ``errors`` says where each one is."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass
class Row:
    """One row as typed: its kind, its raw values, and where it came from."""

    kind: str
    values: dict[str, str]
    where: str  # "Person 3", "People sheet, row 4", "CSV row 7"
    index: int = -1  # the form row number (0-based), for field ids; -1 for a row read from a file

    def field_id(self, name: str) -> str:
        """The form field a problem points at; the file input for a row read from a file."""
        return f"{self.kind}-{self.index}-{name}" if self.index >= 0 else "register"

    @property
    def blank(self) -> bool:
        return not any(v.strip() for v in self.values.values())


@dataclass
class RegisterRows:
    """Every row of a register, filled or blank, as the form shows them."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    def padded(self, extra: Mapping[str, int] | None = None) -> RegisterRows:
        """These rows followed by blank ones: at least :data:`BLANK_ROWS` of each kind, and ``extra`` more.

        Rows keep their places (blank ones too), so a field's id on the page is the id its error names."""
        out = RegisterRows()
        for kind in KINDS:
            kept = self.rows[kind]
            wanted = max(BLANK_ROWS[kind], len(kept)) + (extra or {}).get(kind, 0)
            wanted = min(wanted, MAX_FORM_ROWS)
            rows = kept + [Row(kind, dict.fromkeys(FIELDS[kind], ""), "") for _ in range(wanted - len(kept))]
            out.rows[kind] = [Row(kind, r.values, f"{ROW_NAMES[kind]} {i + 1}", i) for i, r in enumerate(rows)]
        return out

    @property
    def filled(self) -> int:
        return sum(1 for rows in self.rows.values() for r in rows if not r.blank)


# ---------------------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------------------
_FORM_FIELD = re.compile(r"^(people|addresses|details|public_names)-(\d{1,4})-(\w+)$")


def rows_from_form(form: Mapping[str, str]) -> RegisterRows:
    """The register rows of a submitted form (``people-0-name``, ``addresses-1-value``...), in row order.

    Field numbers need not be consecutive (the script removes rows); unknown fields are ignored."""
    found: dict[str, dict[int, dict[str, str]]] = {kind: {} for kind in KINDS}
    for key in form:
        match = _FORM_FIELD.match(key)
        if not match or match.group(3) not in FIELDS[match.group(1)]:
            continue
        kind, number, name = match.group(1), int(match.group(2)), match.group(3)
        if number not in found[kind] and len(found[kind]) >= MAX_FORM_ROWS:
            raise RegisterInputError([FieldError(f"{kind}-0-{FIELDS[kind][0]}", f"More than {MAX_FORM_ROWS} rows.")])
        found[kind].setdefault(number, dict.fromkeys(FIELDS[kind], ""))[name] = str(form.get(key) or "")
    out = RegisterRows()
    for kind in KINDS:
        ordered = [found[kind][n] for n in sorted(found[kind])]
        out.rows[kind] = [Row(kind, values, f"{ROW_NAMES[kind]} {i + 1}", i) for i, values in enumerate(ordered)]
    return out


def rows_from_register(raw: bytes | None) -> RegisterRows:
    """A stored register (JSON bytes, as sealed) as form rows, to edit it."""
    register = parse_register(raw)
    out = RegisterRows()
    out.rows["people"] = [
        Row(
            "people",
            {
                "name": p.name,
                "role": role_code(p.role) or ("other" if p.role else ""),
                "aliases": ", ".join(p.aliases),
                "date_of_birth": p.date_of_birth.strftime("%d/%m/%Y") if p.date_of_birth else "",
            },
            "",
        )
        for p in register.people
    ]
    out.rows["addresses"] = [Row("addresses", {"value": a}, "") for a in register.addresses]
    out.rows["details"] = [Row("details", {"type": d.type, "value": d.value}, "") for d in register.details]
    out.rows["public_names"] = [Row("public_names", {"value": n}, "") for n in register.public_names]
    return out.padded()


# ---------------------------------------------------------------------------------------------------------
# Rows -> register
# ---------------------------------------------------------------------------------------------------------
def role_code(text: str) -> str | None:
    """The role code of a relationship written as a code, as its label or in a common word; None if unknown."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    if not key:
        return ""
    for code, label in ROLES.items():
        if key in (code.replace("_", " "), label.lower()):
            return code
    return _ROLE_WORDS.get(key)


def detail_code(text: str) -> str | None:
    """The detail type code of a type written as a code or its label; None if unknown."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    if not key:
        return ""
    for code, (label, _category) in DETAIL_TYPES.items():
        if key in (code.replace("_", " "), label.lower()):
            return code
    return None


def read_date(text: str) -> tuple[str | None, str | None]:
    """(ISO date, None) for a date of birth as people write it, or (None, why not). Accepts 03/11/2017,
    3/11/2017, 03.11.2017, 03-11-2017, 2017-11-03, 3 November 2017 and 3 Nov 2017."""
    value = " ".join(text.split())
    for shape, order in _DATE_SHAPES:
        match = shape.match(value)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                date = dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None, f"{value} is not a real date"
            return _checked(date, value)
    for fmt in ("%d %B %Y", "%d %b %Y"):
        try:
            return _checked(dt.datetime.strptime(value, fmt).date(), value)
        except ValueError:
            continue
    return None, "enter the date like 03/11/2017"


def _checked(date: dt.date, value: str) -> tuple[str | None, str | None]:
    if date.year < 1900:
        return None, f"{value} is before 1900"
    return date.isoformat(), None


def to_register(source: RegisterRows) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """The register JSON object for these rows (``None`` when every row is blank) and the problems found.

    Blank rows are ignored. A problem names the row and the column; the register is returned only when
    there are none."""
    errors: list[FieldError] = []
    out: dict[str, list[Any]] = {kind: [] for kind in KINDS}

    def problem(row: Row, name: str, text: str) -> None:
        column = FIELD_NAMES_BY_KIND.get(row.kind, {}).get(name, FIELD_NAMES[name])
        errors.append(FieldError(row.field_id(name), f"{row.where}, {column}: {text}"))

    for kind in KINDS:
        filled = [r for r in source.rows[kind] if not r.blank]
        if len(filled) > MAX_ROWS:
            errors.append(
                FieldError(filled[MAX_ROWS].field_id(FIELDS[kind][0]), f"{ROW_NAMES[kind]}: more than {MAX_ROWS} rows")
            )
            continue
        for row in filled:
            values = {k: row.values.get(k, "").strip() for k in FIELDS[kind]}
            too_long = [k for k, v in values.items() if len(v) > MAX_FIELD_CHARS[k]]
            for name in too_long:
                problem(row, name, f"longer than {MAX_FIELD_CHARS[name]} characters")
            if too_long:
                continue
            entry = _row_entry(row, values, problem)
            if entry is not None:
                out[kind].append(entry)
    if errors:
        return None, errors
    register: dict[str, Any] = {kind: items for kind, items in out.items() if items}
    if not register:
        return None, []
    try:
        parse_register(register)  # the same rules as the API: a form can never store what the API refuses
    except RegisterError as exc:
        return None, [FieldError("register", str(exc))]
    return register, []


def _row_entry(row: Row, values: dict[str, str], problem: Any) -> Any:
    """One row's JSON entry, or None after reporting its problems with ``problem(row, field, text)``."""
    if row.kind == "people":
        ok = True
        name = " ".join(values["name"].split())
        if not name:
            problem(row, "name", "enter the person's full name, or clear the row")
            ok = False
        role = role_code(values["role"])
        if role is None:
            problem(row, "role", f"choose one of: {', '.join(ROLES.values())}")
            ok = False
        date, why = (None, None)
        if values["date_of_birth"]:
            date, why = read_date(values["date_of_birth"])
            if why:
                problem(row, "date_of_birth", why)
                ok = False
        if not ok:
            return None
        aliases = [" ".join(a.split()) for a in re.split(r"[,;\n]", values["aliases"]) if a.strip()]
        person: dict[str, Any] = {"name": name}
        if role:
            person["role"] = role
        if aliases:
            person["aliases"] = aliases
        if date:
            person["date_of_birth"] = date
        return person
    if row.kind == "details":
        kind = detail_code(values["type"])
        text = " ".join(values["value"].split())
        if kind is None or not kind:
            problem(row, "type", "choose the type of detail" if kind == "" else "choose a type from the list")
            return None
        if not text:
            problem(row, "value", "enter the detail, or clear the row")
            return None
        why = detail_problem(kind, text)
        if why:
            problem(row, "value", why)
            return None
        return {"type": kind, "value": text}
    text = values["value"].strip()
    if row.kind == "addresses":
        # line breaks become commas: the register's address forms split on either
        return ", ".join(" ".join(line.split()) for line in re.split(r"[\r\n]+", text) if line.strip())
    return " ".join(text.split())


def register_bytes(register: dict[str, Any] | None) -> bytes | None:
    """The register as the bytes sealed and handed to the worker (``None`` for no register)."""
    if not register:
        return None
    return json.dumps(register, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def counts(raw: bytes | None) -> dict[str, int]:
    """How many entries of each kind a register has (for audit details: counts, never values)."""
    register = parse_register(raw)
    return {
        "people": len(register.people),
        "addresses": len(register.addresses),
        "details": len(register.details),
        "public_names": len(register.public_names),
    }


def changed_kinds(before: bytes | None, after: bytes | None) -> list[str]:
    """The kinds of entry that differ between two registers (as the engine reads them)."""
    old, new = parse_register(before), parse_register(after)
    return [kind for kind in KINDS if getattr(old, kind) != getattr(new, kind)]


def rows_of(kind: str, entries: Iterable[tuple[str, dict[str, str]]]) -> list[Row]:
    """Rows of ``kind`` from (where, values) pairs read from a file."""
    return [Row(kind, {k: values.get(k, "") for k in FIELDS[kind]}, where) for where, values in entries]
