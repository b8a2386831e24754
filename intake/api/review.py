"""The review workflow's API (docs/review-api.md): thin views over intake.review, intake.conflicts and
intake.nonpublication, plus the OpenAPI document."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Response, current_app, g, jsonify, request

from intake import conflicts, nonpublication, review, submissions
from intake.api import api
from intake.app import services_of
from intake.http import document_response

OPENAPI = Path(__file__).resolve().parent.parent / "openapi.json"


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and request.get_data():
        raise review.ReviewError("the body must be JSON")
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise review.ReviewError("the body must be a JSON object")
    return body


@api.get("/review/queue")
def review_queue() -> Response:
    items = review.queue(
        services_of(current_app),
        g.principal,
        status=request.args.get("status") or None,
        partnership_id=request.args.get("partnership") or None,
    )
    return jsonify(submissions=items)


@api.get("/submissions/<submission_id>/pages")
def get_pages(submission_id: str) -> Response:
    return jsonify(pages=review.pages(services_of(current_app), g.principal, submission_id))


@api.get("/submissions/<submission_id>/pages/<int:page>.png")
def get_page_image(submission_id: str, page: int) -> Response:
    try:
        dpi = int(request.args.get("dpi") or 110)
    except ValueError:
        raise review.ReviewError("dpi must be a whole number") from None
    preview = request.args.get("preview") in ("1", "true", "yes")
    png = review.page_image(services_of(current_app), g.principal, submission_id, page, preview=preview, dpi=dpi)
    return Response(png, mimetype="image/png")


@api.post("/submissions/<submission_id>/decisions")
def post_decisions(submission_id: str) -> Response:
    body = _body()
    applied = review.apply(
        services_of(current_app), g.principal, submission_id, decisions=body.get("decisions"), manual=body.get("manual")
    )
    return jsonify(
        applied=applied.applied,
        manual_ids=applied.manual_ids,
        open_proposals=applied.open_proposals,
        status=applied.status,
    )


@api.post("/submissions/<submission_id>/complete")
def post_complete(submission_id: str) -> Response:
    _body()
    return jsonify(review.complete(services_of(current_app), g.principal, submission_id))


@api.post("/submissions/<submission_id>/approve")
def post_approve(submission_id: str) -> tuple[Response, int]:
    _body()
    return jsonify(review.approve(services_of(current_app), g.principal, submission_id)), 202


@api.get("/submissions/<submission_id>/final.pdf")
def get_final(submission_id: str) -> Response:
    data, content_type = submissions.read_document(services_of(current_app), g.principal, submission_id, "final")
    return document_response(data, content_type, submission_id, "final")


@api.post("/submissions/<submission_id>/non-publication-requests")
def post_non_publication_request(submission_id: str) -> tuple[Response, int]:
    body = _body()
    created = nonpublication.submit(
        services_of(current_app), g.principal, submission_id, category=body.get("category"), grounds=body.get("grounds")
    )
    return jsonify(created), 201


@api.get("/submissions/<submission_id>/non-publication-requests")
def get_non_publication_requests(submission_id: str) -> Response:
    items = nonpublication.list_for_submission(services_of(current_app), g.principal, submission_id)
    return jsonify(requests=items)


@api.get("/non-publication-requests")
def get_pending_non_publication_requests() -> Response:
    return jsonify(requests=nonpublication.list_pending(services_of(current_app), g.principal))


@api.post("/non-publication-requests/<request_id>/decision")
def post_non_publication_decision(request_id: str) -> Response:
    body = _body()
    decided = nonpublication.decide(
        services_of(current_app),
        g.principal,
        request_id,
        outcome=body.get("outcome"),
        reasons=body.get("reasons"),
        letter_date=body.get("letter_date"),
    )
    return jsonify(decided)


@api.post("/conflicts")
def post_conflict() -> tuple[Response, int]:
    body = _body()
    declared = conflicts.declare(
        services_of(current_app),
        g.principal,
        partnership_id=body.get("partnership_id") or None,
        submission_id=body.get("submission_id") or None,
    )
    return jsonify(declared), 201 if declared["created"] else 200


@api.get("/conflicts")
def get_conflicts() -> Response:
    return jsonify(conflicts=conflicts.list_own(services_of(current_app), g.principal))


@api.post("/conflicts/<conflict_id>/withdraw")
def withdraw_conflict(conflict_id: str) -> Response:
    conflicts.withdraw(services_of(current_app), g.principal, conflict_id)
    return jsonify(status="withdrawn")


@api.get("/openapi.json")
def openapi() -> Response:
    return Response(_openapi_text(), mimetype="application/json")


@lru_cache(maxsize=1)
def _openapi_text() -> str:
    return json.dumps(json.loads(OPENAPI.read_text(encoding="utf-8")), indent=1)
