"""``GET /api/v1/submissions/<id>/audit?format=json|csv|pdf``: the evidence export (thin view over
intake.audit_export). Registered on the versioned ``api`` blueprint, so bearer-token authentication applies."""

from __future__ import annotations

from flask import Response, current_app, g, request
from werkzeug.exceptions import BadRequest

from intake import audit_export
from intake.api import api
from intake.app import services_of


@api.get("/submissions/<submission_id>/audit")
def export_audit(submission_id: str) -> Response:
    fmt = (request.args.get("format") or "json").lower()
    if fmt not in audit_export.FORMATS:
        raise BadRequest("format must be json, csv or pdf")
    evidence = audit_export.export_submission(services_of(current_app), g.principal, submission_id, fmt)
    data, content_type = audit_export.render(evidence, fmt)
    response = Response(data, content_type=content_type)
    disposition = "inline" if fmt == "json" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{audit_export.filename(evidence, fmt)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
