"""Server-side sessions end on logout, when idle, at their absolute limit and when the user goes
(SQLite and PostgreSQL)."""

from datetime import timedelta

from intake.accounts import lifecycle, sessions
from intake.models import User, UserSession, utcnow

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=8)


def _user(db, world, who="reviewer") -> User:
    return db.get(User, world.accounts[who].user_id)


def test_a_new_session_resumes_and_the_database_holds_only_the_tokens_digest(services, world) -> None:
    with services.sessions() as db, db.begin():
        token = sessions.start(db, _user(db, world), absolute=ABSOLUTE)
    with services.sessions() as db, db.begin():
        assert sessions.resume(db, token, idle=IDLE).id == world.accounts["reviewer"].user_id
        assert db.get(UserSession, token) is None and db.get(UserSession, sessions.digest(token)) is not None


def test_a_revoked_session_does_not_resume(services, world) -> None:
    with services.sessions() as db, db.begin():
        token = sessions.start(db, _user(db, world), absolute=ABSOLUTE)
        assert sessions.revoke(db, token, "logout")
    with services.sessions() as db, db.begin():
        assert sessions.resume(db, token, idle=IDLE) is None


def test_an_idle_session_ends_and_says_why(services, world) -> None:
    now = utcnow()
    with services.sessions() as db, db.begin():
        token = sessions.start(db, _user(db, world), absolute=ABSOLUTE, now=now)
    with services.sessions() as db, db.begin():
        assert sessions.resume(db, token, idle=IDLE, now=now + IDLE - timedelta(seconds=1)) is not None
    with services.sessions() as db, db.begin():
        later = now + IDLE - timedelta(seconds=1) + IDLE + timedelta(seconds=1)
        assert sessions.resume(db, token, idle=IDLE, now=later) is None
    with services.sessions() as db:
        assert db.get(UserSession, sessions.digest(token)).revoked_reason == "idle"


def test_an_active_session_still_ends_at_its_absolute_limit(services, world) -> None:
    now = utcnow()
    with services.sessions() as db, db.begin():
        token = sessions.start(db, _user(db, world), absolute=ABSOLUTE, now=now)
    moment = now
    while moment < now + ABSOLUTE - IDLE:  # a request every 20 minutes
        moment += timedelta(minutes=20)
        with services.sessions() as db, db.begin():
            assert sessions.resume(db, token, idle=IDLE, now=moment) is not None
    with services.sessions() as db, db.begin():
        assert sessions.resume(db, token, idle=IDLE, now=now + ABSOLUTE) is None


def test_deactivating_a_user_ends_every_session_and_revokes_tokens(services, world) -> None:
    with services.sessions() as db, db.begin():
        tokens = [sessions.start(db, _user(db, world), absolute=ABSOLUTE) for _ in range(2)]
        _user_, ended, revoked = lifecycle.deactivate(db, world.accounts["reviewer"].email)
    assert ended == 2 and revoked == 1  # the world gives each account one API token
    with services.sessions() as db, db.begin():
        assert all(sessions.resume(db, t, idle=IDLE) is None for t in tokens)


def test_a_password_reset_or_a_role_change_ends_open_sessions(services, world) -> None:
    with services.sessions() as db, db.begin():
        first = sessions.start(db, _user(db, world), absolute=ABSOLUTE)
        lifecycle.reset_password(db, world.accounts["reviewer"].email, "a new long password")
        second = sessions.start(db, _user(db, world), absolute=ABSOLUTE)
        _u, previous, ended = lifecycle.set_role(db, world.accounts["reviewer"].email, "secretariat_approver")
    assert previous == "secretariat_reviewer" and ended == 1
    with services.sessions() as db, db.begin():
        assert sessions.resume(db, first, idle=IDLE) is None and sessions.resume(db, second, idle=IDLE) is None


def test_open_sessions_lists_only_live_ones(services, world) -> None:
    with services.sessions() as db, db.begin():
        live = sessions.start(db, _user(db, world), absolute=ABSOLUTE)
        dead = sessions.start(db, _user(db, world, "approver"), absolute=ABSOLUTE)
        sessions.revoke(db, dead)
    with services.sessions() as db:
        ids = [record.id for record, _user_ in sessions.open_sessions(db)]
    assert ids == [sessions.digest(live)]
