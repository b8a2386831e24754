"""Archive handover actions: thin views over intake.handover.actions (which queue the job themselves,
after their transaction has committed)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from intake.handover import actions
from intake.http import current_principal, current_services


def register(api: Blueprint) -> None:
    api.add_url_rule("/submissions/<submission_id>/handover", view_func=get_handover, methods=["GET"])
    api.add_url_rule("/submissions/<submission_id>/handover/retry", view_func=post_handover_retry, methods=["POST"])
    api.add_url_rule("/submissions/<submission_id>/withdraw", view_func=post_withdraw, methods=["POST"])


def get_handover(submission_id: str) -> Response:
    return jsonify(actions.status_of(current_services(), current_principal(), submission_id))


def post_handover_retry(submission_id: str) -> tuple[Response, int]:
    return jsonify(actions.retry_now(current_services(), current_principal(), submission_id)), 202


def post_withdraw(submission_id: str) -> tuple[Response, int]:
    return jsonify(actions.request_withdrawal(current_services(), current_principal(), submission_id)), 202
