"""The family register as a spreadsheet: the downloadable template (``.xlsx`` and ``.csv``) and the reading
of a filled one back into register rows. No Flask import.

The workbook has one sheet per kind (People, Addresses, Other details, Public names), a line of guidance,
a header row, and drop-down lists for relationships and detail types (on a hidden Lists sheet, so the
lists are not limited to Excel's 255-character inline list). The CSV is one table with a ``kind`` column,
because a CSV has one sheet: a business manager fills it in Excel row by row, and lines starting with "#"
are guidance.

A filled file is an upload from outside, read in the web process, so it is checked before openpyxl opens
it: size, a ZIP package with an Excel workbook in it, no macros (``vbaProject.bin``, a macro-enabled
content type), a bounded unpacked size (``zipfile`` never inflates an entry past its declared size, so the
declared sizes bound the work) and entry count. openpyxl reads it read-only, values only (no formulas run),
through defusedxml (no entity expansion).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from intake.submissions.register_input import (
    FIELDS,
    KINDS,
    MAX_ROWS,
    FieldError,
    RegisterInputError,
    RegisterRows,
    Row,
    register_bytes,
    to_register,
)
from redaction.errors import RegisterError
from redaction.register import DETAIL_TYPES, ROLES, parse_register

#: An uploaded register file larger than this is refused (a full template is ~20 KB).
MAX_FILE_BYTES = 1024 * 1024
#: The workbook's parts may unpack to this much at most, in at most this many entries.
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
MAX_ENTRIES = 200
#: Rows in the template that carry drop-down lists and formats.
TEMPLATE_ROWS = MAX_ROWS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# kind -> (sheet title, [(header, field)], guidance line)
SHEETS: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "people": (
        "People",
        [
            ("Full name", "name"),
            ("Relationship", "role"),
            ("Other names (nicknames, earlier surnames; separate with commas)", "aliases"),
            ("Date of birth (dd/mm/yyyy)", "date_of_birth"),
        ],
        "One person a row: the child, family members, carers, and practitioners who must not be named.",
    ),
    "addresses": (
        "Addresses",
        [("Address (all of it in one cell; Alt+Enter for a new line)", "value")],
        "One address a row, with its postcode if you know it.",
    ),
    "details": (
        "Other details",
        [("Type", "type"), ("Detail, as the report writes it", "value")],
        "Schools, nurseries, GP practices, workplaces, phone numbers, vehicle registrations, e-mail addresses...",
    ),
    "public_names": (
        "Public names",
        [("Name", "value")],
        "People who may be named in the published review: the independent reviewer, the chair, others.",
    ),
}
# CSV: kind column values -> register kind (the first of each is the one the template documents)
CSV_KINDS = {"person": "people", "address": "addresses", "detail": "details", "public name": "public_names"}
_CSV_KIND_WORDS = {
    **CSV_KINDS,
    "people": "people",
    "persons": "people",
    "addresses": "addresses",
    "details": "details",
    "other detail": "details",
    "other details": "details",
    "public names": "public_names",
}
CSV_HEADER = ["kind", "name, address or detail", "relationship or type", "other names", "date of birth"]
CSV_COLUMNS = {
    "people": {"name": 1, "role": 2, "aliases": 3, "date_of_birth": 4},
    "addresses": {"value": 1},
    "details": {"value": 1, "type": 2},
    "public_names": {"value": 1},
}


# ---------------------------------------------------------------------------------------------------------
# The templates
# ---------------------------------------------------------------------------------------------------------
def template_xlsx() -> bytes:
    """The blank workbook: guidance, headers, drop-down lists, text-formatted value columns (so that Excel
    keeps the leading 0 of a phone number) and a date-formatted date of birth column."""
    book = Workbook()
    readme = book.active
    readme.title = "Read me"
    for line in (
        "SafePub family register",
        "Fill in the sheets People, Addresses, Other details and Public names; leave a row empty to skip it.",
        "Everything in the register is removed from the published review, in every way it is written.",
        "Public names are kept. Upload the completed file on the upload page ('or upload the completed template').",
        "Do not add macros or change the header rows.",
    ):
        readme.append([line])
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 110
    lists = book.create_sheet("Lists")
    lists.append(["Relationship", "Type"])
    roles, types = list(ROLES.values()), [label for label, _category in DETAIL_TYPES.values()]
    for i in range(max(len(roles), len(types))):
        lists.append([roles[i] if i < len(roles) else None, types[i] if i < len(types) else None])
    lists.sheet_state = "hidden"
    ranges = {"role": f"=Lists!$A$2:$A${len(roles) + 1}", "type": f"=Lists!$B$2:$B${len(types) + 1}"}
    last = TEMPLATE_ROWS + 2
    for kind in KINDS:
        title, columns, guidance = SHEETS[kind]
        sheet = book.create_sheet(title)
        sheet.append([guidance])
        sheet.append([header for header, _field in columns])
        sheet["A1"].font = Font(italic=True)
        for n, (header, name) in enumerate(columns):
            letter = chr(ord("A") + n)
            sheet[f"{letter}2"].font = Font(bold=True)
            sheet[f"{letter}2"].alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[letter].width = 22 if name in ("role", "type", "date_of_birth") else 45
            if name in ranges:
                check = DataValidation(type="list", formula1=ranges[name], allow_blank=True)
                check.error = "Pick a value from the list."
                check.errorTitle = header
                check.showErrorMessage = True
                sheet.add_data_validation(check)
                check.add(f"{letter}3:{letter}{last}")
            fmt = "DD/MM/YYYY" if name == "date_of_birth" else "@"
            for row in range(3, last + 1):
                sheet[f"{letter}{row}"].number_format = fmt
                if kind == "addresses":
                    sheet[f"{letter}{row}"].alignment = Alignment(wrap_text=True)
        sheet.freeze_panes = "A3"
    book.move_sheet("Lists", offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """The blank CSV: guidance lines (starting with "#"), then the header row. UTF-8 with a byte-order
    mark, so that Excel opens names with accents correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    for line in (
        "# SafePub family register. One row per entry; the first column says what the row is:",
        "#   person: name, relationship, other names (separated by commas), date of birth (dd/mm/yyyy)",
        "#   address: the whole address in the second column",
        "#   detail: the detail in the second column and its type in the third",
        "#   public name: a name that may be published (the independent reviewer, the chair...)",
        "# Relationships: " + "; ".join(ROLES.values()),
        "# Detail types: " + "; ".join(label for label, _category in DETAIL_TYPES.values()),
        "# Lines starting with # are ignored. Leave them or delete them.",
    ):
        writer.writerow([line])
    writer.writerow(CSV_HEADER)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# Reading a filled file
