"""Log in and upload through the real pages in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import pytest

from tests.intake.web.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_partnership_logs_in_uploads_and_sees_its_submission(server, page, world, tmp_path):
    account = world.accounts["uploader_a"]
    page.goto(f"{server}/")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server}/submissions")
    assert page.get_by_role("heading", name="Submissions").is_visible()

    page.get_by_role("link", name="Upload a draft").first.click()
    draft = tmp_path / "draft.txt"
    draft.write_text("Draft review about Child K. Zephyrine Quillfeather attended school.\n")
    page.get_by_label("Title").fill("Child K")
    page.get_by_label("Draft (PDF, Word or text)").set_input_files(str(draft))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"{server}/submissions/*")
    assert page.get_by_role("heading", name="Child K").is_visible()
    assert page.locator("#status").inner_text() in ("received", "processing")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "intake-submission.png"))

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{server}/login")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_wrong_password_shows_a_message_in_the_page(server, page, world):
    page.goto(f"{server}/login")
    page.get_by_label("E-mail address").fill(world.accounts["reviewer"].email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert "Wrong e-mail address or password" in page.get_by_role("alert").inner_text()
