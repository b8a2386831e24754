"""The register form in real headless Chromium (issue 13): a partnership fills in two people (the second
in a row added with "Add another person", after removing one), an address and a public name, uploads a PDF
and reaches the submission page; the sealed register is what was typed, blank rows ignored. Also: a
register error comes back beside its field through the upload script, with the chosen file and every
typed value still in the page."""

from __future__ import annotations

import json

import pytest

from intake.models import Submission
from intake.storage.fields import open_register
from tests.conftest import CORPUS
from tests.intake.reviewkit import build_pdf
from tests.intake.web.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    yield context.new_page()
    context.close()


@pytest.fixture
def draft(tmp_path):
    corpus = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []
    if corpus:
        return corpus[0]
    path = tmp_path / "draft.pdf"
    path.write_bytes(build_pdf())
    return path


def log_in(page, server, account):
    page.goto(f"{server}/login")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server}/submissions")


def fill_people(page):
    page.get_by_label("Full name, person 1").fill("Tyler Quennell")
    page.get_by_label("Relationship, person 1").select_option(label="The child")
    page.get_by_label("Other names, person 1").fill("Ty, TQ")
    page.get_by_label("Date of birth, person 1").fill("03/11/2017")
    page.get_by_label("Full name, person 2").fill("Someone Else")
    page.get_by_role("button", name="Remove person 2").click()  # three rows left, renumbered
    assert page.get_by_label("Full name, person 3").input_value() == ""
    assert page.get_by_label("Full name, person 4").count() == 0
    page.get_by_role("button", name="Add another person").click()
    added = page.get_by_label("Full name, person 4")
    assert added.is_visible() and added.evaluate("el => el === document.activeElement")  # focus moved there
    assert page.get_by_label("Full name, person 1").input_value() == "Tyler Quennell"  # nothing typed was lost
    added.fill("Jo Quennell")
    page.get_by_label("Relationship, person 4").select_option("mother")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_partnership_fills_in_the_register_form_and_uploads(server, page, world, services, draft):
    log_in(page, server, world.accounts["uploader_a"])
    page.goto(f"{server}/upload")
    page.get_by_label("Title").fill("Child Q")
    page.get_by_label("Draft (PDF, Word or text)").set_input_files(str(draft))
    fill_people(page)
    page.get_by_label("Address 1").fill("27 Larkspur Mews\nRotherham\nS60 2TT")
    page.get_by_label("Public name 1").fill("Jane Doe")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "register-form.png"), full_page=True)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(f"{server}/submissions/*")
    assert page.get_by_role("heading", name="Child Q").is_visible()

    sid = page.url.rsplit("/", 1)[1]
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        raw = open_register(services.keys, services.keys.fields_key(session, sid), submission)
    assert json.loads(raw) == {
        "people": [
            {"name": "Tyler Quennell", "role": "child", "aliases": ["Ty", "TQ"], "date_of_birth": "2017-11-03"},
            {"name": "Jo Quennell", "role": "mother"},
        ],
        "addresses": ["27 Larkspur Mews, Rotherham, S60 2TT"],
        "public_names": ["Jane Doe"],
    }


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_register_error_is_shown_in_place_and_nothing_is_lost(server, page, world, services, draft):
    log_in(page, server, world.accounts["uploader_a"])
    page.goto(f"{server}/upload")
    page.get_by_label("Draft (PDF, Word or text)").set_input_files(str(draft))
    page.get_by_label("Full name, person 1").fill("Tyler Quennell")
    page.get_by_label("Date of birth, person 1").fill("31/02/2015")
    page.get_by_role("button", name="Upload", exact=True).click()

    summary = page.locator("#error-summary")
    summary.wait_for(state="visible")
    assert summary.evaluate("el => el === document.activeElement")  # the summary takes the focus
    link = summary.get_by_role("link", name="Person 1, date of birth: 31/02/2015 is not a real date")
    link.click()
    field = page.get_by_label("Date of birth, person 1")
    assert field.evaluate("el => el === document.activeElement") and field.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Full name, person 1").input_value() == "Tyler Quennell"
    assert page.get_by_label("Draft (PDF, Word or text)").evaluate("el => el.files.length") == 1  # the file is kept
    page.screenshot(path=str(ARTIFACTS / "register-form-error.png"), full_page=True)

    field.fill("28/02/2015")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(f"{server}/submissions/*")
    with services.sessions() as session:
        assert session.query(Submission).count() == 1
