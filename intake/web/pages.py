"""Pages for partnerships and the Secretariat: submission list, upload, status."""

from __future__ import annotations

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from intake import access, submissions
from intake.app import services_of
from intake.handover.service import WITHDRAWERS
from intake.http import document_response, read_upload
from intake.models import SUBMISSION_KINDS
from intake.web import web
from intake.web.session import current_principal, login_required


@web.get("/")
def index() -> BaseResponse:
    if current_principal() is None:
        return redirect(url_for("web.login"))
    return redirect(url_for("web.submissions_page"))


@web.get("/submissions")
@login_required
def submissions_page() -> str:
    principal = current_principal()
    assert principal is not None
    items = submissions.list_visible(services_of(current_app), principal)
    return render_template(
        "submissions.html", items=items, principal=principal, can_upload=access.can_upload(principal)
    )


@web.get("/submissions/<submission_id>")
@login_required
def submission_page(submission_id: str) -> str:
    principal = current_principal()
    assert principal is not None
    item = submissions.get_visible(services_of(current_app), principal, submission_id)
    readable = access.READ.get(principal.role, frozenset())
    return render_template(
        "submission.html", item=item, principal=principal, readable=readable, can_withdraw=principal.role in WITHDRAWERS
    )  # the Panel reaches withdrawal here


@web.get("/submissions/<submission_id>/status.json")
@login_required
def submission_status(submission_id: str) -> Response:
    principal = current_principal()
    assert principal is not None
    item = submissions.get_visible(services_of(current_app), principal, submission_id)
    return jsonify(
        status=item["status"],
        progress=item["progress"],
        failure_reason=item["failure_reason"],
        proposal_count=item["proposal_count"],
    )


@web.get("/submissions/<submission_id>/<any(preview, original):role>.pdf")
@login_required
def submission_document(submission_id: str, role: str) -> Response:
    principal = current_principal()
    assert principal is not None
    data, content_type = submissions.read_document(services_of(current_app), principal, submission_id, role)
    return document_response(data, content_type, submission_id, role)


@web.route("/upload", methods=["GET", "POST"])
@login_required
def upload() -> str | BaseResponse | tuple[Response, int]:
    principal = current_principal()
    assert principal is not None
    services = services_of(current_app)
    if request.method == "GET":
        access.require_upload(principal)
        return render_template(
            "upload.html", kinds=SUBMISSION_KINDS, max_mb=services.settings.max_upload_bytes // (1024 * 1024)
        )
    upload = read_upload(request, services.settings.max_upload_bytes)
    received = submissions.receive(
        services, principal, data=upload.data, register_raw=upload.register, title=upload.title, kind=upload.kind
    )
    target = url_for("web.submission_page", submission_id=received.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(id=received.id, status=received.status, sha256=received.sha256, url=target), 202
    return redirect(target)
