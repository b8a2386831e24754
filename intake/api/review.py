"""The review workflow's API (docs/review-api.md): thin views over intake.review, intake.accounts.conflicts
and intake.review.nonpublication, plus the OpenAPI document."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, jsonify, request
from flask.typing import RouteCallable

from intake.accounts import conflicts
from intake.http import current_principal, current_services, json_body
from intake.review import approval, decisions, nonpublication, pages, queue
from intake.review.workflow import ReviewError

OPENAPI = Path(__file__).resolve().parent.parent / "openapi.json"


def register(api: Blueprint) -> None:
    rules: list[tuple[str, RouteCallable, str]] = [
        ("/review/queue", review_queue, "GET"),
        ("/submissions/<submission_id>/pages", get_pages, "GET"),
        ("/submissions/<submission_id>/pages/<int:page>.png", get_page_image, "GET"),
        ("/submissions/<submission_id>/decisions", post_decisions, "POST"),
        ("/submissions/<submission_id>/tasks/<task_id>", get_task, "GET"),
        ("/submissions/<submission_id>/verification-hold/override", post_hold_override, "POST"),
        ("/submissions/<submission_id>/complete", post_complete, "POST"),
        ("/submissions/<submission_id>/approve", post_approve, "POST"),
        ("/submissions/<submission_id>/non-publication-requests", post_non_publication_request, "POST"),
        ("/submissions/<submission_id>/non-publication-requests", get_non_publication_requests, "GET"),
        ("/non-publication-requests", get_pending_non_publication_requests, "GET"),
        ("/non-publication-requests/<request_id>/decision", post_non_publication_decision, "POST"),
        ("/conflicts", post_conflict, "POST"),
        ("/conflicts", get_conflicts, "GET"),
        ("/conflicts/<conflict_id>/withdraw", withdraw_conflict, "POST"),
        ("/conflicts/pending-withdrawals", get_pending_withdrawals, "GET"),
        ("/conflicts/<conflict_id>/approve-withdrawal", approve_conflict_withdrawal, "POST"),
        ("/openapi.json", openapi, "GET"),
    ]
    for rule, view, method in rules:
        api.add_url_rule(rule, view_func=view, methods=[method])


def review_queue() -> Response:
    items = queue.queue(
        current_services(),
        current_principal(),
        status=request.args.get("status") or None,
        partnership_id=request.args.get("partnership") or None,
    )
    return jsonify(submissions=items)


def _pending(pending: pages.Pending) -> Response:
    """202 while the worker renders the image: the page asks again after Retry-After seconds."""
    response = jsonify(status="pending", message=str(pending))
    response.status_code = 202
    response.headers["Retry-After"] = str(pending.retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def get_pages(submission_id: str) -> Response:
    try:
        sizes = pages.pages(current_services(), current_principal(), submission_id)
    except pages.Pending as pending:
        return _pending(pending)
    return jsonify(pages=sizes)


def get_page_image(submission_id: str, page: int) -> Response:
    try:
        dpi = int(request.args.get("dpi") or 110)
    except ValueError:
        raise ReviewError("dpi must be a whole number") from None
    preview = request.args.get("preview") in ("1", "true", "yes")
    try:
        png = pages.page_image(current_services(), current_principal(), submission_id, page, preview=preview, dpi=dpi)
    except pages.Pending as pending:
        return _pending(pending)
    return Response(png, mimetype="image/png")


def get_task(submission_id: str, task_id: str) -> Response:
    """A manual redaction task: ``queued`` (ask again after Retry-After), ``done`` or ``failed``."""
    status = decisions.task_status(current_services(), current_principal(), submission_id, task_id)
    response = jsonify(status)
    if status["state"] == "queued":
        response.headers["Retry-After"] = str(pages.RETRY_AFTER_SECONDS)
    return response


def post_hold_override(submission_id: str) -> Response:
    body = json_body()
    return jsonify(approval.override_hold(current_services(), current_principal(), submission_id, body.get("reason")))


def post_decisions(submission_id: str) -> Response | tuple[Response, int]:
    body = json_body()
    applied = decisions.apply(
        current_services(),
        current_principal(),
        submission_id,
        decisions=body.get("decisions"),
        manual=body.get("manual"),
    )
    if applied.task_id is not None:  # manual redactions: the worker locates them; poll the task
        response = jsonify(
            task_id=applied.task_id,
            task_url=f"/api/v1/submissions/{submission_id}/tasks/{applied.task_id}",
            open_proposals=applied.open_proposals,
            status=applied.status,
        )
        response.headers["Location"] = f"/api/v1/submissions/{submission_id}/tasks/{applied.task_id}"
        response.headers["Retry-After"] = str(pages.RETRY_AFTER_SECONDS)
        return response, 202
    return jsonify(
        applied=applied.applied,
        manual_ids=applied.manual_ids,
        open_proposals=applied.open_proposals,
        status=applied.status,
    )


def post_complete(submission_id: str) -> Response:
    json_body()
    return jsonify(approval.complete(current_services(), current_principal(), submission_id))


def post_approve(submission_id: str) -> tuple[Response, int]:
    json_body()
    return jsonify(approval.approve(current_services(), current_principal(), submission_id)), 202


def post_non_publication_request(submission_id: str) -> tuple[Response, int]:
    body = json_body()
    created = nonpublication.submit(
        current_services(),
        current_principal(),
        submission_id,
        category=body.get("category"),
        grounds=body.get("grounds"),
    )
    return jsonify(created), 201


def get_non_publication_requests(submission_id: str) -> Response:
    items = nonpublication.list_for_submission(current_services(), current_principal(), submission_id)
    return jsonify(requests=items)


def get_pending_non_publication_requests() -> Response:
    return jsonify(requests=nonpublication.list_pending(current_services(), current_principal()))


def post_non_publication_decision(request_id: str) -> Response:
    body = json_body()
    decided = nonpublication.decide(
        current_services(),
        current_principal(),
        request_id,
        outcome=body.get("outcome"),
        reasons=body.get("reasons"),
        letter_date=body.get("letter_date"),
    )
    return jsonify(decided)


def post_conflict() -> tuple[Response, int]:
    body = json_body()
    declared = conflicts.declare(
        current_services(),
        current_principal(),
        partnership_id=body.get("partnership_id") or None,
        submission_id=body.get("submission_id") or None,
    )
    return jsonify(declared), 201 if declared["created"] else 200


def get_conflicts() -> Response:
    return jsonify(conflicts=conflicts.list_own(current_services(), current_principal()))


def withdraw_conflict(conflict_id: str) -> tuple[Response, int]:
    conflicts.withdraw(current_services(), current_principal(), conflict_id)
    return jsonify(status="withdrawal_requested"), 202


def get_pending_withdrawals() -> Response:
    return jsonify(withdrawals=conflicts.pending_withdrawals(current_services(), current_principal()))


def approve_conflict_withdrawal(conflict_id: str) -> Response:
    conflicts.approve_withdrawal(current_services(), current_principal(), conflict_id)
    return jsonify(status="withdrawn")


def openapi() -> Response:
    return Response(_openapi_text(), mimetype="application/json")


@lru_cache(maxsize=1)
def _openapi_text() -> str:
    return json.dumps(json.loads(OPENAPI.read_text(encoding="utf-8")), indent=1)
