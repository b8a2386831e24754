"""Request and response plumbing shared by the API and the pages: the services and the caller of the
current request, uploads in, JSON bodies in, documents out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from flask import Request, Response, current_app, g, request, session
from werkzeug.exceptions import RequestEntityTooLarge

from intake.accounts import sessions
from intake.accounts.auth import AuthenticationError, Principal, principal_of
from intake.review.workflow import ReviewError
from intake.services import Services


def current_services() -> Services:
    """The Services the app factory stored on the app (``app.extensions["safepub"]``)."""
    return cast(Services, current_app.extensions["safepub"])


def principal_from_cookie() -> Principal | None:
    """The caller of a page (or of the API from the review screen), from the session cookie: an open
    server-side session (not logged out, idle or expired, not revoked) of a user who is still active."""
    if "principal" in g:
        return cast(Principal | None, g.principal)
    principal = None
    user_id, token = session.get("uid"), session.get("sid")
    if user_id and token:
        services = current_services()
        idle = timedelta(minutes=services.settings.session_idle_minutes)
        with services.sessions() as db, db.begin():
            user = sessions.resume(db, token, idle=idle)
            if user is not None and user.id == user_id and user.session_version == session.get("ver"):
                principal = principal_of(user)
    if principal is None and (user_id or token):  # a stale login; a CSRF token alone (the login form) stays
        session.clear()
    g.principal = principal
    return principal


def current_principal() -> Principal:
    """The authenticated caller. Every API request authenticates before its view runs, and every page
    that calls this is behind ``login_required``; reaching here without a caller is a 401, not a crash."""
    principal = g.get("principal")
    if principal is None:
        raise AuthenticationError()
    return cast(Principal, principal)


@dataclass(frozen=True)
class Upload:
    data: bytes
    register: bytes | None
    title: str | None
    kind: str | None


def read_upload(request: Request, max_bytes: int) -> Upload:
    """The multipart fields of an upload: ``file``, ``register`` (a file part or a text field),
    ``title`` and ``kind``. The bytes are already in memory (see InMemoryRequest)."""
    part = request.files.get("file")
    data = part.read() if part else b""
    if len(data) > max_bytes:
        raise RequestEntityTooLarge()
    register_part = request.files.get("register")
    if register_part is not None and (register_part.filename or register_part.content_length):
        register: bytes | None = register_part.read()
    else:
        text = request.form.get("register")
        register = text.encode("utf-8") if text is not None else None
    return Upload(data, register, request.form.get("title"), request.form.get("kind"))


def json_body() -> dict[str, Any]:
    """The request's JSON object (empty when there is no body); anything else is the client's mistake."""
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        raise ReviewError("the body must be JSON")
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ReviewError("the body must be a JSON object")
    return body


_EXTENSIONS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}


def document_response(data: bytes, content_type: str, submission_id: str, role: str) -> Response:
    """A decrypted document as a download (never rendered inline; Cache-Control is set app-wide)."""
    response = Response(data, content_type=content_type)
    extension = _EXTENSIONS.get(content_type.split(";")[0].strip(), "txt")
    response.headers["Content-Disposition"] = f'attachment; filename="{submission_id}-{role}.{extension}"'
    return response
