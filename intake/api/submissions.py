"""``/api/v1/submissions``: thin views over intake.submissions."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from intake import submissions
from intake.api import api
from intake.app import services_of
from intake.auth import AuthenticationError, Principal, principal_from_token


def _principal() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError()
    services = services_of(current_app)
    with services.sessions() as session, session.begin():
        principal = principal_from_token(session, token.strip())
    g.principal = principal
    return principal


@api.before_request
def _authenticate() -> None:
    _principal()


@api.post("/submissions")
def upload() -> tuple[Response, int]:
    services = services_of(current_app)
    principal = g.principal
    upload_file = request.files.get("file")
    data = upload_file.read() if upload_file else b""
    if len(data) > services.settings.max_upload_bytes:
        raise RequestEntityTooLarge()
    register_raw = _register_bytes()
    received = submissions.receive(
        services,
        principal,
        data=data,
        register_raw=register_raw,
        title=request.form.get("title"),
        kind=request.form.get("kind"),
    )
    return jsonify(id=received.id, status=received.status, sha256=received.sha256), 202


def _register_bytes() -> bytes | None:
    part = request.files.get("register")
    if part is not None:
        return part.read()
    value = request.form.get("register")
    return value.encode("utf-8") if value is not None else None


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
    response = Response(data, mimetype=content_type.split(";")[0], content_type=content_type)
    extension = "pdf" if content_type.startswith("application/pdf") else "txt"
    response.headers["Content-Disposition"] = f'attachment; filename="{submission_id}-{role}.{extension}"'
    return response
