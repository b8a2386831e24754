"""Login, logout, and ``login_required`` for every page behind the session cookie.

The cookie holds the user id and a session token whose record lives on the server
(``intake.accounts.sessions``): logout, deactivation, a password reset and a role change revoke it there,
so a copied cookie stops working; sessions also end when idle and at an absolute limit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from intake import audit
from intake.accounts import sessions
from intake.accounts.access import can_upload
from intake.accounts.auth import AuthenticationError, authenticate, normalise_email
from intake.accounts.ratelimit import RateLimiter
from intake.accounts.throttle import LoginThrottle
from intake.http import current_services, principal_from_cookie
from intake.states import Status

F = TypeVar("F", bound=Callable[..., Any])


def register(web: Blueprint) -> None:
    web.add_url_rule("/login", view_func=login, methods=["GET", "POST"])
    web.add_url_rule("/logout", view_func=logout, methods=["POST"])
    web.app_context_processor(_template_globals)


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if principal_from_cookie() is None:
            return redirect(url_for("web.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("login.html", error=None)
    services = current_services()
    settings = services.settings
    email = (request.form.get("email") or "").strip()[:320]
    password = request.form.get("password") or ""
    limiter = RateLimiter(services.redis, settings.queue_name)
    if not limiter.hit(
        "login-ip", request.remote_addr or "-", limit=settings.login_attempts_per_minute, window_seconds=60
    ):
        return render_template("login.html", error="Too many attempts. Wait a minute and try again."), 429
    address = request.remote_addr or "-"
    throttle = LoginThrottle(
        services.redis, settings.queue_name, free_attempts=settings.login_max_failures,
        max_delay_seconds=settings.lockout_minutes * 60,
    )  # fmt: skip
    wait = throttle.wait_seconds(normalise_email(email), address)
    if wait:  # the same answer whether or not the account exists
        message = f"Too many failed attempts. Wait {wait} seconds and try again."
        return render_template("login.html", error=message), 429
    failure = None
    with services.sessions() as db, db.begin():
        # The audit event must be committed, so nothing raises in here.
        try:
            user = authenticate(db, email, password, settings)
        except AuthenticationError:
            failure = "Wrong e-mail address or password."
            audit.append(db, "login.failed", details={})
        else:
            audit.append(db, "login.succeeded", actor=audit.Actor(user.id, user.role, user.partnership_id))
            uid, version = user.id, user.session_version
            token = sessions.start(db, user, absolute=timedelta(hours=settings.session_hours))
    if failure:
        throttle.failed(normalise_email(email), address)
        return render_template("login.html", error=failure), 401
    throttle.succeeded(normalise_email(email), address)
    session.clear()  # a fresh session on login: no fixation
    session.permanent = True
    session["uid"], session["ver"], session["sid"] = uid, version, token
    return redirect(safe_next(request.args.get("next")) or url_for("web.submissions_page"))


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
