"""Login, logout, and ``login_required`` for every page behind the session cookie.

The cookie holds the user id and the user's ``session_version``; bumping the version in the database
(password change, deactivation) invalidates every outstanding session of that user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from intake import audit
from intake.accounts.access import can_upload
from intake.accounts.auth import AccountLocked, AuthenticationError, authenticate
from intake.accounts.ratelimit import RateLimiter
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
    failure = None
    with services.sessions() as db, db.begin():
        # The failure counter and the audit event must be committed, so nothing raises in here.
        try:
            user = authenticate(db, email, password, settings)
        except AccountLocked:
            failure = "Too many failed attempts. Try again later."
            audit.append(db, "login.failed", details={"locked": True})
        except AuthenticationError:
            failure = "Wrong e-mail address or password."
            audit.append(db, "login.failed", details={"locked": False})
        else:
            audit.append(db, "login.succeeded", actor=audit.Actor(user.id, user.role, user.partnership_id))
            uid, version = user.id, user.session_version
    if failure:
        return render_template("login.html", error=failure), 401
    session.clear()  # a fresh session on login: no fixation
    session.permanent = True
    session["uid"], session["ver"] = uid, version
    target = request.args.get("next") or ""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        target = url_for("web.submissions_page")
    return redirect(target)


def logout() -> Response:
    session.clear()
    return redirect(url_for("web.login"))


def _template_globals() -> dict[str, Any]:
    principal = principal_from_cookie()
    return {"principal": principal, "can_upload": bool(principal and can_upload(principal)), "Status": Status}
