"""The review queue (/review) and review screen (/review/<id>) pages: who may open them, what they
render for whom, and that they stay CSP-clean (no inline script or style, everything served locally)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.intake.conftest import csrf_from

TEXT = b"Draft. Zephyrine Quillfeather lives in Saltmarsh.\n"
NOT_SECRETARIAT = ["uploader_a", "uploader_b", "panel", "admin"]


def upload(client, world, who="uploader_a", title="Child K") -> str:
    body = {"file": (io.BytesIO(TEXT), "draft.txt"), "title": title, "kind": "lcspr"}
    response = client.post("/api/v1/submissions", data=body, headers=world.headers(who))
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def backdate(services, sid: str, days: int) -> None:
    from intake.models import Submission

    with services.sessions() as session, session.begin():
        row = session.get(Submission, sid)
        row.created_at = row.created_at - timedelta(days=days)


def test_when_not_logged_in_then_both_pages_redirect_to_the_login(client, world):
    sid = upload(client, world)
    for path in ("/review", f"/review/{sid}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("who", NOT_SECRETARIAT)
def test_when_the_role_is_not_secretariat_then_403_for_queue_screen_and_final(client, world, as_user, who):
    sid = upload(client, world)
    as_user(who)
    for path in ("/review", f"/review/{sid}", f"/review/{sid}/final.pdf", "/review/no-such-id"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Secretariat" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["reviewer", "approver"])
def test_when_the_id_does_not_exist_then_404(client, world, as_user, who):
    as_user(who)
    assert client.get("/review/0123456789abcdef0123456789abcdef").status_code == 404


def test_the_reviewer_gets_the_decision_tools_and_not_the_approve_button(client, world, as_user):
    sid = upload(client, world, title="Child K")
    as_user("reviewer")
    response = client.get(f"/review/{sid}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Child K</h1>" in html
    assert f'data-url-pages="/api/v1/submissions/{sid}/pages"' in html
    assert f'data-url-decisions="/api/v1/submissions/{sid}/decisions"' in html
    assert 'data-can-decide="true"' in html and 'data-can-approve="false"' in html
    assert "Mark review complete" in html and "Approve for publication" not in html
    assert '<label for="reason">' in html and 'id="reason"' in html
    assert '<label for="occurrence">Redact every occurrence of this text</label>' in html
    for code in ("identifies_child", "identifies_family_member", "identifies_practitioner"):
        assert f'value="{code}"' in html
    assert "<kbd>j</kbd>" in html and "<kbd>a</kbd>" in html and "<kbd>r</kbd>" in html
    assert 'id="preview-toggle"' in html and 'id="shortcuts-toggle" checked' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_the_approver_gets_the_approve_button_and_no_decision_tools(client, world, as_user):
    sid = upload(client, world)
    as_user("approver")
    html = client.get(f"/review/{sid}").get_data(as_text=True)
    assert 'data-can-decide="false"' in html and 'data-can-approve="true"' in html
    assert "Approve for publication" in html and "Mark review complete" not in html
    assert 'id="reason"' not in html and 'id="occurrence"' not in html


def test_the_screen_is_csp_clean_and_its_assets_are_local(client, world, as_user):
    sid = upload(client, world)
    as_user("reviewer")
    response = client.get(f"/review/{sid}")
    html = response.get_data(as_text=True)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in attrs for attrs in scripts), scripts
    assert " style=" not in html and "<style" not in html
    assert "http://" not in html and "https://" not in html
    for asset in ("/static/review/main.js", "/static/review.css"):
        assert asset in html
        served = client.get(asset)
        assert served.status_code == 200 and len(served.data) > 1000
        assert b"http://" not in served.data and b"https://" not in served.data
        served.close()


def test_the_nav_links_to_the_queue_for_the_secretariat_only(client, world, as_user):
    as_user("reviewer")
    assert 'href="/review">Review queue</a>' in client.get("/submissions").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/submissions").get_data(as_text=True))})
    as_user("panel")
    assert "Review queue" not in client.get("/submissions").get_data(as_text=True)


# -- the queue ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["reviewer", "approver"])
def test_the_queue_lists_submissions_with_due_dates_most_urgent_first(client, world, services, as_user, who):
    fresh = upload(client, world, title="Fresh draft")
    old = upload(client, world, "uploader_b", title="Old draft")
    backdate(services, old, 40)  # 40 calendar days > 15 working days: overdue
    as_user(who)
    response = client.get("/review")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Review queue</h1>" in html
    assert html.index("Old draft") < html.index("Fresh draft")
    rows = re.findall(r'<tr class="([^"]*)" data-id="([^"]+)">', html)
    assert rows[0] == ("overdue", old) and ("", fresh) in rows
    assert "Overdue" in html
    assert re.search(r"<td>\d{4}-\d{2}-\d{2}", html), "a due date is shown"
    assert "Partnership A" in html and "Partnership B" in html
    assert f'href="/review/{fresh}"' in html


def test_the_queue_filters_by_partnership_and_status(client, world, services, as_user):
    in_a = upload(client, world, title="Draft from A")
    in_b = upload(client, world, "uploader_b", title="Draft from B")
    as_user("reviewer")
    only_b = client.get(f"/review?partnership={world.partnerships['B']}").get_data(as_text=True)
    assert in_b in only_b and in_a not in only_b
    assert f'<option value="{world.partnerships["B"]}" selected>' in only_b
    assert "Partnership A" in only_b, "the filter still offers the other partnership"
    received = client.get("/review?status=received").get_data(as_text=True)
    assert in_a in received and in_b in received
    none = client.get("/review?status=approved").get_data(as_text=True)
    assert in_a not in none and "Nothing matches these filters." in none


# -- conflicts of interest ------------------------------------------------------------------------------
def test_when_the_reviewer_declared_an_interest_then_404_and_an_audit_event(client, world, services, as_user):
    from intake.accounts import conflicts
    from intake.accounts.auth import Principal
    from intake.models import AuditEvent

    sid = upload(client, world)
    other = upload(client, world, "uploader_b")
    account = world.accounts["reviewer"]
    principal = Principal(account.user_id, account.email, account.role, None)
    conflicts.declare(services, principal, partnership_id=world.partnerships["A"])
    as_user("reviewer")
    assert client.get(f"/review/{sid}").status_code == 404
    assert client.get(f"/review/{sid}/final.pdf").status_code == 404
    assert client.get(f"/review/{other}").status_code == 200
    with services.sessions() as session:
        refused = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "conflict.access_refused", AuditEvent.submission_id == sid)
        ).all()
    assert refused and all(e.actor_id == account.user_id for e in refused)
    queue = client.get("/review").get_data(as_text=True)
    assert sid not in queue and other in queue


def test_the_reason_codes_offered_are_the_ones_the_api_accepts():
    from intake.states import ReasonCode
    from intake.web.review import REASON_CODES

    assert [code for code, _label in REASON_CODES] == list(ReasonCode)


def test_when_a_review_was_sent_back_then_the_screen_and_the_queue_say_so(client, world, services, as_user):
    from intake.models import Submission

    sid = upload(client, world)
    with services.sessions() as session, session.begin():
        row = session.get(Submission, sid)
        row.status, row.review_note = "in_review", "the final PDF failed verification; review the flagged pages"
    as_user("reviewer")
    screen = client.get(f"/review/{sid}").get_data(as_text=True)
    assert "Back in review: the final PDF failed verification" in screen
    assert 'data-status="in_review"' in screen
    queue = client.get("/review").get_data(as_text=True)
    assert ">returned</span>" in queue and "in review" in queue


def test_when_the_engine_could_not_check_something_then_the_screen_asks_for_a_look_by_eye(
    client, world, services, as_user
):
    from intake.models import Submission
    from intake.storage.fields import seal_notes

    unchecked, checked = upload(client, world), upload(client, world)
    reason = "page 2: image 1: its text could not be read with confidence; check it by eye"
    with services.sessions() as session, session.begin():
        for sid, notes in ((unchecked, [reason]), (checked, [])):
            row = session.get(Submission, sid)
            key = services.keys.fields_key(session, sid)
            row.status = "proposed"
            row.warnings_enc = seal_notes(services.keys, key, sid, {"needs_review": notes, "kept_phrases": []})
    as_user("reviewer")
    screen = client.get(f"/review/{unchecked}").get_data(as_text=True)
    assert 'id="check-by-eye"' in screen and reason in screen
    assert 'id="check-by-eye"' not in client.get(f"/review/{checked}").get_data(as_text=True)


def test_a_verification_hold_is_shown_and_a_secretariat_user_overrides_it_with_a_reason(
    client, world, services, as_user
):
    """Fail closed: processing found a verification layer that did not run. The review screen says so
    (no document text), offers the override form; the override is audited and shown with its reason."""
    from intake.models import AuditEvent
    from tests.worker.fakes import FakeEngine
    from worker.context import WorkerContext
    from worker.jobs import process_submission

    sid = upload(client, world)
    engine = FakeEngine(pages=1, warnings=("second parser (pypdf) timed out",))
    assert (
        process_submission(sid, context=WorkerContext(services=services, engine=engine), owner="t")["outcome"]
        == "proposed"
    )
    as_user("reviewer")
    html = client.get(f"/review/{sid}").get_data(as_text=True)
    assert 'id="verification-hold"' in html and "second parser (pypdf) timed out" in html
    assert f'action="/review/{sid}/verification-hold"' in html and "Override the hold" in html
    queue = client.get("/review").get_data(as_text=True)
    assert "verification hold</span>" in queue
    token = csrf_from(html)
    short = client.post(f"/review/{sid}/verification-hold", data={"reason": "ok", "csrf_token": token})
    assert short.status_code == 303
    assert "was not overridden" in client.get(f"/review/{sid}").get_data(as_text=True)
    response = client.post(
        f"/review/{sid}/verification-hold",
        data={"reason": "Read the draft page by page; nothing hidden", "csrf_token": token},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/review/{sid}")
    html = client.get(f"/review/{sid}").get_data(as_text=True)
    assert f"Overridden by {world.accounts['reviewer'].email}" in html
    assert "Read the draft page by page; nothing hidden" in html and "Override the hold" not in html
    assert "verification hold</span>" not in client.get("/review").get_data(as_text=True)
    with services.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.submission_id == sid, AuditEvent.action == "review.verification_hold_overridden"
            )
        ).all()
        assert len(events) == 1 and "page by page" not in events[0].details
    assert client.post(f"/review/{sid}/verification-hold", data={"reason": "no token here"}).status_code == 400
