"""Log in and upload through the real pages in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def page():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        yield context.new_page()
        browser.close()


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
    page.get_by_label("Draft (PDF or text)").set_input_files(str(draft))
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
