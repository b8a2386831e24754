"""`safepub users deactivate|reactivate|reset-password|set-role`, `users sessions`, `tokens list|create`:
a leaver loses access at once, a mover gets the new role at once, every change is audited without secrets."""

from __future__ import annotations

import json

from sqlalchemy import select

from intake.accounts import sessions
from intake.accounts.auth import AuthenticationError, principal_from_token
from intake.cli import _parser
from intake.models import ApiToken, AuditEvent, User


def run(settings, *argv: str) -> int:
    ns = _parser().parse_args(list(argv))
    return int(ns.handler(ns, settings) or 0)


def _session_for(services, world, who: str) -> str:
    from datetime import timedelta

    with services.sessions() as db, db.begin():
        return sessions.start(db, db.get(User, world.accounts[who].user_id), absolute=timedelta(hours=8))


def test_deactivating_a_leaver_ends_sessions_and_tokens_at_once(settings, services, world, capsys) -> None:
    token = _session_for(services, world, "reviewer")
    assert run(settings, "users", "deactivate", world.accounts["reviewer"].email) == 0
    assert "1 session(s), 1 token(s) revoked" in capsys.readouterr().out
    with services.sessions() as db, db.begin():
        assert sessions.resume(db, token, idle=sessions.TOUCH_EVERY * 30) is None
        try:
            principal_from_token(db, world.accounts["reviewer"].token)
            raise AssertionError("a leaver's API token still works")
        except AuthenticationError:
            pass
    assert run(settings, "users", "deactivate", world.accounts["reviewer"].email) == 2  # already


def test_reactivation_lets_the_user_sign_in_again_but_revives_nothing(settings, services, world) -> None:
    run(settings, "users", "deactivate", world.accounts["approver"].email)
    assert run(settings, "users", "reactivate", world.accounts["approver"].email) == 0
    with services.sessions() as db:
        user = db.get(User, world.accounts["approver"].user_id)
        token = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
        assert user.active and token.revoked_at is not None


def test_a_password_reset_prints_the_new_password_once_and_audits_no_secret(settings, services, world, capsys) -> None:
    assert run(settings, "users", "reset-password", world.accounts["panel"].email) == 0
    out = capsys.readouterr().out
    password = out.split("password: ", 1)[1].strip()
    assert len(password) >= 10
    with services.sessions() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.password_reset")).one()
        assert password not in event.details and password not in event.entry


def test_set_role_moves_a_user_and_records_from_and_to(settings, services, world) -> None:
    assert run(settings, "users", "set-role", world.accounts["reviewer"].email, "--role", "secretariat_approver") == 0
    with services.sessions() as db:
        assert db.get(User, world.accounts["reviewer"].user_id).role == "secretariat_approver"
        event = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.role_changed")).one()
        details = json.loads(event.details)
        assert details["from"] == "secretariat_reviewer" and details["to"] == "secretariat_approver"
    assert run(settings, "users", "set-role", world.accounts["reviewer"].email, "--role", "partnership_uploader") == 2
    assert run(settings, "users", "set-role", world.accounts["reviewer"].email, "--role", "king") == 2


def test_sessions_and_tokens_can_be_listed_without_showing_secrets(settings, services, world, capsys) -> None:
    token = _session_for(services, world, "admin")
    assert run(settings, "users", "sessions") == 0
    listed = capsys.readouterr().out
    assert world.accounts["admin"].email in listed and token not in listed
    assert run(settings, "tokens", "list") == 0
    tokens = capsys.readouterr().out
    assert world.accounts["admin"].email in tokens and world.accounts["admin"].token not in tokens


def test_new_tokens_expire_and_an_expired_token_is_refused(settings, services, world, capsys) -> None:
    from datetime import timedelta

    from intake.models import utcnow

    assert run(settings, "tokens", "create", "--email", world.accounts["admin"].email) == 0
    new = capsys.readouterr().out.strip()
    with services.sessions() as db, db.begin():
        record = db.scalars(select(ApiToken).where(ApiToken.prefix == new[:10])).one()
        assert record.expires_at is not None and record.expires_at > utcnow() + timedelta(days=settings.token_days - 1)
        record.expires_at = utcnow() - timedelta(seconds=1)
    with services.sessions() as db, db.begin():
        try:
            principal_from_token(db, new)
            raise AssertionError("an expired token still works")
        except AuthenticationError:
            pass
