"""The pages: login (CSRF, growing delay, rate limit, server-side sessions, safe next, cookie flags), upload
with progress, status, access."""

from __future__ import annotations

import io
import re

import pytest

from tests.intake.conftest import csrf_from
from tests.worker.fakes import FakeEngine
from worker.context import WorkerContext
from worker.jobs import process_submission

TEXT = b"Draft. Zephyrine Quillfeather lives in Saltmarsh.\n"


def login(client, email, password, address="127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    token = csrf_from(client.get("/login", environ_base=environ).get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token}, environ_base=environ)


@pytest.fixture
def as_user(client, world):
    def do(who):
        account = world.accounts[who]
        response = login(client, account.email, account.password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do


def test_when_logged_in_then_redirected_with_a_hardened_session_cookie(client, world):
    response = login(client, world.accounts["reviewer"].email, world.accounts["reviewer"].password)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/submissions")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/submissions").status_code == 200


def test_when_cookies_are_secure_then_the_session_cookie_says_so(settings, services, world):
    from intake.app import create_app

    app = create_app(settings.with_overrides(cookie_secure=True), services=services)
    client = app.test_client()
    token = csrf_from(client.get("/login", base_url="https://localhost").get_data(as_text=True))
    response = client.post(
        "/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},
        data={
            "email": world.accounts["reviewer"].email,
            "password": world.accounts["reviewer"].password,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_when_the_csrf_token_is_missing_then_the_login_is_refused(client, world):
    response = client.post(
        "/login",
        data={"email": world.accounts["reviewer"].email, "password": world.accounts["reviewer"].password},
    )
    assert response.status_code == 400
    assert client.get("/submissions").status_code == 302


def test_when_the_password_is_wrong_then_401_with_a_generic_message(client, world):
    wrong = login(client, world.accounts["reviewer"].email, "not the password")
    unknown = login(client, "nobody@example.test", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail address or password" in wrong.get_data(as_text=True)
    assert "Wrong e-mail address or password" in unknown.get_data(as_text=True)


def test_when_too_many_failures_then_this_address_must_wait_whether_or_not_the_account_exists(client, world, settings):
    account = world.accounts["approver"]
    for email in (account.email, "nobody@example.test"):
        for _ in range(settings.login_max_failures):
            assert login(client, email, "wrong password!").status_code == 401
        throttled = login(client, email, account.password)
        assert throttled.status_code == 429
        assert "Too many failed attempts. Wait 2 seconds" in throttled.get_data(as_text=True)


def test_when_an_attacker_elsewhere_fails_many_times_then_the_owner_can_still_sign_in(app, world, settings):
    account = world.accounts["approver"]
    attacker = app.test_client()
    for _ in range(settings.login_max_failures + 3):
        login(attacker, account.email, "wrong password!", address="203.0.113.9")
    owner = app.test_client()
    assert login(owner, account.email, account.password, address="10.1.1.1").status_code == 302


def test_when_logged_out_then_a_copy_of_the_cookie_no_longer_works(app, world):
    client = app.test_client()
    account = world.accounts["reviewer"]
    assert login(client, account.email, account.password).status_code == 302
    copied = client.get_cookie("safepub_session").value
    token = csrf_from(client.get("/submissions").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("safepub_session", copied)
    assert thief.get("/submissions").status_code == 302  # back to the login


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/%0A/x",
        "/ok%0d%0aSet-Cookie:x",
    ],
)
def test_when_next_is_not_a_path_on_this_site_then_login_goes_to_the_submissions(client, world, target):
    account = world.accounts["reviewer"]
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        f"/login?next={target}", data={"email": account.email, "password": account.password, "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] in ("/submissions", "http://localhost/submissions")


def test_when_next_is_a_path_on_this_site_then_login_returns_there(client, world):
    account = world.accounts["reviewer"]
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=/review/abc", data={"email": account.email, "password": account.password, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/review/abc")


def test_when_one_address_tries_too_often_then_429(settings, services, world):
    from intake.app import create_app

    client = create_app(settings.with_overrides(login_attempts_per_minute=3), services=services).test_client()
    codes = [login(client, "nobody@example.test", "x" * 12).status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]


def test_when_logged_out_then_the_session_is_gone(as_user):
    client = as_user("reviewer")
    token = csrf_from(client.get("/submissions").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/submissions").status_code == 302


def test_when_the_user_is_deactivated_then_the_session_stops_working(as_user, services, world):
    from intake.models import User

    client = as_user("reviewer")
    with services.sessions() as session, session.begin():
        session.get(User, world.accounts["reviewer"].user_id).session_version += 1
    assert client.get("/submissions").status_code == 302


def test_the_upload_page_posts_with_csrf_and_reports_json_for_the_progress_script(as_user, world):
    client = as_user("uploader_a")
    page = client.get("/upload")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="/static/upload.js"' in html
    response = client.post(
        "/upload",
        data={"file": (io.BytesIO(TEXT), "d.txt"), "kind": "scr", "title": "Child Z"},
        headers={"Accept": "application/json", "X-CSRFToken": csrf_from(html)},
    )
    assert response.status_code == 202
    body = response.get_json()
    assert body["url"] == f"/submissions/{body['id']}"
    detail = client.get(body["url"])
    assert detail.status_code == 200
    assert "Child Z" in detail.get_data(as_text=True)


def test_an_upload_without_csrf_is_refused(as_user):
    client = as_user("uploader_a")
    response = client.post("/upload", data={"file": (io.BytesIO(TEXT), "d.txt")})
    assert response.status_code == 400


def test_a_wrong_type_from_the_page_is_a_readable_415(as_user):
    client = as_user("uploader_a")
    token = csrf_from(client.get("/upload").get_data(as_text=True))
    response = client.post(
        "/upload",
        data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n...."), "d.pdf")},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 415
    assert "PNG" in response.get_json()["message"]


def test_the_secretariat_cannot_open_the_upload_page(as_user):
    assert as_user("reviewer").get("/upload").status_code == 403


@pytest.mark.parametrize(
    ("who", "page", "original", "preview"),
    [
        ("uploader_a", 200, 200, 200),
        ("uploader_b", 404, 404, 404),
        ("reviewer", 200, 200, 200),
        ("panel", 200, 403, 200),
        ("admin", 200, 403, 403),
    ],
)
def test_pages_apply_the_same_access_rules_as_the_api(client, world, services, as_user, who, page, original, preview):
    uploaded = client.post(
        "/api/v1/submissions", data={"file": (io.BytesIO(TEXT), "d.txt")}, headers=world.headers("uploader_a")
    ).get_json()["id"]
    process_submission(uploaded, context=WorkerContext(services=services, engine=FakeEngine()), owner="j")
    browser = as_user(who)
    assert browser.get(f"/submissions/{uploaded}").status_code == page
    assert browser.get(f"/submissions/{uploaded}/original.pdf").status_code == original
    assert browser.get(f"/submissions/{uploaded}/preview.pdf").status_code == preview
    status = browser.get(f"/submissions/{uploaded}/status.json")
    assert status.status_code == page
    if page == 200:
        assert status.get_json()["status"] == "proposed"


def test_pages_are_no_store_with_a_strict_csp_and_no_external_assets(client, world, as_user):
    browser = as_user("uploader_a")
    for path in ("/login", "/submissions", "/upload"):
        response = browser.get(path)
        assert response.headers["Cache-Control"] == "no-store"
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        html = response.get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), f"external asset on {path}"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_the_login_never_redirects_off_site(client, world, target):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    account = world.accounts["reviewer"]
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": account.email, "password": account.password, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/submissions"
