"""The administrator's sessions page: who is signed in, and ending a session (a lost laptop, a leaver
who has not been deactivated yet). Admin only; a revocation is audited with ids, never a token."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from intake import audit
from intake.accounts import sessions
from intake.accounts.auth import actor_of
from intake.http import current_principal, current_services
from intake.states import Role
from intake.web.session import login_required


def register(web: Blueprint) -> None:
    web.add_url_rule("/admin/sessions", view_func=login_required(sessions_page), endpoint="admin_sessions")
    web.add_url_rule(
        "/admin/sessions/<session_id>/revoke",
        view_func=login_required(revoke_session),
        methods=["POST"],
        endpoint="admin_revoke_session",
    )


def _require_admin() -> None:
    if current_principal().role != Role.ADMIN:
        abort(403)


def sessions_page() -> str:
    _require_admin()
    with current_services().sessions() as db:
        rows = [
            {
                "id": record.id,
                "short": record.id[:12],
                "email": user.email,
                "role": user.role,
                "created": record.created_at.strftime("%Y-%m-%d %H:%M"),
                "last_seen": record.last_seen_at.strftime("%Y-%m-%d %H:%M"),
                "expires": record.expires_at.strftime("%Y-%m-%d %H:%M"),
            }
            for record, user in sessions.open_sessions(db)
        ]
    return render_template("admin_sessions.html", rows=rows)


def revoke_session(session_id: str) -> Response:
    _require_admin()
    principal = current_principal()
    with current_services().sessions() as db, db.begin():
        if sessions.revoke_by_id(db, session_id, "revoked_by_admin"):
            audit.append(db, "session.revoked", actor=actor_of(principal), details={"session": session_id[:12]})
            flash("Session ended.", "good")
        else:
            flash("That session had already ended.", "bad")
    return redirect(url_for("web.admin_sessions"))
