"""The family register on the pages (issue 13): the upload form's rows sealed as the register the API takes,
errors shown at the top and beside their fields with everything typed kept, the templates downloaded,
filled and uploaded as the same register, and the register changed after upload as a new revision,
audited without its values."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from intake.models import AuditEvent, DocumentVersion, Submission
from intake.storage.fields import open_register
from tests.intake.conftest import csrf_from
from tests.intake.reviewkit import NamesEngine, audit_events, build_pdf, upload_pdf
from worker.context import WorkerContext
from worker.jobs import process_submission

PDF = build_pdf()

# Two people, an address, two details and a public name, as typed in the form ...
FORM = {
    "people-0-name": "Tyler Quennell",
    "people-0-role": "child",
    "people-0-aliases": "Ty",
    "people-0-date_of_birth": "03/11/2017",
    "people-1-name": "Jo Quennell",
    "people-1-role": "mother",
    "people-1-aliases": "",
    "people-1-date_of_birth": "",
    "people-2-name": "",
    "people-2-role": "",
    "addresses-0-value": "27 Larkspur Mews\r\nRotherham S60 2TT",
    "details-0-type": "school",
    "details-0-value": "Oakhaven Primary School",
    "details-1-type": "phone",
    "details-1-value": "07700 900461",
    "public_names-0-value": "Jane Doe",
}
# ... and the same, as a business manager fills in the template.
SHEET = {
    "People": {"A3": "Tyler Quennell", "B3": "The child", "C3": "Ty", "D3": dt.date(2017, 11, 3),
               "A4": "Jo Quennell", "B4": "Mother"},
    "Addresses": {"A3": "27 Larkspur Mews\nRotherham S60 2TT"},
    "Other details": {"A3": "School", "B3": "Oakhaven Primary School", "A4": "Phone number", "B4": "07700 900461"},
    "Public names": {"A3": "Jane Doe"},
}  # fmt: skip


def post_upload(client, data, *, file=PDF, register_file=None, accept="text/html"):
    token = csrf_from(client.get("/upload").get_data(as_text=True))
    body = {"csrf_token": token, "title": "Child Q", "kind": "scr", **data}
    if file is not None:
        body["file"] = (io.BytesIO(file), "draft.pdf")
    if register_file is not None:
        body["register"] = (io.BytesIO(register_file[1]), register_file[0])
    return client.post("/upload", data=body, headers={"Accept": accept}, content_type="multipart/form-data")


def sealed_register(services, sid):
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        raw = open_register(services.keys, services.keys.fields_key(session, submission.id), submission)
        return submission.register_enc, json.loads(raw) if raw else None


def submission_count(services):
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Submission))


def sid_of(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def test_when_the_register_form_is_filled_then_the_submission_seals_that_register(as_user, services):
    client = as_user("uploader_a")
    page = client.get("/upload").get_data(as_text=True)
    # the page works without JavaScript: fixed blank rows, labelled, and an "add another" submit button
    assert page.count('name="people-') == 4 * 4 and 'id="public_names-2-value"' in page
    assert '<label for="people-0-name">Full name' in page
    assert 'name="add_rows" value="people"' in page
    sid = sid_of(post_upload(client, FORM))
    sealed, register = sealed_register(services, sid)
    assert register == {
        "people": [
            {"name": "Tyler Quennell", "role": "child", "aliases": ["Ty"], "date_of_birth": "2017-11-03"},
            {"name": "Jo Quennell", "role": "mother"},
        ],
        "addresses": ["27 Larkspur Mews, Rotherham S60 2TT"],
        "details": [{"type": "school", "value": "Oakhaven Primary School"}, {"type": "phone", "value": "07700 900461"}],
        "public_names": ["Jane Doe"],
    }
    assert b"Quennell" not in sealed and b"Oakhaven" not in sealed  # sealed, not stored in clear
    received = audit_events(services, sid, "submission.received")
    assert json.loads(received[0].details)["register"] is True


def test_when_the_form_has_errors_then_the_page_comes_back_with_a_summary_and_everything_typed(as_user, services):
    client = as_user("uploader_a")
    bad = {**FORM, "people-1-date_of_birth": "31/02/2015", "people-0-role": "landlord"}
    response = post_upload(client, bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: Upload a draft" in html
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert '<a href="#people-1-date_of_birth">Person 2, date of birth: 31/02/2015 is not a real date</a>' in summary
    assert '<a href="#people-0-role">Person 1, relationship: choose one of' in summary
    assert 'id="people-1-date_of_birth-error"' in html
    assert re.search(r'id="people-1-date_of_birth"[^>]*value="31/02/2015"[^>]*aria-describedby="[^"]*-error"', html)
    # every value typed is still there; the file must be chosen again, and the page says so
    for value in ("Tyler Quennell", "Jo Quennell", "27 Larkspur Mews", "Oakhaven Primary School", "07700 900461",
                  "Jane Doe", "Child Q"):  # fmt: skip
        assert value in html
    assert re.search(r'<option value="school"\s+selected>', html)
    assert "Choose the draft again" in html
    assert submission_count(services) == 0


def test_when_the_upload_script_sends_a_bad_register_then_it_gets_the_errors_by_field(as_user, services):
    client = as_user("uploader_a")
    response = post_upload(client, {**FORM, "details-1-value": "call me"}, accept="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_register"
    assert body["errors"] == [
        {
            "field": "details-1-value",
            "message": "Detail 2, value: must be a phone number: 7 to 15 digits, with spaces, +, brackets or "
            "dashes if you like",
        }
    ]
    assert submission_count(services) == 0


def test_when_add_another_is_pressed_without_javascript_then_a_row_is_added_and_values_kept(as_user, services):
    client = as_user("uploader_a")
    filled = {f"people-{i}-name": f"Person Number{i}" for i in range(4)}
    response = post_upload(client, {**filled, "add_rows": "people", "public_names-0-value": "Jane Doe"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="people-4-name"' in html and 'id="people-5-name"' not in html
    assert all(f'value="Person Number{i}"' in html for i in range(4)) and 'value="Jane Doe"' in html
    assert submission_count(services) == 0


def test_when_both_the_form_and_a_register_file_are_given_then_nothing_is_uploaded(as_user, services):
    client = as_user("uploader_a")
    response = post_upload(client, FORM, register_file=("register.json", b'{"public_names": ["A B"]}'))
    assert response.status_code == 400
    assert "use one or the other" in response.get_data(as_text=True)
    assert submission_count(services) == 0


def test_when_the_draft_is_not_a_pdf_then_the_form_comes_back_with_the_error_on_the_file(as_user, services):
    client = as_user("uploader_a")
    response = post_upload(client, FORM, file=b"\x89PNG\r\n\x1a\n....")
    assert response.status_code == 415
    html = response.get_data(as_text=True)
    assert '<a href="#file">Only PDF' in html and 'value="Tyler Quennell"' in html


def test_the_templates_need_a_login_and_download_as_attachments(client, as_user):
    assert client.get("/register-template.xlsx").status_code == 302
    assert client.get("/register-template.csv").status_code == 302
    as_user("uploader_a")
    xlsx = client.get("/register-template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK\x03\x04")
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in xlsx.headers["Content-Disposition"] and xlsx.headers["Cache-Control"] == "no-store"
    csv = client.get("/register-template.csv")
    assert csv.status_code == 200 and b"kind,name, address or detail" in csv.data.replace(b'"', b"")
    page = client.get("/upload").get_data(as_text=True)
    assert 'href="/register-template.xlsx"' in page and 'href="/register-template.csv"' in page


def test_the_template_round_trips_to_the_same_register_as_the_form(as_user, services):
    client = as_user("uploader_a")
    from_form = sealed_register(services, sid_of(post_upload(client, FORM)))[1]

    book = openpyxl.load_workbook(io.BytesIO(client.get("/register-template.xlsx").data))
    for sheet, cells in SHEET.items():
        for ref, value in cells.items():
            book[sheet][ref] = value
    out = io.BytesIO()
    book.save(out)
    from_xlsx = sealed_register(services, sid_of(post_upload(client, {}, register_file=("r.xlsx", out.getvalue()))))
    assert from_xlsx[1] == from_form

    csv_rows = (
        "person,Tyler Quennell,The child,Ty,03/11/2017\r\nperson,Jo Quennell,Mother,,\r\n"
        'address,"27 Larkspur Mews\nRotherham S60 2TT",,,\r\n'
        "detail,Oakhaven Primary School,School,,\r\ndetail,07700 900461,Phone number,,\r\n"
        "public name,Jane Doe,,,\r\n"
    )
    csv_data = client.get("/register-template.csv").data + csv_rows.encode()
    from_csv = sealed_register(services, sid_of(post_upload(client, {}, register_file=("r.csv", csv_data))))
    assert from_csv[1] == from_form


def test_when_a_template_row_is_wrong_then_the_error_points_at_the_register_file(as_user, services):
    client = as_user("uploader_a")
    bad = client.get("/register-template.csv").data + b"person,Tyler Quennell,child,,31/02/2015\r\n"
    response = post_upload(client, {}, register_file=("r.csv", bad))
    assert response.status_code == 400
    assert '<a href="#register">CSV row 10, date of birth: 31/02/2015 is not a real date</a>' in response.get_data(
        as_text=True
    )
    assert submission_count(services) == 0


# ---------------------------------------------------------------------------------------------------------
# Changing the register after upload
# ---------------------------------------------------------------------------------------------------------
REGISTER = {"people": [{"name": "Tyler Quennell", "role": "child"}], "public_names": ["Jane Doe"]}


def proposed_with_register(client, world, services):
    body = {"file": (io.BytesIO(PDF), "draft.pdf"), "register": (io.BytesIO(json.dumps(REGISTER).encode()), "r.json")}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers("uploader_a"))
    assert response.status_code == 202, response.get_json()
    sid = response.get_json()["id"]
    outcome = process_submission(sid, context=WorkerContext(services=services, engine=NamesEngine()), owner="t")
    assert outcome["outcome"] == "proposed"
    return sid


def edit_form(html):
    """The form as the page filled it in, to post back with changes."""
    fields = dict(re.findall(r'<input id="([\w-]+)" name="[\w-]+" value="([^"]*)"', html))
    fields |= {m[0]: m[1] for m in re.findall(r'<select id="([\w-]+)"[^>]*>.*?value="(\w+)" selected', html, re.S)}
    fields |= dict(re.findall(r'<textarea id="([\w-]+)"[^>]*>([^<]*)</textarea>', html))
    return {"csrf_token": csrf_from(html), **fields}


@pytest.mark.parametrize("who", ["uploader_a", "reviewer"])
def test_when_the_register_is_changed_then_the_same_document_is_processed_again_and_audited_without_values(
    client, world, services, as_user, who
):
    sid = proposed_with_register(client, world, services)
    browser = as_user(who)
    page = browser.get(f"/submissions/{sid}").get_data(as_text=True)
    assert f'href="/submissions/{sid}/register"' in page
    html = browser.get(f"/submissions/{sid}/register").get_data(as_text=True)
    assert 'value="Tyler Quennell"' in html and 'value="Jane Doe"' in html
    assert len(audit_events(services, sid, "register.viewed")) == 1

    form = edit_form(html)
    form |= {"people-1-name": "Kayden Quennell", "people-1-role": "sibling", "details-0-type": "vehicle_registration",
             "details-0-value": "KX19 ZPB"}  # fmt: skip
    response = browser.post(f"/submissions/{sid}/register", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/submissions/{sid}?register=updated")

    _sealed, register = sealed_register(services, sid)
    assert register["people"][1] == {"name": "Kayden Quennell", "role": "sibling"}
    assert register["details"] == [{"type": "vehicle_registration", "value": "KX19 ZPB"}]
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert (submission.revision, submission.status) == (2, "received")
        originals = session.scalars(
            select(DocumentVersion).where(DocumentVersion.submission_id == sid, DocumentVersion.role == "original")
        ).all()
        assert sorted(v.revision for v in originals) == [1, 2]
    original = client.get(f"/api/v1/submissions/{sid}/original.pdf", headers=world.headers("uploader_a"))
    assert original.data == PDF  # the same document, a new revision

    updated = audit_events(services, sid, "register.updated")
    assert len(updated) == 1 and updated[0].actor_id == world.accounts[who].user_id
    details = json.loads(updated[0].details)
    assert details["changed"] == ["people", "details"] and details["revision"] == 2
    assert details["counts"] == {"people": 2, "addresses": 0, "details": 1, "public_names": 1}
    assert details["counts_before"]["people"] == 1
    with services.sessions() as session:
        everything = " ".join(e.details for e in session.scalars(select(AuditEvent)))
    for value in ("Quennell", "KX19", "Jane Doe", "Kayden"):
        assert value not in everything  # the audit trail names kinds and counts, never values

    outcome = process_submission(sid, context=WorkerContext(services=services, engine=NamesEngine()), owner="t")
    assert outcome["outcome"] == "proposed"


def test_when_the_register_is_saved_unchanged_then_no_revision_is_made(client, world, services, as_user):
    sid = proposed_with_register(client, world, services)
    browser = as_user("uploader_a")
    form = edit_form(browser.get(f"/submissions/{sid}/register").get_data(as_text=True))
    response = browser.post(f"/submissions/{sid}/register", data=form)
    assert response.status_code == 200 and "Nothing has changed" in response.get_data(as_text=True)
    with services.sessions() as session:
        assert session.get(Submission, sid).revision == 1
    assert audit_events(services, sid, "register.updated") == []


def test_when_an_edit_has_an_error_then_nothing_is_saved_and_the_error_is_shown(client, world, services, as_user):
    sid = proposed_with_register(client, world, services)
    browser = as_user("uploader_a")
    form = edit_form(browser.get(f"/submissions/{sid}/register").get_data(as_text=True))
    response = browser.post(f"/submissions/{sid}/register", data={**form, "people-0-date_of_birth": "30/02/2016"})
    assert response.status_code == 400
    assert '<a href="#people-0-date_of_birth">Person 1, date of birth: 30/02/2016 is not a real date' in (
        response.get_data(as_text=True)
    )
    with services.sessions() as session:
        assert session.get(Submission, sid).revision == 1


@pytest.mark.parametrize(("who", "status"), [("uploader_b", 404), ("panel", 403), ("admin", 403)])
def test_only_the_uploading_partnership_and_the_secretariat_may_open_the_register(
    client, world, services, as_user, who, status
):
    sid = proposed_with_register(client, world, services)
    browser = as_user(who)
    assert browser.get(f"/submissions/{sid}/register").status_code == status
    assert audit_events(services, sid, "register.viewed") == []


def test_when_the_state_does_not_allow_a_change_then_the_register_page_says_why(client, world, services, as_user):
    sid = upload_pdf(client, world)  # received: the worker has not processed it yet
    browser = as_user("uploader_a")
    page = browser.get(f"/submissions/{sid}").get_data(as_text=True)
    assert 'id="register-locked"' in page and f"/submissions/{sid}/register" not in page
    response = browser.get(f"/submissions/{sid}/register")
    assert response.status_code == 409
    assert "the previous version is still being processed" in response.get_data(as_text=True)
