"""The family register on the pages: the register form (on the upload page and on its own page after
upload), the spreadsheet templates, and the form's errors.

The form posts rows named ``people-0-name``, ``details-2-type``...; ``intake.submissions.register_input``
turns them into the register JSON the API accepts. Without JavaScript the "Add another ..." buttons are
submit buttons that send the form back with one more row and everything typed kept; with JavaScript
(``register_form.js``) they add the row in the page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from intake.http import current_principal, current_services
from intake.submissions import register_edit
from intake.submissions.register_input import (
    KINDS,
    FieldError,
    RegisterInputError,
    RegisterRows,
    register_bytes,
    rows_from_form,
    rows_from_register,
    to_register,
)
from intake.submissions.register_template import CSV_TYPE, XLSX_TYPE, read_register_file, template_csv, template_xlsx
from intake.web.session import login_required
from redaction.register import DETAIL_TYPES, ROLES

#: Where an error on the file inputs points.
FILE_FIELDS = ("file", "register")


def register(web: Blueprint) -> None:
    web.add_url_rule("/register-template.xlsx", view_func=login_required(template_xlsx_download))
    web.add_url_rule("/register-template.csv", view_func=login_required(template_csv_download))
    web.add_url_rule(
        "/submissions/<submission_id>/register",
        view_func=login_required(register_page),
        methods=["GET", "POST"],
        endpoint="register_page",
    )


def template_xlsx_download() -> Response:
    return _attachment(template_xlsx(), XLSX_TYPE, "safepub-family-register.xlsx")


def template_csv_download() -> Response:
    return _attachment(template_csv(), CSV_TYPE, "safepub-family-register.csv")


def _attachment(data: bytes, content_type: str, filename: str) -> Response:
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------------------------------------
# Reading the form
# ---------------------------------------------------------------------------------------------------------
def added_kind() -> str | None:
    """The kind whose "Add another" button sent the form (no JavaScript), or None for a real submit."""
    kind = request.form.get("add_rows")
    return kind if kind in KINDS else None


def read_register(file_part: bytes | None) -> tuple[RegisterRows, bytes | None, list[FieldError]]:
    """The rows typed, the register JSON to seal (from the form or from an uploaded file), and the
    problems. Both at once is refused: which one was meant is a guess we do not make."""
    try:
        rows = rows_from_form(request.form)
    except RegisterInputError as exc:
        return RegisterRows(), None, exc.errors
    register, errors = to_register(rows)
    if errors:
        return rows, None, errors
    raw = register_bytes(register)
    if file_part is not None and file_part.strip():
        if raw is not None:
            message = (
                "You filled in the register form and chose a register file: use one or the other. "
                "Remove the file, or clear the form's rows."
            )
            return rows, None, [FieldError("register", message)]
        try:
            raw = read_register_file(file_part)
        except RegisterInputError as exc:
            return rows, None, exc.errors
    return rows, raw, []


def form_context(rows: RegisterRows, errors: list[FieldError], extra: dict[str, int] | None = None) -> dict[str, Any]:
    """What ``_register_form.html`` needs: the rows (padded with blank ones), errors by field id, the lists."""
    return {
        "rows": rows.padded(extra).rows,
        "errors": errors,
        "error_for": {e.field: e.message for e in errors},
        "roles": ROLES,
        "detail_types": {code: label for code, (label, _category) in DETAIL_TYPES.items()},
    }


def errors_json(errors: list[FieldError]) -> tuple[Response, int]:
    """For the upload script: every problem with the id of its field, so the page can show them in place."""
    body = jsonify(
        error="invalid_register",
        message="; ".join(e.message for e in errors),
        errors=[{"field": e.field, "message": e.message} for e in errors],
    )
    return body, 400


# ---------------------------------------------------------------------------------------------------------
# The register page of a submission
# ---------------------------------------------------------------------------------------------------------
def register_page(submission_id: str) -> str | BaseResponse | tuple[str, int]:
    principal = current_principal()
    services = current_services()
    if request.method == "GET":
        raw = register_edit.open_for_edit(services, principal, submission_id)
        return _render_edit(submission_id, rows_from_register(raw), [])
    register_edit.require_editable(services, principal, submission_id)
    kind = added_kind()
    if kind is not None:
        return _render_edit(submission_id, rows_from_form(request.form), [], {kind: 1})
    part = request.files.get("register")
    rows, raw, errors = read_register(part.read() if part is not None else None)
    if errors:
        return _render_edit(submission_id, rows, errors), 400
    result = register_edit.update_register(services, principal, submission_id, raw)
    if result is None:
        return _render_edit(submission_id, rows, [], notice="Nothing has changed, so no new revision was made.")
    return redirect(url_for("web.submission_page", submission_id=submission_id, register="updated"))


def _render_edit(
    submission_id: str,
    rows: RegisterRows,
    errors: list[FieldError],
    extra: dict[str, int] | None = None,
    notice: str | None = None,
) -> str:
    return render_template(
        "register_edit.html",
        submission_id=submission_id,
        notice=notice,
        **form_context(rows, errors, extra),
    )
