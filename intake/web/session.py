"""Login (password, then a TOTP code for an enrolled Secretariat or admin account), second-factor
enrolment, logout, and ``login_required`` for every page behind the session cookie.

The cookie holds the user id and a session token whose record lives on the server
(``intake.accounts.sessions``): logout, deactivation, a password reset and a role change revoke it there,
so a copied cookie stops working; sessions also end when idle and at an absolute limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from intake import audit
from intake.accounts import sessions, totp
from intake.accounts.access import can_upload
from intake.accounts.auth import AuthenticationError, authenticate, normalise_email
from intake.accounts.ratelimit import RateLimiter
from intake.accounts.throttle import LoginThrottle
from intake.http import current_principal, current_services, principal_from_cookie
from intake.models import User, utcnow
from intake.states import Status

F = TypeVar("F", bound=Callable[..., Any])


def register(web: Blueprint) -> None:
    web.add_url_rule("/login", view_func=login, methods=["GET", "POST"])
    web.add_url_rule("/login/code", view_func=login_code, methods=["GET", "POST"])
    web.add_url_rule("/login/second-factor", view_func=login_enrol, methods=["GET", "POST"])
    web.add_url_rule("/account/second-factor", view_func=second_factor, methods=["GET", "POST"])
    web.add_url_rule("/logout", view_func=logout, methods=["POST"])
    web.app_context_processor(_template_globals)


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if principal_from_cookie() is None:
            return redirect(url_for("web.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


WRONG_PASSWORD = "Wrong e-mail address or password."
#: every failure of the second step, whatever the cause (wrong, already used, malformed, out of time)
WRONG_CODE = "Wrong code. Type the code your authenticator app shows now."
#: how long the password step is remembered while the code is typed (or a required factor enrolled)
PENDING_SECONDS = 300


def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("login.html", error=None)
    services = current_services()
    settings = services.settings
    email = (request.form.get("email") or "").strip()[:320]
    password = request.form.get("password") or ""
    refused = _refused(normalise_email(email), "login.html")
    if refused is not None:
        return refused
    failure, second = None, None
    with services.sessions() as db, db.begin():
        # The audit event must be committed, so nothing raises in here.
        try:
            user = authenticate(db, email, password)
        except AuthenticationError:
            failure = WRONG_PASSWORD
            audit.append(db, "login.failed", details={})
        else:
            if totp.enrolled(user):
                second = "code"
            elif totp.required(settings, user):
                second = "enrol"
            else:
                token = _start(db, user, second_factor=False)
            uid, version = user.id, user.session_version
    if failure:
        _throttle().failed(normalise_email(email), _address())
        return render_template("login.html", error=failure), 401
    nxt = safe_next(request.args.get("next"))
    if second is not None:
        # the password was right; the session starts only after the second step. The throttle is not
        # reset yet, so wrong codes keep slowing this account and address down.
        session.clear()
        session["pending"] = {"uid": uid, "ver": version, "at": int(time.time()), "step": second, "next": nxt}
        return redirect(url_for("web.login_code" if second == "code" else "web.login_enrol"))
    _throttle().succeeded(normalise_email(email), _address())
    return _signed_in(uid, version, token, nxt)


def login_code() -> str | Response | tuple[str, int]:
    """The second step of an enrolled account's login: a current TOTP code, used once."""
    pending = _pending("code")
    if pending is None:
        return redirect(url_for("web.login"))
    if request.method == "GET":
        return render_template("login_code.html", error=None)
    services = current_services()
    code = request.form.get("code") or ""
    with services.sessions() as db, db.begin():
        user = _pending_user(db, pending)
        email = user.email if user is not None else ""
    if user is None:
        session.pop("pending", None)
        return redirect(url_for("web.login"))
    refused = _refused(email, "login_code.html")
    if refused is not None:
        return refused
    with services.sessions() as db, db.begin():
        user = _pending_user(db, pending)
        ok = user is not None and totp.verify(services.keys, db, user, code)
        if user is not None and ok:
            token = _start(db, user, second_factor=True)
            uid, version = user.id, user.session_version
        else:
            audit.append(db, "login.failed", details={"stage": "second_factor"})
    if not ok:
        _throttle().failed(email, _address())
        return render_template("login_code.html", error=WRONG_CODE), 401
    _throttle().succeeded(email, _address())
    return _signed_in(uid, version, token, pending.get("next"))


def login_enrol() -> str | Response | tuple[str, int]:
    """A Secretariat or admin account without a second factor where one is required
    (``SAFEPUB_REQUIRE_TOTP``): it enrols now, after its password, and is then signed in."""
    pending = _pending("enrol")
    if pending is None:
        return redirect(url_for("web.login"))
    services = current_services()
    with services.sessions() as db, db.begin():
        user = _pending_user(db, pending)
        if user is None:
            session.pop("pending", None)
            return redirect(url_for("web.login"))
        email = user.email
        if request.method == "GET":
            secret = totp.pending_secret(services.keys, db, user) or totp.begin_enrolment(services.keys, db, user)
            return _enrol_page(secret, email, error=None, action=url_for("web.login_enrol"))
    refused = _refused(email, "login_code.html")
    if refused is not None:
        return refused
    with services.sessions() as db, db.begin():
        user = _pending_user(db, pending)
        confirmed = user is not None and totp.confirm_enrolment(services.keys, db, user, request.form.get("code") or "")
        if user is not None and confirmed:
            _audit_enrolled(db, user)
            token = _start(db, user, second_factor=True)
            uid, version = user.id, user.session_version
        else:
            audit.append(db, "login.failed", details={"stage": "second_factor_enrolment"})
            shown = totp.pending_secret(services.keys, db, user) if user is not None else None
    if not confirmed:
        _throttle().failed(email, _address())
        if shown is None:
            return redirect(url_for("web.login"))
        return _enrol_page(shown, email, error=WRONG_CODE, action=url_for("web.login_enrol"), status=401)
    _throttle().succeeded(email, _address())
    return _signed_in(uid, version, token, pending.get("next"))


