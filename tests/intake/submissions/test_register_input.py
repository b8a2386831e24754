"""The register as people write it (issue 13): form rows and the spreadsheet template read into the register
JSON the API accepts, with row-and-column messages; hostile files (macros, zip bombs, not a spreadsheet)
refused before openpyxl parses anything."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest

from intake.submissions.register_input import (
    MAX_FORM_ROWS,
    MAX_ROWS,
    RegisterInputError,
    changed_kinds,
    counts,
    register_bytes,
    rows_from_form,
    rows_from_register,
    to_register,
)
from intake.submissions.register_template import (
    MAX_UNPACKED_BYTES,
    read_register_file,
    template_csv,
    template_xlsx,
)
from redaction.register import DETAIL_TYPES, ROLES, parse_register

FORM = {
    "people-0-name": "Tyler  Morris",
    "people-0-role": "child",
    "people-0-aliases": "Ty, Tyler M",
    "people-0-date_of_birth": "03/11/2017",
    "people-1-name": "Jo Morris",
    "people-1-role": "mother",
    "people-1-aliases": "",
    "people-1-date_of_birth": "",
    "people-2-name": "",
    "people-2-role": "",
    "people-2-aliases": "",
    "people-2-date_of_birth": "",
    "addresses-0-value": "27 Brook Street\r\nRotherham\r\nS60 2TT",
    "addresses-1-value": "   ",
    "details-0-type": "school",
    "details-0-value": "Oakfield Primary School",
    "details-1-type": "vehicle_registration",
    "details-1-value": "AB12 CDE",
    "details-2-type": "",
    "details-2-value": "",
    "public_names-0-value": "Jane Doe",
    "public_names-1-value": "",
}
EXPECTED = {
    "people": [
        {"name": "Tyler Morris", "role": "child", "aliases": ["Ty", "Tyler M"], "date_of_birth": "2017-11-03"},
        {"name": "Jo Morris", "role": "mother"},
    ],
    "addresses": ["27 Brook Street, Rotherham, S60 2TT"],
    "details": [
        {"type": "school", "value": "Oakfield Primary School"},
        {"type": "vehicle_registration", "value": "AB12 CDE"},
    ],
    "public_names": ["Jane Doe"],
}


def form_register(form: dict[str, str]) -> tuple[dict | None, list]:
    return to_register(rows_from_form(form))


def messages(form: dict[str, str]) -> dict[str, str]:
    register, errors = form_register(form)
    assert register is None
    return {e.field: e.message for e in errors}


def test_when_the_form_has_good_rows_then_it_is_the_api_register_and_blank_rows_are_ignored():
    register, errors = form_register(FORM)
    assert errors == [] and register == EXPECTED
    parsed = parse_register(register_bytes(register))
    assert [p.name for p in parsed.people] == ["Tyler Morris", "Jo Morris"]
    assert parsed.people[0].date_of_birth == dt.date(2017, 11, 3)


def test_when_every_row_is_blank_then_there_is_no_register():
    assert form_register({k: "" for k in FORM}) == (None, [])
    assert register_bytes(None) is None


def test_when_rows_are_numbered_with_gaps_then_they_are_read_in_order():
    register, _ = form_register({"public_names-7-value": "B Two", "public_names-2-value": "A One"})
    assert register == {"public_names": ["A One", "B Two"]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2015", "Person 1, date of birth: 31/02/2015 is not a real date"),
        ("2015-02-31", "Person 1, date of birth: 2015-02-31 is not a real date"),
        ("next Tuesday", "Person 1, date of birth: enter the date like 03/11/2017"),
        ("01/01/1850", "Person 1, date of birth: 01/01/1850 is before 1900"),
    ],
)
def test_when_a_date_is_impossible_then_the_message_names_the_row_and_the_column(value, message):
    found = messages({"people-0-name": "Tyler Morris", "people-0-date_of_birth": value})
    assert found == {"people-0-date_of_birth": message}


@pytest.mark.parametrize("value", ["3 November 2017", "3 Nov 2017", "2017-11-03", "3/11/2017", "03.11.2017"])
def test_when_a_date_is_written_another_common_way_then_it_is_read(value):
    register, errors = form_register({"people-0-name": "T M", "people-0-date_of_birth": value})
    assert errors == [] and register["people"][0]["date_of_birth"] == "2017-11-03"


def test_when_a_role_is_unknown_then_the_message_lists_the_choices_and_never_the_name():
    found = messages({"people-0-name": "", "people-1-name": "Zephyrine Quarterman", "people-1-role": "landlord"})
    assert list(found) == ["people-1-role"]
    assert found["people-1-role"].startswith("Person 2, relationship: choose one of: The child")
    assert "Zephyrine" not in found["people-1-role"]


@pytest.mark.parametrize(("written", "code"), [("Mother", "mother"), ("mum", "mother"), ("Step-father", "step_parent")])
def test_when_a_role_is_written_as_a_label_or_a_common_word_then_it_is_understood(written, code):
    register, errors = form_register({"people-0-name": "A B", "people-0-role": written})
    assert errors == [] and register["people"][0]["role"] == code


def test_when_a_row_is_half_filled_then_each_missing_field_is_named():
    found = messages(
        {"people-0-role": "father", "details-0-type": "phone", "details-1-value": "Oakfield", "details-2-type": "email",
         "details-2-value": "not an address"}
    )  # fmt: skip
    assert found == {
        "people-0-name": "Person 1, full name: enter the person's full name, or clear the row",
        "details-0-value": "Detail 1, value: enter the detail, or clear the row",
        "details-1-type": "Detail 2, type: choose the type of detail",
        "details-2-value": "Detail 3, value: must be an e-mail address like name@example.org",
    }


def test_when_there_are_too_many_rows_then_the_form_is_refused():
    form = {f"public_names-{i}-value": f"Name {i}" for i in range(MAX_ROWS + 1)}
    found = messages(form)
    assert list(found.values()) == [f"Public name: more than {MAX_ROWS} rows"]
    with pytest.raises(RegisterInputError):
        rows_from_form({f"addresses-{i}-value": "" for i in range(MAX_FORM_ROWS + 1)})


def test_when_a_stored_register_is_edited_then_the_form_shows_it_and_gives_it_back_unchanged():
    raw = register_bytes(EXPECTED)
    rows = rows_from_register(raw)
    assert rows.rows["people"][0].values == {
        "name": "Tyler Morris",
        "role": "child",
        "aliases": "Ty, Tyler M",
        "date_of_birth": "03/11/2017",
    }
    assert len(rows.rows["people"]) == 4  # padded with blank rows for more people
    form = {r.field_id(k): v for kind in rows.rows.values() for r in kind for k, v in r.values.items()}
    again, errors = form_register(form)
    assert errors == [] and changed_kinds(raw, register_bytes(again)) == []


def test_changed_kinds_and_counts_name_kinds_and_numbers_only():
    before = register_bytes(EXPECTED)
    after = register_bytes({**EXPECTED, "public_names": ["Jane Doe", "John Roe"], "addresses": []})
    assert changed_kinds(before, after) == ["addresses", "public_names"]
    assert counts(after) == {"people": 2, "addresses": 0, "details": 2, "public_names": 2}


# ---------------------------------------------------------------------------------------------------------
# The spreadsheet template
# ---------------------------------------------------------------------------------------------------------
def filled_xlsx(**cells: dict[str, object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    for sheet, values in cells.items():
        for ref, value in values.items():
            book[sheet.replace("_", " ")][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_xlsx_template_has_a_sheet_per_kind_with_headers_and_drop_down_lists():
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert book.sheetnames[:5] == ["Read me", "People", "Addresses", "Other details", "Public names"]
    assert book["Lists"].sheet_state == "hidden"
    assert [c.value for c in book["People"][2]][:2] == ["Full name", "Relationship"]
    lists = {str(v.sqref): v.formula1 for v in book["People"].data_validations.dataValidation}
    assert lists == {"B3:B202": f"=Lists!$A$2:$A${len(ROLES) + 1}"}
    types = [book["Lists"].cell(row=i + 2, column=2).value for i in range(len(DETAIL_TYPES))]
    assert types == [label for label, _c in DETAIL_TYPES.values()]
    assert read_register_file(template_xlsx()) is None  # the blank template is no register


def test_when_the_xlsx_template_is_filled_then_it_reads_as_the_same_register_as_the_form():
    data = filled_xlsx(
        People={"A3": "Tyler Morris", "B3": "The child", "C3": "Ty, Tyler M", "D3": dt.date(2017, 11, 3),
                "A5": "Jo Morris", "B5": "Mother"},  # row 4 left empty: skipped
        Addresses={"A3": "27 Brook Street\nRotherham\nS60 2TT"},
        Other_details={"A3": "School", "B3": "Oakfield Primary School", "A4": "Vehicle registration",
                       "B4": "AB12 CDE"},
        Public_names={"A3": "Jane Doe"},
    )  # fmt: skip
    assert json.loads(read_register_file(data)) == EXPECTED
    assert read_register_file(data) == register_bytes(EXPECTED)


def test_when_a_phone_number_lost_its_zero_in_excel_then_it_is_put_back():
    data = filled_xlsx(Other_details={"A3": "Phone number", "B3": 7700900123})
    assert json.loads(read_register_file(data)) == {"details": [{"type": "phone", "value": "07700900123"}]}


def test_when_a_sheet_has_an_impossible_date_then_the_message_names_sheet_row_and_column():
    data = filled_xlsx(People={"A3": "Tyler Morris", "A4": "Zephyrine Quarterman", "D4": "31/02/2015"})
    with pytest.raises(RegisterInputError) as caught:
        read_register_file(data)
    assert [e.message for e in caught.value.errors] == [
        "People sheet, row 4, date of birth: 31/02/2015 is not a real date"
    ]
    assert all(e.field == "register" for e in caught.value.errors)
    assert "Zephyrine" not in str(caught.value)  # another cell's value is never quoted


def test_when_a_sheet_has_an_unknown_type_then_the_row_is_named():
    data = filled_xlsx(Other_details={"A7": "Pet", "B7": "Rex"})
    with pytest.raises(RegisterInputError, match=r"^Other details sheet, row 7, type: choose a type from the list$"):
        read_register_file(data)


def test_when_a_sheet_has_too_many_rows_then_it_is_refused():
    data = filled_xlsx(Public_names={f"A{3 + i}": f"Name {i}" for i in range(MAX_ROWS + 1)})
    with pytest.raises(RegisterInputError, match=f"Public names sheet: more than {MAX_ROWS} rows"):
        read_register_file(data)


def test_when_the_csv_template_is_filled_in_excel_then_it_reads_as_the_same_register():
    blank = template_csv()
    assert blank.startswith(b"\xef\xbb\xbf#") and read_register_file(blank) is None
    rows = (
        'person,Tyler Morris,The child,"Ty, Tyler M",03/11/2017\r\n'
        "Person,Jo Morris,mother,,\r\n"
        ",,,,\r\n"
        'address,"27 Brook Street\nRotherham\nS60 2TT",,,\r\n'
        "detail,Oakfield Primary School,school,,\r\n"
        "detail,AB12 CDE,Vehicle registration,,\r\n"
        "public name,Jane Doe,,,\r\n"
    )
    assert json.loads(read_register_file(blank + rows.encode("utf-8"))) == EXPECTED
    # Excel on Windows saves CSV in cp1252
    accented = blank.decode("utf-8-sig") + "person,Zoë Brontë,child,,\r\n"
    assert json.loads(read_register_file(accented.encode("cp1252")))["people"][0]["name"] == "Zoë Brontë"


def test_when_a_csv_row_is_wrong_then_the_row_and_column_are_named():
    blank = template_csv().decode("utf-8-sig")
    with pytest.raises(RegisterInputError, match=r"^CSV row 10, date of birth: 31/02/2015 is not a real date$"):
        read_register_file((blank + "person,Tyler Morris,child,,31/02/2015\r\n").encode())
    with pytest.raises(RegisterInputError, match=r"CSV row 10, kind: write one of person, address"):
        read_register_file((blank + "pet,Rex,,,\r\n").encode())


def test_when_a_json_register_is_chosen_then_it_is_taken_as_the_api_takes_it():
    raw = json.dumps(EXPECTED).encode()
    assert read_register_file(raw) == raw
    with pytest.raises(RegisterInputError, match="unknown keys"):
        read_register_file(b'{"pets": []}')


# ---------------------------------------------------------------------------------------------------------
# Hostile or wrong files: refused before openpyxl parses them
# ---------------------------------------------------------------------------------------------------------
def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return out.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(RegisterInputError) as caught:
        read_register_file(data)
    return str(caught.value)


def test_when_the_workbook_has_macros_then_it_is_refused():
    with zipfile.ZipFile(io.BytesIO(template_xlsx())) as package:
        entries = {i.filename: package.read(i) for i in package.infolist()}
    entries["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    assert "contains macros (.xlsm)" in refusal(zipped(entries))
    entries.pop("xl/vbaProject.bin")
    types = entries["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    assert b"macroEnabled" in types
    assert "contains macros" in refusal(zipped({**entries, "[Content_Types].xml": types}))


def test_when_a_zip_bomb_is_renamed_xlsx_then_it_is_refused_from_its_declared_sizes():
    bomb = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                   "xl/worksheets/sheet1.xml": b"\0" * (MAX_UNPACKED_BYTES + 1)})  # fmt: skip
    assert len(bomb) < 100_000  # small on disk, large unpacked
    assert "too large when unpacked" in refusal(bomb)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not the SafePub register template"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not the SafePub register template"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old-style Excel (.xls) or password-protected"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "is a Word document"),
        (zipped({"hello.txt": b"hi"}), "not the SafePub register template"),
        (b"Name,Date\nTyler,2017\n", "header row (kind"),
        (b"x" * (1024 * 1024 + 1), "larger than 1 MB"),
    ],
)
def test_when_the_register_file_is_not_a_register_then_the_reason_is_given(data, words):
    assert words in refusal(data)


def test_when_an_xlsx_has_none_of_the_sheets_then_it_is_refused():
    book = openpyxl.Workbook()
    book.active["A1"] = "Zephyrine Quarterman"
    out = io.BytesIO()
    book.save(out)
    message = refusal(out.getvalue())
    assert "none of the sheets People, Addresses" in message and "Zephyrine" not in message
