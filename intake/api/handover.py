"""Archive handover actions (issue 5): thin views over intake.handover.service; the job is enqueued by
dotted path after the service's transaction has committed."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify

from intake.api import api
from intake.app import services_of
from intake.handover import service
from intake.handover.queue import enqueue_handover


@api.get("/submissions/<submission_id>/handover")
def get_handover(submission_id: str) -> Response:
    return jsonify(service.status_of(services_of(current_app), g.principal, submission_id))


@api.post("/submissions/<submission_id>/handover/retry")
def post_handover_retry(submission_id: str) -> tuple[Response, int]:
    services = services_of(current_app)
    result = service.retry_now(services, g.principal, submission_id)
    result["job"] = enqueue_handover(services.settings, services.redis, submission_id)
    return jsonify(result), 202


@api.post("/submissions/<submission_id>/withdraw")
def post_withdraw(submission_id: str) -> tuple[Response, int]:
    services = services_of(current_app)
    result = service.request_withdrawal(services, g.principal, submission_id)
    result["job"] = enqueue_handover(services.settings, services.redis, submission_id)
    return jsonify(result), 202