# ---------------------------------------------------------------------------------------------------------
def read_register_file(data: bytes) -> bytes | None:
    """The register JSON bytes of an uploaded register file: the ``.xlsx`` or ``.csv`` template filled in,
    or a JSON register as the API takes it. ``None`` for an empty file or an empty template.

    Raises :class:`RegisterInputError` whose messages say which sheet, row and column is wrong."""
    if not data.strip():
        return None
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(f"the register file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            "the register file is an old-style Excel (.xls) or password-protected workbook: save it as an "
            "Excel Workbook (.xlsx) without a password, or as CSV"
        )
    else:
        text = _text(data)
        if text.lstrip().startswith("{"):
            try:
                parse_register(text)
            except RegisterError as exc:
                raise _file_error(str(exc)) from None
            return data
        rows = _csv_rows(text)
    register, errors = to_register(rows)
    if errors:
        raise RegisterInputError(errors)
    return register_bytes(register)


def _file_error(message: str) -> RegisterInputError:
    return RegisterInputError([FieldError("register", message[0].upper() + message[1:] + ".")])


_NOT_A_REGISTER = (
    "the register file is not the SafePub register template (.xlsx or .csv) or a JSON register; "
    "download the template from this page"
)


def _text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise _file_error(_NOT_A_REGISTER)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Excel on Windows saves "CSV (Comma delimited)" in its ANSI code page
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _file_error(_NOT_A_REGISTER) from None


