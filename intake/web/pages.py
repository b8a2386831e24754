"""Pages for partnerships and the Secretariat: submission list, upload, status."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from intake.accounts import access
from intake.http import current_principal, current_services, document_response, principal_from_cookie, read_upload
from intake.states import SUBMISSION_KINDS
from intake.submissions import read, upload
from intake.web.session import login_required


def register(web: Blueprint) -> None:
    web.add_url_rule("/", view_func=index)
    web.add_url_rule("/submissions", view_func=login_required(submissions_page))
    web.add_url_rule("/submissions/<submission_id>", view_func=login_required(submission_page))
    web.add_url_rule("/submissions/<submission_id>/status.json", view_func=login_required(submission_status))
    web.add_url_rule(
        "/submissions/<submission_id>/<any(preview, original):role>.pdf", view_func=login_required(submission_document)
    )
    web.add_url_rule("/upload", view_func=login_required(upload_page), methods=["GET", "POST"], endpoint="upload")


def index() -> BaseResponse:
    if principal_from_cookie() is None:
        return redirect(url_for("web.login"))
    return redirect(url_for("web.submissions_page"))


def submissions_page() -> str:
    principal = current_principal()
    items = read.list_visible(current_services(), principal)
    return render_template(
        "submissions.html", items=items, principal=principal, can_upload=access.can_upload(principal)
    )


def submission_page(submission_id: str) -> str:
    principal = current_principal()
    item = read.get_visible(current_services(), principal, submission_id)
    readable = access.READ.get(principal.role, frozenset())
    return render_template(
        "submission.html",
        item=item,
        principal=principal,
        readable=readable,
        can_withdraw=access.may(principal, access.Action.WITHDRAW),
    )  # the Panel reaches withdrawal here


def submission_status(submission_id: str) -> Response:
    principal = current_principal()
    item = read.get_visible(current_services(), principal, submission_id)
    return jsonify(
        status=item["status"],
        progress=item["progress"],
        failure_reason=item["failure_reason"],
        proposal_count=item["proposal_count"],
    )


def submission_document(submission_id: str, role: str) -> Response:
    principal = current_principal()
    data, content_type = read.read_document(current_services(), principal, submission_id, role)
    return document_response(data, content_type, submission_id, role)


def upload_page() -> str | BaseResponse | tuple[Response, int]:
    principal = current_principal()
    services = current_services()
    if request.method == "GET":
        access.require_upload(principal)
        return render_template(
            "upload.html", kinds=SUBMISSION_KINDS, max_mb=services.settings.max_upload_bytes // (1024 * 1024)
        )
    sent = read_upload(request, services.settings.max_upload_bytes)
    received = upload.receive(
        services, principal, data=sent.data, register_raw=sent.register, title=sent.title, kind=sent.kind
    )
    target = url_for("web.submission_page", submission_id=received.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(id=received.id, status=received.status, sha256=received.sha256, url=target), 202
    return redirect(target)
