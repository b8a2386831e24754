"""The archive handover actions on the Secretariat's queue page (issue 5, items 3 and 4): a dead-lettered
or blocked row shows its status and note with a "Retry handover now" form (Secretariat only, CSRF, the
same service call as the API, audited); a published row offers "Withdraw" through a confirmation page
(Panel or Secretariat)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from intake.models import Submission
from tests.intake.conftest import csrf_from
from tests.intake.handoverkit import RecordingSink, approved_submission, context, events, status
from tests.intake.reviewkit import audit_events

TEXT = b"Draft. Zephyrine Quillfeather lives in Saltmarsh.\n"
FAILED_NOTE = "the archive handover failed after 5 attempts (timeout); use retry now"
BLOCKED_NOTE = "the final PDF failed re-verification before handover; nothing was sent"


@pytest.fixture
def settings(settings: Any) -> Any:
    return settings.with_overrides(ocr=False, handover_max_attempts=2, handover_backoff_seconds=0)


def upload(client, world, who="uploader_a", title="Child K") -> str:
    body = {"file": (io.BytesIO(TEXT), "draft.txt"), "title": title, "kind": "lcspr"}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers(who))
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def set_status(services, sid: str, new_status: str, note: str | None = None) -> None:
    with services.sessions() as session, session.begin():
        row = session.get(Submission, sid)
        row.status, row.review_note = new_status, note


def row_of(html: str, sid: str) -> str:
    match = re.search(rf'<tr class="[^"]*" data-id="{sid}">(.*?)</tr>', html, re.S)
    assert match, f"no queue row for {sid}"
    return match.group(1)


def retry_form_token(html: str, sid: str) -> str:
    row = row_of(html, sid)
    assert f'action="/review/{sid}/handover/retry"' in row
    return csrf_from(row)


@pytest.fixture
def rows(client, world, services) -> dict[str, str]:
    """One submission per interesting status, all from partnership A."""
    made = {}
    for name, (new_status, note) in {
        "failed": ("handover_failed", FAILED_NOTE),
        "blocked": ("handover_blocked", BLOCKED_NOTE),
        "published": ("published", None),
        "approved": ("approved", None),
        "in_review": ("in_review", None),
    }.items():
        sid = upload(client, world, title=f"Review {name}")
        set_status(services, sid, new_status, note)
        made[name] = sid
    return made


# -- what the queue shows ----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["reviewer", "approver"])
def test_the_queue_shows_alert_rows_with_their_note_and_a_retry_button_and_published_rows_a_withdraw_link(
    client, world, as_user, rows, who
):
    as_user(who)
    html = client.get("/review").get_data(as_text=True)
    failed, blocked = row_of(html, rows["failed"]), row_of(html, rows["blocked"])
    assert "handover failed" in failed and "Not delivered to the archive" in failed
    assert FAILED_NOTE in failed, "the reason is on the screen, not only in a tooltip"
    assert "handover blocked" in blocked and "Nothing was sent" in blocked and BLOCKED_NOTE in blocked
    for sid in (rows["failed"], rows["blocked"]):
        row = row_of(html, sid)
        assert "Retry handover now" in row and f'aria-describedby="note-{sid}"' in row
        assert retry_form_token(html, sid)
        assert 'method="post"' in row and ">returned<" not in row
    published = row_of(html, rows["published"])
    assert f'href="/review/{rows["published"]}/withdraw"' in published and "Withdraw" in published
    assert "Retry handover now" not in published
    for name in ("approved", "in_review"):
        row = row_of(html, rows[name])
        assert "Retry handover now" not in row and "/withdraw" not in row, name
    assert html.count("Retry handover now") == 2 and html.count('/withdraw"') == 1
    # the alert rows sort with the work still to do, before the published (done) one
    assert html.index(rows["failed"]) < html.index(rows["published"])
    assert html.index(rows["blocked"]) < html.index(rows["published"])


def test_the_queue_page_stays_csp_clean_with_the_actions(client, world, as_user, rows):
    as_user("reviewer")
    html = client.get("/review").get_data(as_text=True)
    assert " style=" not in html and "<style" not in html and "<script>" not in html
    assert "http://" not in html and "https://" not in html
    assert 'href="/static/review.css"' in html


# -- retry now ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["reviewer", "approver"])
def test_retry_now_from_the_queue_requeues_the_handover_audits_it_and_says_so(
    client, world, services, as_user, rows, who
):
    sid = rows["failed"]
    as_user(who)
    token = retry_form_token(client.get("/review?status=handover_failed").get_data(as_text=True), sid)
    response = client.post(f"/review/{sid}/handover/retry", data={"csrf_token": token, "status": "handover_failed"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/review?status=handover_failed"), "the filters are kept"
    assert status(services, sid) == "approved"
    with services.sessions() as session:
        assert session.get(Submission, sid).review_note is None
    [event] = audit_events(services, sid, "handover.retry_requested")
    assert event.actor_id == world.accounts[who].user_id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Handover retry requested" in page and 'class="review-message ok"' in page
    assert sid not in page, "no longer dead-lettered"
    # a second click finds nothing to retry: a message, not an error page, and no second audit event
    again = client.post(f"/review/{sid}/handover/retry", data={"csrf_token": token}, follow_redirects=True)
    assert again.status_code == 200
    assert "Nothing was retried" in again.get_data(as_text=True)
    assert len(audit_events(services, sid, "handover.retry_requested")) == 1


def test_retry_now_on_a_blocked_row_goes_back_to_approved(client, world, services, as_user, rows):
    sid = rows["blocked"]
    as_user("reviewer")
    token = retry_form_token(client.get("/review").get_data(as_text=True), sid)
    assert client.post(f"/review/{sid}/handover/retry", data={"csrf_token": token}).status_code == 303
    assert status(services, sid) == "approved"
    assert len(audit_events(services, sid, "handover.retry_requested")) == 1


def test_retry_now_without_a_valid_csrf_token_is_refused_and_changes_nothing(client, world, services, as_user, rows):
    sid = rows["failed"]
    as_user("reviewer")
    assert client.post(f"/review/{sid}/handover/retry").status_code == 400
    assert client.post(f"/review/{sid}/handover/retry", data={"csrf_token": "forged"}).status_code == 400
    assert status(services, sid) == "handover_failed"
    assert audit_events(services, sid, "handover.retry_requested") == []


@pytest.mark.parametrize("who", ["uploader_a", "uploader_b", "panel", "admin"])
def test_retry_now_is_for_the_secretariat_only(client, world, services, as_user, rows, who):
    sid = rows["failed"]
    as_user(who)
    token = csrf_from(client.get("/submissions").get_data(as_text=True))
    response = client.post(f"/review/{sid}/handover/retry", data={"csrf_token": token})
    assert response.status_code == 403
    assert status(services, sid) == "handover_failed"
    assert audit_events(services, sid, "handover.retry_requested") == []


def test_retry_now_on_an_unknown_id_is_404_and_when_not_logged_in_redirects_to_the_login(client, world, as_user, rows):
    response = client.post(f"/review/{rows['failed']}/handover/retry")
    assert response.status_code in (302, 400)  # the login redirect, or CSRF first: never the action
    as_user("reviewer")
    token = csrf_from(client.get("/review").get_data(as_text=True))
    assert (
        client.post("/review/0123456789abcdef0123456789abcdef/handover/retry", data={"csrf_token": token}).status_code
        == 404
    )


def test_a_real_dead_letter_shows_in_the_queue_and_retry_now_from_the_page_delivers_it(
    client, world, services, as_user
):
    """End to end with the real handover service: two transient failures, two attempts allowed."""
    from intake.handover.sinks import TransientSinkError
    from worker.jobs import HandoverRetry, handover_submission

    sid = approved_submission(client, world, services)
    sink = RecordingSink(failures=[TransientSinkError("http_503", 503), TransientSinkError("timeout")])
    ctx = context(services)
    with pytest.raises(HandoverRetry):
        handover_submission(sid, context=ctx, sinks={"http": sink})
    outcome = handover_submission(sid, context=ctx, sinks={"http": sink})
    assert outcome["outcome"] == "dead_letter", outcome
    as_user("reviewer")
    html = client.get("/review").get_data(as_text=True)
    row = row_of(html, sid)
    assert "handover failed" in row and "Retry handover now" in row
    token = retry_form_token(html, sid)
    assert client.post(f"/review/{sid}/handover/retry", data={"csrf_token": token}).status_code == 303
    assert status(services, sid) == "approved"
    assert handover_submission(sid, context=ctx, sinks={"http": sink})["outcome"] == "published"
    assert len(sink.received) == 1
    actions = [a for a, _ in events(services, sid)]
    assert actions[-4:] == ["handover.retry_requested", "handover.attempt", "handover.receipt", "handover.published"]


# -- withdrawal --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["reviewer", "approver", "panel"])
def test_withdraw_needs_the_confirmation_then_requests_the_withdrawal(client, world, services, as_user, rows, who):
    sid = rows["published"]
    as_user(who)
    page = client.get(f"/review/{sid}/withdraw")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Review published" in html and 'name="confirm" value="yes" required' in html
    token = csrf_from(html)
    unconfirmed = client.post(f"/review/{sid}/withdraw", data={"csrf_token": token})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.get_data(as_text=True)
    assert status(services, sid) == "published"
    assert audit_events(services, sid, "handover.withdrawal_requested") == []

    response = client.post(f"/review/{sid}/withdraw", data={"csrf_token": token, "confirm": "yes"})
    assert response.status_code == 303
    assert status(services, sid) == "withdrawing"
    [event] = audit_events(services, sid, "handover.withdrawal_requested")
    assert event.actor_id == world.accounts[who].user_id
    landing = client.get(response.headers["Location"])
    assert landing.status_code == 200, "the Panel lands on the withdrawal page, the Secretariat on the queue"
    assert "Withdrawal requested" in landing.get_data(as_text=True)
    # a second request is a 409 message on the page, not a second audit event
    again = client.post(f"/review/{sid}/withdraw", data={"csrf_token": token, "confirm": "yes"})
    assert again.status_code == 409 and "Nothing was withdrawn" in again.get_data(as_text=True)
    assert len(audit_events(services, sid, "handover.withdrawal_requested")) == 1


def test_withdraw_without_a_csrf_token_is_refused(client, world, services, as_user, rows):
    sid = rows["published"]
    as_user("panel")
    assert client.post(f"/review/{sid}/withdraw", data={"confirm": "yes"}).status_code == 400
    assert status(services, sid) == "published"


@pytest.mark.parametrize(("who", "code"), [("uploader_a", 403), ("uploader_b", 404), ("admin", 403)])
def test_withdraw_is_for_the_panel_and_the_secretariat_only(client, world, services, as_user, rows, who, code):
    sid = rows["published"]
    as_user(who)
    assert client.get(f"/review/{sid}/withdraw").status_code == code
    token = csrf_from(client.get("/submissions").get_data(as_text=True))
    assert client.post(f"/review/{sid}/withdraw", data={"csrf_token": token, "confirm": "yes"}).status_code == code
    assert status(services, sid) == "published"
    assert audit_events(services, sid, "handover.withdrawal_requested") == []


def test_the_withdraw_page_offers_no_form_for_a_review_that_is_not_withdrawable(client, world, as_user, rows):
    as_user("reviewer")
    html = client.get(f"/review/{rows['in_review']}/withdraw").get_data(as_text=True)
    assert "Only a published (or approved) review can be withdrawn" in html and 'name="confirm"' not in html


@pytest.mark.parametrize(("who", "offered"), [("panel", True), ("reviewer", True), ("uploader_a", False)])
def test_a_published_submission_page_offers_withdrawal_to_the_panel_and_secretariat_only(
    client, world, as_user, rows, who, offered
):
    sid = rows["published"]
    html = as_user(who).get(f"/submissions/{sid}").get_data(as_text=True)
    assert (f'href="/review/{sid}/withdraw"' in html) is offered
    in_review = as_user(who).get(f"/submissions/{rows['in_review']}").get_data(as_text=True)
    assert "/withdraw" not in in_review  # only a published review can be withdrawn from here