def _xlsx_rows(data: bytes) -> RegisterRows:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error("the register file is damaged: it is not a readable .xlsx workbook") from None
    names = {e.filename.lower() for e in entries}
    if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise _file_error("the register file is too large when unpacked to be a register")
    types = b""
    if "[content_types].xml" in names:
        info = next(e for e in entries if e.filename.lower() == "[content_types].xml")
        types = package.read(info).lower()
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroenabled" in types:
        raise _file_error(
            "the register workbook contains macros (.xlsm): SafePub does not open files with macros; "
            "save it as an Excel Workbook (.xlsx)"
        )
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise _file_error("the register file is a Word document: use the .xlsx or .csv template")
        raise _file_error(_NOT_A_REGISTER)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many types for a malformed package; none is the caller's business
        raise _file_error("the register workbook could not be read: open it in Excel and save it again") from None
    try:
        sheets = {name.strip().lower(): name for name in book.sheetnames}
        out = RegisterRows()
        found = False
        for kind in KINDS:
            title = SHEETS[kind][0]
            if title.lower() not in sheets:
                continue
            found = True
            out.rows[kind] = list(_sheet_rows(kind, title, book[sheets[title.lower()]].iter_rows(values_only=True)))
    except zipfile.BadZipFile:
        raise _file_error("the register file is damaged: it is not a readable .xlsx workbook") from None
    finally:
        book.close()
    if not found:
        raise _file_error(
            _NOT_A_REGISTER + ": it has none of the sheets People, Addresses, Other details, Public names"
        )
    return out


def _sheet_rows(kind: str, title: str, cells: Iterator[tuple[Any, ...]]) -> Iterator[Row]:
    columns = SHEETS[kind][1]
    header_seen = False
    filled = 0
    for number, values in enumerate(cells, start=1):
        values = tuple(values[: len(columns)]) + (None,) * (len(columns) - len(values))
        if not header_seen:
            if _header_cell(values[0]) == _header_cell(columns[0][0]):
                header_seen = True
            elif number >= 10:
                break
            continue
        raw = {name: _cell_text(value, name) for (_header, name), value in zip(columns, values, strict=True)}
        if not any(v.strip() for v in raw.values()):
            continue
        filled += 1
        if filled > MAX_ROWS:
            raise _file_error(f"{title} sheet: more than {MAX_ROWS} rows (row {number})")
        if kind == "details":
            raw["value"] = _phone_zero(raw.get("type", ""), raw["value"], values[1])
        yield Row(kind, raw, f"{title} sheet, row {number}")
    if not header_seen:
        headers = ", ".join(header for header, _name in columns)
        raise _file_error(f"{title} sheet: the header row ({headers}) is missing")


def _header_cell(value: Any) -> str:
    return str(value or "").split("(")[0].strip().lower()


def _cell_text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _phone_zero(kind: str, value: str, cell: Any) -> str:
    """Excel turns 07700900123 typed into a number cell into 7700900123: put the UK trunk 0 back."""
    numeric = isinstance(cell, (int, float)) or value.isdigit()
    if kind.strip().lower() in ("phone", DETAIL_TYPES["phone"][0].lower()) and numeric:
        if len(value) == 10 and value[0] in "123789":
            return "0" + value
    return value


def _csv_rows(text: str) -> RegisterRows:
    out = RegisterRows()
    header_seen = False
    filled = 0
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        first = cells[0].strip() if cells else ""
        if first.startswith("#"):
            continue
        if not header_seen:
            if not any(c.strip() for c in cells):
                continue
            if first.lower() != CSV_HEADER[0]:
                raise _file_error(_NOT_A_REGISTER + f": the header row ({', '.join(CSV_HEADER)}) is missing")
            header_seen = True
            continue
        if not any(c.strip() for c in cells):
            continue
        filled += 1
        if filled > MAX_ROWS * len(KINDS):
            raise _file_error(f"the CSV has more than {MAX_ROWS * len(KINDS)} rows (row {number})")
        kind = _CSV_KIND_WORDS.get(" ".join(first.lower().split()))
        if kind is None:
            raise _file_error(f"CSV row {number}, kind: write one of {', '.join(CSV_KINDS)} in the first column")
        cells = cells + [""] * (len(CSV_HEADER) - len(cells))
        raw = {name: cells[column] for name, column in CSV_COLUMNS[kind].items()}
        if kind == "details":
            raw["value"] = _phone_zero(raw["type"], raw["value"], None)
        out.rows[kind].append(Row(kind, {k: raw.get(k, "") for k in FIELDS[kind]}, f"CSV row {number}"))
    if not header_seen:
        raise _file_error(_NOT_A_REGISTER)
    return out