@login_required
def second_factor() -> str | Response | tuple[str, int]:
    """A signed-in Secretariat or admin user sets up their second factor (or sees that they have one)."""
    principal = current_principal()
    services = current_services()
    with services.sessions() as db, db.begin():
        user = db.get(User, principal.user_id)
        assert user is not None
        if not totp.applies_to(user):
            return render_template("totp_enrol.html", applies=False, enrolled=False, secret=None), 403
        if totp.enrolled(user):
            return render_template("totp_enrol.html", applies=True, enrolled=True, secret=None, error=None)
        if request.method == "GET":
            secret = totp.pending_secret(services.keys, db, user) or totp.begin_enrolment(services.keys, db, user)
            return _enrol_page(secret, user.email, error=None, action=url_for("web.second_factor"))
        confirmed = totp.confirm_enrolment(services.keys, db, user, request.form.get("code") or "")
        if confirmed:
            _audit_enrolled(db, user)
        shown = None if confirmed else totp.pending_secret(services.keys, db, user)
        email = user.email
    if confirmed:
        return render_template("totp_enrol.html", applies=True, enrolled=True, secret=None, error=None, just=True)
    if shown is None:
        return redirect(url_for("web.second_factor"))
    return _enrol_page(shown, email, error=WRONG_CODE, action=url_for("web.second_factor"), status=400)


def _enrol_page(secret: str, email: str, *, error: str | None, action: str, status: int = 200) -> tuple[str, int]:
    html = render_template(
        "totp_enrol.html",
        applies=True,
        enrolled=False,
        secret=secret,
        grouped=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        uri=totp.provisioning_uri(secret, email),
        error=error,
        action=action,
    )
    return html, status


def _audit_enrolled(db: Session, user: User) -> None:
    actor = audit.Actor(user.id, user.role, user.partnership_id)
    audit.append(db, "user.totp_enrolled", actor=actor, details={"user": user.id})


def _start(db: Session, user: User, *, second_factor: bool) -> str:
    """The whole login succeeded: audit it and open the server-side session (the caller's transaction)."""
    settings = current_services().settings
    actor = audit.Actor(user.id, user.role, user.partnership_id)
    audit.append(db, "login.succeeded", actor=actor, details={"second_factor": second_factor})
    user.last_login_at = utcnow()
    return sessions.start(db, user, absolute=timedelta(hours=settings.session_hours))


def _signed_in(uid: str, version: int, token: str, nxt: str | None) -> Response:
    session.clear()  # a fresh session on login: no fixation
    session.permanent = True
    session["uid"], session["ver"], session["sid"] = uid, version, token
    return redirect(safe_next(nxt) or url_for("web.submissions_page"))


def _pending(step: str) -> dict[str, Any] | None:
    """The remembered password step (signed cookie: the user's id, never a secret), if recent."""
    pending = session.get("pending")
    if not isinstance(pending, dict) or pending.get("step") != step:
        return None
    if not isinstance(pending.get("at"), int) or time.time() - pending["at"] > PENDING_SECONDS:
        session.pop("pending", None)
        return None
    return pending


def _pending_user(db: Session, pending: dict[str, Any]) -> User | None:
    user = db.get(User, str(pending.get("uid")))
    if user is None or not user.active or user.session_version != pending.get("ver"):
        return None  # deactivated, password reset or role changed since the password was typed
    return user


def _address() -> str:
    return request.remote_addr or "-"


def _throttle() -> LoginThrottle:
    settings = current_services().settings
    return LoginThrottle(
        current_services().redis, settings.queue_name, free_attempts=settings.login_free_attempts,
        max_delay_seconds=settings.login_max_delay_minutes * 60,
    )  # fmt: skip


def _refused(email: str, template: str) -> tuple[str, int] | None:
    """The per-address rate limit and the per-account-and-address delay, for the password and the code
    alike (the same counters: wrong codes slow down exactly as wrong passwords do)."""
    services = current_services()
    settings = services.settings
    limiter = RateLimiter(services.redis, settings.queue_name)
    if not limiter.hit("login-ip", _address(), limit=settings.login_attempts_per_minute, window_seconds=60):
        return render_template(template, error="Too many attempts. Wait a minute and try again."), 429
    wait = _throttle().wait_seconds(email, _address())
    if wait:  # the same answer whether or not the account exists
        message = f"Too many failed attempts. Wait {wait} seconds and try again."
        return render_template(template, error=message), 429
    return None


def safe_next(target: str | None) -> str | None:
    """A page of this site to return to after login, or None. Only a path on this host: it starts with
    one "/", and holds no backslash, whitespace or control character (browsers drop a tab or a newline
    from a URL, so "/<TAB>/evil.example" would become "//evil.example", another site)."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if any(ch == "\\" or ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    if target.startswith("//"):
        return None
    return target


def logout() -> Response:
    """Ends the session on the server too: a copy of the cookie no longer works."""
    token = session.get("sid")
    if token:
        with current_services().sessions() as db, db.begin():
            sessions.revoke(db, token, "logout")
    session.clear()
    return redirect(url_for("web.login"))


def _template_globals() -> dict[str, Any]:
    principal = principal_from_cookie()
    return {"principal": principal, "can_upload": bool(principal and can_upload(principal)), "Status": Status}
