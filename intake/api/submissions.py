"""``/api/v1/submissions``: uploads, new versions, listings, proposals and documents (thin views)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from intake.http import current_principal, current_services, document_response, read_upload
from intake.review import proposals
from intake.submissions import read, revisions, upload


def register(api: Blueprint) -> None:
    api.add_url_rule("/submissions", view_func=upload_submission, methods=["POST"], endpoint="upload")
    api.add_url_rule("/submissions/<submission_id>/versions", view_func=upload_version, methods=["POST"])
    api.add_url_rule("/submissions", view_func=list_submissions, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>", view_func=get_submission, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>/proposals", view_func=get_proposals, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>/preview.pdf", view_func=get_preview, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>/original.pdf", view_func=get_original, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>/final.pdf", view_func=get_final, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>/final.docx", view_func=get_word_copy, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>/hygiene", view_func=get_hygiene, methods=["GET"])


def upload_submission() -> tuple[Response, int]:
    services = current_services()
    sent = read_upload(request, services.settings.max_upload_bytes)
    received = upload.receive(
        services, current_principal(), data=sent.data, register_raw=sent.register, title=sent.title, kind=sent.kind
    )
    return jsonify(id=received.id, status=received.status, sha256=received.sha256), 202


def upload_version(submission_id: str) -> tuple[Response, int]:
    services = current_services()
    sent = read_upload(request, services.settings.max_upload_bytes)
    received = revisions.receive_version(
        services, current_principal(), submission_id, data=sent.data, register_raw=sent.register
    )
    return jsonify(id=received.id, status=received.status, sha256=received.sha256, revision=received.revision), 202


def list_submissions() -> Response:
    items = read.list_visible(current_services(), current_principal(), status=request.args.get("status") or None)
    return jsonify(submissions=items)


def get_submission(submission_id: str) -> Response:
    return jsonify(read.get_visible(current_services(), current_principal(), submission_id))


def get_proposals(submission_id: str) -> Response:
    items = proposals.list_proposals(current_services(), current_principal(), submission_id)
    return jsonify(submission_id=submission_id, proposals=items)


def get_word_copy(submission_id: str) -> Response:
    """The partnership's redacted .docx of a Word draft (made with the final PDF, verified part by part)."""
    return _document(submission_id, "final_docx")


def get_hygiene(submission_id: str) -> Response:
    """A Word draft's hidden channels: channel, count and places (never the hidden text itself)."""
    report = read.hygiene_report(current_services(), current_principal(), submission_id)
    return jsonify(submission_id=submission_id, channels=report)


def get_preview(submission_id: str) -> Response:
    return _document(submission_id, "preview")


def get_original(submission_id: str) -> Response:
    return _document(submission_id, "original")


def get_final(submission_id: str) -> Response:
    return _document(submission_id, "final")


def _document(submission_id: str, role: str) -> Response:
    data, content_type = read.read_document(current_services(), current_principal(), submission_id, role)
    return document_response(data, content_type, submission_id, role)
