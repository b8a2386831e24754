"""Pages for partnerships and the Secretariat: submission list, upload, status."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from intake.accounts import access
from intake.http import current_principal, current_services, document_response, principal_from_cookie, read_upload
from intake.states import SUBMISSION_KINDS
from intake.submissions import read, register_edit, upload
from intake.submissions.register_input import FieldError, RegisterRows, rows_from_form
from intake.web import register_form
from intake.web.session import login_required


def register(web: Blueprint) -> None:
    web.add_url_rule("/", view_func=index)
    web.add_url_rule("/submissions", view_func=login_required(submissions_page))
    web.add_url_rule("/submissions/<submission_id>", view_func=login_required(submission_page))
    web.add_url_rule("/submissions/<submission_id>/status.json", view_func=login_required(submission_status))
    web.add_url_rule(
        "/submissions/<submission_id>/<any(preview, original):role>.pdf", view_func=login_required(submission_document)
    )
    web.add_url_rule("/submissions/<submission_id>/final.docx", view_func=login_required(submission_word_copy))
    web.add_url_rule("/upload", view_func=login_required(upload_page), methods=["GET", "POST"], endpoint="upload")
    register_form.register(web)


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
        register_editor=principal.role in register_edit.EDITORS,
        can_edit_register=register_edit.may_edit(principal, item["status"]),
        register_updated=request.args.get("register") == "updated",
        hygiene=read.hygiene_report(current_services(), principal, submission_id) if "original" in readable else [],
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


def submission_word_copy(submission_id: str) -> Response:
    data, content_type = read.read_document(current_services(), current_principal(), submission_id, "final_docx")
    return document_response(data, content_type, submission_id, "redacted")


def submission_document(submission_id: str, role: str) -> Response:
    principal = current_principal()
    data, content_type = read.read_document(current_services(), principal, submission_id, role)
    return document_response(data, content_type, submission_id, role)


def upload_page() -> str | BaseResponse | tuple[Response, int] | tuple[str, int]:
    """The upload form: the draft, and the family register typed in rows or as a completed template.

    Problems with the register come back on the page with everything typed kept (the upload script gets
    them as JSON with field ids and shows them in place); a browser cannot keep a chosen file, so the
    page says to choose it again."""
    principal = current_principal()
    services = current_services()
    access.require_upload(principal)
    if request.method == "GET":
        return _render_upload(RegisterRows(), [])
    sent = read_upload(request, services.settings.max_upload_bytes)
    wants_json = request.accept_mimetypes.best == "application/json"
    kind = register_form.added_kind()
    if kind is not None:
        return _render_upload(rows_from_form(request.form), [], {kind: 1}, file_lost=bool(sent.data))
    rows, register_raw, errors = register_form.read_register(sent.register)
    if errors:
        if wants_json:
            return register_form.errors_json(errors)
        return _render_upload(rows, errors, file_lost=bool(sent.data)), 400
    try:
        received = upload.receive(
            services, principal, data=sent.data, register_raw=register_raw, title=sent.title, kind=sent.kind
        )
    except upload.UploadError as exc:
        if wants_json:
            raise
        field = "register" if isinstance(exc, upload.InvalidRegister) else "file"
        message = str(exc)
        problem = FieldError(field, message[:1].upper() + message[1:])
        return _render_upload(rows, [problem], file_lost=bool(sent.data)), 415 if field == "file" else 400
    target = url_for("web.submission_page", submission_id=received.id)
    if wants_json:
        return jsonify(id=received.id, status=received.status, sha256=received.sha256, url=target), 202
    return redirect(target)


def _render_upload(
    rows: RegisterRows, errors: list[FieldError], extra: dict[str, int] | None = None, *, file_lost: bool = False
) -> str:
    services = current_services()
    return render_template(
        "upload.html",
        kinds=SUBMISSION_KINDS,
        max_mb=services.settings.max_upload_bytes // (1024 * 1024),
        form=request.form if request.method == "POST" else {},
        file_lost=file_lost,
        **register_form.form_context(rows, errors, extra),
    )
