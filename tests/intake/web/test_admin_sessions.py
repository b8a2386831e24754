"""The admin's sessions page lists who is signed in and ends a session: that browser is signed out at
its next request. Only the admin role sees it."""

from __future__ import annotations

import re

from tests.intake.conftest import csrf_from


def _login(app, world, who):
    client = app.test_client()
    account = world.accounts[who]
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": account.email, "password": account.password, "csrf_token": token})
    assert response.status_code == 302
    return client


def test_an_admin_sees_open_sessions_and_ends_one(app, world, services):
    from sqlalchemy import select

    from intake.models import AuditEvent

    reviewer = _login(app, world, "reviewer")
    admin = _login(app, world, "admin")
    page = admin.get("/admin/sessions").get_data(as_text=True)
    assert world.accounts["reviewer"].email in page and world.accounts["admin"].email in page
    row = re.search(
        rf'<tr id="session-\w+">(?:(?!</tr>).)*{re.escape(world.accounts["reviewer"].email)}.*?action="([^"]+)"',
        page,
        re.DOTALL,
    )
    assert row, page
    ended = admin.post(row.group(1), data={"csrf_token": csrf_from(page)})
    assert ended.status_code == 302
    assert reviewer.get("/submissions").status_code == 302  # signed out: back to the login
    assert admin.get("/submissions").status_code == 200  # the admin's own session goes on
    assert world.accounts["reviewer"].email not in admin.get("/admin/sessions").get_data(as_text=True)
    with services.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "session.revoked")).one()
        assert event.actor_id == world.accounts["admin"].user_id


def test_only_the_admin_role_sees_the_sessions_page(app, world):
    for who in ("reviewer", "approver", "uploader_a", "panel"):
        assert _login(app, world, who).get("/admin/sessions").status_code == 403
    assert app.test_client().get("/admin/sessions").status_code == 302  # not signed in: to the login
