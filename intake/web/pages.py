"""Pages for partnerships and the Secretariat: submission list, upload, status."""

from __future__ import annotations

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from intake import access, submissions
from intake.app import services_of
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
    return render_template("submission.html", item=item, principal=principal, readable=readable)


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
    response = Response(data, content_type=content_type)
    extension = "pdf" if content_type.startswith("application/pdf") else "txt"
    response.headers["Content-Disposition"] = f'attachment; filename="{submission_id}-{role}.{extension}"'
    return response


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
    upload_file = request.files.get("file")
    data = upload_file.read() if upload_file else b""
    if len(data) > services.settings.max_upload_bytes:
        raise RequestEntityTooLarge()
    register_part = request.files.get("register")
    register_raw = register_part.read() if register_part and register_part.filename else None
    if register_raw is None and (request.form.get("register_text") or "").strip():
        register_raw = request.form["register_text"].encode("utf-8")
    received = submissions.receive(
        services,
        principal,
        data=data,
        register_raw=register_raw,
        title=request.form.get("title"),
        kind=request.form.get("kind"),
    )
    target = url_for("web.submission_page", submission_id=received.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(id=received.id, status=received.status, sha256=received.sha256, url=target), 202
    return redirect(target)
