"""The review screen in real headless Chromium when the worker does the document work (issue 11): page
images come from the worker's sealed cache, the live preview is rendered by a queued job the page polls
(202, Retry-After), a drawn box becomes a task the page polls, and a verification hold is shown and
overridden with a reason.

The review-screen jobs run from the real RQ queue in Redis, in a thread of this process (the stand-in
engine of tests/intake/reviewkit.py, which renders with the real redaction code); no NLP model is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.intake.reviewkit import NamesEngine, proposals, run_screen_jobs, upload_pdf
from worker.context import WorkerContext
from worker.jobs import process_submission

pytestmark = [pytest.mark.browser]


@pytest.fixture
def screen_worker(services: Any) -> Iterator[None]:
    """Runs queued review-screen jobs every 0.2 s until the test ends."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.2):
            run_screen_jobs(services)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content Security" in m.text else None)
    yield tab
    context.close()
    assert not errors, f"script errors or CSP violations: {errors[:5]}"


def shown(page: Any, number: int, fragment: str) -> None:
    page.wait_for_function(
        "([n, f]) => { const i = document.querySelector(`.page[data-page='${n}'] img`);"
        " return !!i && (i.getAttribute('data-shown') || '').includes(f) && i.src.startsWith('blob:')"
        " && i.complete && i.naturalWidth > 0; }",
        arg=[number, fragment],
    )


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_held_draft_box_preview_and_override_in_the_browser(client, world, services, server, screen_worker, page):
    sid = upload_pdf(client, world, title="Child Q")
    engine = NamesEngine(warnings=("second parser (pypdf) timed out",))
    result = process_submission(sid, context=WorkerContext(services=services, engine=engine), owner="t")
    assert result["outcome"] == "proposed"
    before = len(proposals(client, world, sid))

    account = world.accounts["reviewer"]
    page.goto(f"{server}/login?next=/review/{sid}")
    page.get_by_label("E-mail address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server}/review/{sid}", wait_until="domcontentloaded")

    # The original's pages, rendered by the worker at processing time, served sealed from storage.
    shown(page, 0, "/pages/0.png")
    hold = page.locator("#verification-hold")
    assert "second parser (pypdf) timed out" in hold.inner_text()

    # A box drawn on page 1 is located by the worker's job; the page polls the task.
    page.get_by_label("Reason code for accepted and manual redactions").select_option("identifies_child")
    page.locator('.page[data-page="0"] .page-frame').scroll_into_view_if_needed()
    frame = page.locator('.page[data-page="0"] .page-frame').bounding_box()
    assert frame
    start = (frame["x"] + frame["width"] * 0.12, frame["y"] + frame["height"] * 0.16)
    end = (frame["x"] + frame["width"] * 0.40, frame["y"] + frame["height"] * 0.19)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    page.mouse.move(*end)
    page.mouse.up()
    page.get_by_role("alert").filter(has_text="Box redaction added").wait_for()
    assert len(proposals(client, world, sid)) == before + 1

    # The live preview is rendered on demand by a job (202 until ready) and shown when it is.
    page.get_by_label("Live preview (accepted and manual redactions applied)").check()
    shown(page, 0, "preview=1")

    # The hold: overridden with a reason by a Secretariat user, and shown with it.
    page.get_by_label("Reason for overriding (what you checked)").fill("Checked both pages by eye")
    page.get_by_role("button", name="Override the hold").click()
    page.wait_for_url(f"{server}/review/{sid}", wait_until="domcontentloaded")
    assert f"Overridden by {account.email}" in page.locator("#verification-hold").inner_text()
    assert "Checked both pages by eye" in page.locator("#verification-hold").inner_text()
