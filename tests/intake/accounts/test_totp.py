"""The optional TOTP second factor of Secretariat and admin accounts, through the pages and the CLI:
enrolment confirmed by a first code, the secret sealed at rest, a code needed after the password, wrong
and replayed codes refused with one message, wrong codes slowed down like passwords, the setting that
requires it, and `safepub users totp-reset`."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import select

from intake.accounts import totp
from intake.cli import _parser
from intake.models import AuditEvent, DataKeyRecord, User, UserSession
from intake.web.session import WRONG_CODE
from tests.intake.conftest import csrf_from


def _form(client, path: str, data: dict[str, str]):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def _password(client, world, who: str):
    account = world.accounts[who]
    return _form(client, "/login", {"email": account.email, "password": account.password})


def _secret_on(page: str) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert match, "no secret shown"
    return match.group(1).replace(" ", "")


def _enrol(client, as_user, who: str = "reviewer") -> str:
    as_user(who)
    page = client.get("/account/second-factor")
    assert page.status_code == 200
    secret = _secret_on(page.get_data(as_text=True))
    confirmed = _form(client, "/account/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200 and "Your second factor is set up" in confirmed.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/login").get_data(as_text=True))})
    return secret


def _signed_in(client) -> bool:
    response = client.get("/submissions")
    return response.status_code == 200


def _user(services, world, who: str) -> User:
    with services.sessions() as db:
        user = db.get(User, world.accounts[who].user_id)
        db.expunge(user)
        return user


def test_enrolment_shows_a_secret_once_confirmed_by_a_code_and_stores_it_sealed(client, world, services, as_user):
    as_user("reviewer")
    first = client.get("/account/second-factor").get_data(as_text=True)
    secret = _secret_on(first)
    assert "otpauth://totp/SafePub:reviewer%40example.test?secret=" + secret in first
    assert _secret_on(client.get("/account/second-factor").get_data(as_text=True)) == secret  # a reload: same key
    wrong = _form(client, "/account/second-factor", {"code": "000000"})
    assert wrong.status_code == 400 and WRONG_CODE in wrong.get_data(as_text=True)
    assert not totp.enrolled(_user(services, world, "reviewer"))

    confirmed = _form(client, "/account/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200
    user = _user(services, world, "reviewer")
    assert totp.enrolled(user) and user.totp_pending_enc is None
    assert secret.encode() not in user.totp_secret_enc  # sealed, not stored
    with services.sessions() as db:
        key = db.get(DataKeyRecord, user.totp_key_id)
        assert key.submission_id is None and key.purpose == f"totp:{user.id}" and key.wrapped
        [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.totp_enrolled")).all()
        assert secret not in event.entry


def test_a_partnership_uploader_has_no_second_factor_page(client, as_user):
    as_user("uploader_a")
    assert client.get("/account/second-factor").status_code == 403


def test_when_enrolled_then_the_password_alone_does_not_sign_in_and_a_current_code_does(
    client, world, services, as_user
):
    secret = _enrol(client, as_user)
    after_password = _password(client, world, "reviewer")
    assert after_password.status_code == 302 and after_password.headers["Location"].endswith("/login/code")
    assert not _signed_in(client)  # nothing is open between the two steps
    with services.sessions() as db:
        query = select(UserSession).where(
            UserSession.user_id == world.accounts["reviewer"].user_id, UserSession.revoked_at.is_(None)
        )
        assert not db.scalars(query).all()

    assert _password(client, world, "reviewer").status_code == 302
    wrong = _form(client, "/login/code", {"code": "123456"})
    assert wrong.status_code == 401 and WRONG_CODE in wrong.get_data(as_text=True)
    assert not _signed_in(client)
    # the next step's code (clock drift: one step either side is accepted); the enrolment used this one
    code = pyotp.TOTP(secret).at(time.time() + 30)
    ok = _form(client, "/login/code", {"code": code[:3] + " " + code[3:]})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/submissions")
    assert _signed_in(client)
    with services.sessions() as db:
        [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "login.succeeded")).all()[-1:]
        assert '"second_factor":true' in event.entry and code not in event.entry


def test_a_code_is_refused_a_second_time_within_its_window(client, world, services, as_user):
    secret = _enrol(client, as_user)
    code = pyotp.TOTP(secret).at(time.time() + 30)
    assert _password(client, world, "reviewer").status_code == 302
    assert _form(client, "/login/code", {"code": code}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/login").get_data(as_text=True))})

    assert _password(client, world, "reviewer").status_code == 302
    replay = _form(client, "/login/code", {"code": code})  # still within its 90-second window
    assert replay.status_code == 401 and WRONG_CODE in replay.get_data(as_text=True)
    assert not _signed_in(client)
    # and an older code than the last one accepted, too (the enrolment's own step)
    older = _form(client, "/login/code", {"code": pyotp.TOTP(secret).at(time.time() - 30)})
    assert older.status_code == 401


def test_wrong_codes_slow_the_account_down_like_wrong_passwords(client, world, services, settings, as_user):
    _enrol(client, as_user)
    assert _password(client, world, "reviewer").status_code == 302
    for _ in range(settings.login_free_attempts):
        assert _form(client, "/login/code", {"code": "000000"}).status_code == 401
    slowed = _form(client, "/login/code", {"code": "000000"})
    assert slowed.status_code == 429 and "Too many failed attempts" in slowed.get_data(as_text=True)
    # and the password step is slowed too: the same counters
    again = _password(client, world, "reviewer")
    assert again.status_code == 429


def test_the_code_step_expires_and_does_not_outlive_a_password_reset(client, world, services, as_user, settings):
    secret = _enrol(client, as_user)
    assert _password(client, world, "reviewer").status_code == 302
    with services.sessions() as db, db.begin():
        db.get(User, world.accounts["reviewer"].user_id).session_version += 1  # e.g. a password reset meanwhile
    late = _form(client, "/login/code", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert late.status_code == 302 and late.headers["Location"].endswith("/login")
    assert not _signed_in(client)
    assert client.get("/login/code").status_code == 302  # nothing pending any more


def test_when_required_then_a_secretariat_account_enrols_after_its_password_and_an_uploader_does_not(
    client, world, services, settings
):
    services.settings = settings.with_overrides(require_totp=True)
    first = _password(client, world, "approver")
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/second-factor")
    assert not _signed_in(client)
    secret = _secret_on(client.get("/login/second-factor").get_data(as_text=True))
    assert _form(client, "/login/second-factor", {"code": "999999"}).status_code == 401
    done = _form(client, "/login/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and _signed_in(client)
    assert totp.enrolled(_user(services, world, "approver"))

    other = client.application.test_client()
    uploader = _password(other, world, "uploader_a")
    assert uploader.status_code == 302 and uploader.headers["Location"].endswith("/submissions")


def test_cli_totp_reset_destroys_the_secret_and_ends_sessions(client, world, services, settings, as_user, capsys):
    _enrol(client, as_user)
    before = _user(services, world, "reviewer")
    email = world.accounts["reviewer"].email
    ns = _parser().parse_args(["users", "totp-reset", email])
    assert ns.handler(ns, settings) == 0
    assert "second factor of reviewer@example.test reset" in capsys.readouterr().out
    after = _user(services, world, "reviewer")
    assert not totp.enrolled(after) and after.totp_secret_enc is None and after.totp_key_id is None
    with services.sessions() as db:
        assert db.get(DataKeyRecord, before.totp_key_id).wrapped is None  # shredded
        assert db.scalars(select(AuditEvent).where(AuditEvent.action == "user.totp_reset")).one()
    # the password alone signs in again (not required here), and a second reset has nothing to do
    assert _password(client, world, "reviewer").headers["Location"].endswith("/submissions")
    ns = _parser().parse_args(["users", "totp-reset", email])
    assert ns.handler(ns, settings) == 2


def test_a_key_rotation_rewraps_the_users_key_and_the_second_factor_keeps_working(
    client, world, services, settings, as_user
):
    """The secret's data key belongs to no submission; `safepub keys rotate` must re-wrap it too, or the
    old KEK's erasure would lock every enrolled user out."""
    secret = _enrol(client, as_user)
    with services.sessions() as db:
        kek_before = db.get(DataKeyRecord, _user(services, world, "reviewer").totp_key_id).kek_id
    ns = _parser().parse_args(["keys", "rotate"])
    assert ns.handler(ns, settings) == 0
    with services.sessions() as db:
        assert db.get(DataKeyRecord, _user(services, world, "reviewer").totp_key_id).kek_id != kek_before
    assert _password(client, world, "reviewer").status_code == 302
    ok = _form(client, "/login/code", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert ok.status_code == 302 and _signed_in(client)
