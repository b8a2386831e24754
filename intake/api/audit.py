"""``GET /api/v1/submissions/<id>/audit?format=json|csv|pdf``: the evidence export (thin view over
intake.review.evidence). On the versioned ``api`` blueprint, so bearer-token authentication applies."""

from __future__ import annotations

from flask import Blueprint, Response, request
from werkzeug.exceptions import BadRequest

from intake.http import current_principal, current_services
from intake.review import evidence


def register(api: Blueprint) -> None:
    api.add_url_rule("/submissions/<submission_id>/audit", view_func=export_audit, methods=["GET"])


def export_audit(submission_id: str) -> Response:
    fmt = (request.args.get("format") or "json").lower()
    if fmt not in evidence.FORMATS:
        raise BadRequest("format must be json, csv or pdf")
    exported = evidence.export_submission(current_services(), current_principal(), submission_id, fmt)
    data, content_type = evidence.render(exported, fmt)
    response = Response(data, content_type=content_type)
    disposition = "inline" if fmt == "json" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{evidence.filename(exported, fmt)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
