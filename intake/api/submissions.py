"""``/api/v1/submissions``: thin views over intake.submissions."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify, request
from flask import session as cookie_session
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from intake import revisions, submissions
from intake.api import api
from intake.app import services_of
from intake.auth import AuthenticationError, Principal, principal_from_token
from intake.http import document_response, read_upload

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _principal() -> Principal:
    header = request.headers.get("Authorization", "")
    if not header and cookie_session.get("uid"):
        return _session_principal()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError()
    services = services_of(current_app)
    with services.sessions() as session, session.begin():
        principal = principal_from_token(session, token.strip())
    g.principal = principal
    return principal


def _session_principal() -> Principal:
    """The review screen calls the API with its session cookie. A cookie is sent by the browser on its
    own, so unlike a bearer token it needs CSRF protection: unsafe methods must carry the page's token."""
    from intake.web.session import current_principal

    principal = current_principal()
    if principal is None:
        raise AuthenticationError()
    if request.method not in SAFE_METHODS:
        token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
        try:
            validate_csrf(token)
        except ValidationError as exc:
            raise CSRFError(str(exc)) from None
    return principal


@api.before_request
def _authenticate() -> None:
    _principal()


@api.post("/submissions")
def upload() -> tuple[Response, int]:
    services = services_of(current_app)
    upload = read_upload(request, services.settings.max_upload_bytes)
    received = submissions.receive(
        services, g.principal, data=upload.data, register_raw=upload.register, title=upload.title, kind=upload.kind
    )
    return jsonify(id=received.id, status=received.status, sha256=received.sha256), 202


@api.post("/submissions/<submission_id>/versions")
def upload_version(submission_id: str) -> tuple[Response, int]:
    services = services_of(current_app)
    upload = read_upload(request, services.settings.max_upload_bytes)
    received = revisions.receive_version(
        services, g.principal, submission_id, data=upload.data, register_raw=upload.register
    )
    return jsonify(id=received.id, status=received.status, sha256=received.sha256, revision=received.revision), 202


@api.get("/submissions")
def list_submissions() -> Response:
    services = services_of(current_app)
    items = submissions.list_visible(services, g.principal, status=request.args.get("status") or None)
    return jsonify(submissions=items)


@api.get("/submissions/<submission_id>")
def get_submission(submission_id: str) -> Response:
    return jsonify(submissions.get_visible(services_of(current_app), g.principal, submission_id))


@api.get("/submissions/<submission_id>/proposals")
def get_proposals(submission_id: str) -> Response:
    items = submissions.list_proposals(services_of(current_app), g.principal, submission_id)
    return jsonify(submission_id=submission_id, proposals=items)


@api.get("/submissions/<submission_id>/preview.pdf")
def get_preview(submission_id: str) -> Response:
    return _document(submission_id, "preview")


@api.get("/submissions/<submission_id>/original.pdf")
def get_original(submission_id: str) -> Response:
    return _document(submission_id, "original")


def _document(submission_id: str, role: str) -> Response:
    data, content_type = submissions.read_document(services_of(current_app), g.principal, submission_id, role)
    return document_response(data, content_type, submission_id, role)
