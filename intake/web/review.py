"""The Secretariat's pages: the review queue (``/review``) and the review screen (``/review/<id>``).

Both are thin shells. The queue is rendered on the server from the same service call the API's
``GET /api/v1/review/queue`` uses, so it works without JavaScript and filters are plain GET forms. The
screen renders the submission's facts and the page skeleton; ``static/review/main.js`` and its modules
then talk to the JSON API
(``docs/review-api.md``) with the session cookie and the CSRF token from the page. Access is checked
here as well as in the API: a role that may not review gets 403, and a submission the caller may not
see (another partnership's, or one they declared an interest in) is 404, so ids cannot be probed.

The archive handover actions (issue 5) are plain form POSTs with the page's CSRF token: "Retry handover
now" on a dead-lettered or blocked row (Secretariat), and "Withdraw" on a published row, which goes
through a confirmation page (Panel or Secretariat). They call the same service functions as the API
(``intake.handover.actions``, which check access, write the audit events and queue the job), and
redirect back with a flashed message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from intake.accounts import access
from intake.accounts.auth import Principal
from intake.handover import actions as handover
from intake.http import current_principal, current_services, document_response
from intake.review import approval, proposals, queue
from intake.review.workflow import ReviewError
from intake.states import DECIDABLE, HANDOVER_ALERT, HAS_FINAL, REASON_LABELS, WITHDRAWABLE, Status
from intake.submissions import read
from intake.web.session import login_required

STATUSES: list[str] = [status.value for status in Status]  # in lifecycle order


def register(web: Blueprint) -> None:
    web.add_url_rule("/review", view_func=login_required(review_queue))
    web.add_url_rule("/review/<submission_id>", view_func=login_required(review_screen))
    web.add_url_rule("/review/<submission_id>/final.pdf", view_func=login_required(review_final))
    web.add_url_rule(
        "/review/<submission_id>/handover/retry", view_func=login_required(review_handover_retry), methods=["POST"]
    )
    web.add_url_rule(
        "/review/<submission_id>/withdraw", view_func=login_required(review_withdraw), methods=["GET", "POST"]
    )
    web.add_url_rule(
        "/review/<submission_id>/verification-hold",
        view_func=login_required(review_hold_override),
        methods=["POST"],
    )


# Shown in the reason-code select, in this order. Rejections always record ``not_identifying``.
REASON_CODES = tuple(REASON_LABELS.items())


def _secretariat() -> Principal:
    principal = current_principal()
    access.require(principal, access.Action.REVIEW, "only the Secretariat reviews submissions")
    return principal


def _queue(principal: Principal, status: str | None, partnership: str | None) -> list[dict[str, Any]]:
    """The same call as the API's queue: due dates, open proposals, urgency order, conflicts left out."""
    return queue.queue(current_services(), principal, status=status, partnership_id=partnership)


def review_queue() -> str:
    principal = _secretariat()
    status = (request.args.get("status") or "").strip() or None
    partnership = (request.args.get("partnership") or "").strip() or None
    items = _queue(principal, status, partnership)
    # The partnership filter offers every partnership in the unfiltered queue, so a filter never hides
    # its own options.
    everything = items if not (status or partnership) else _queue(principal, None, None)
    partnerships = sorted({(i["partnership"]["id"], i["partnership"]["name"]) for i in everything}, key=lambda p: p[1])
    statuses = sorted({i["status"] for i in everything} | set(STATUSES), key=_status_order)
    return render_template(
        "review_queue.html",
        items=items,
        status=status,
        partnership=partnership,
        partnerships=partnerships,
        statuses=statuses,
        alert_statuses=HANDOVER_ALERT,
        can_withdraw=access.may(principal, access.Action.WITHDRAW),
    )


def _status_order(status: str) -> tuple[int, str]:
    return (STATUSES.index(status) if status in STATUSES else len(STATUSES), status)


def review_screen(submission_id: str) -> str:
    principal = _secretariat()
    services = current_services()
    item = read.get_visible(services, principal, submission_id)
    api = f"/api/v1/submissions/{item['id']}"
    return render_template(
        "review.html",
        item=item,
        check_by_eye=proposals.check_by_eye(services, principal, submission_id),
        hygiene=read.hygiene_report(services, principal, submission_id),
        hold=approval.verification_hold(services, principal, submission_id),
        reason_codes=REASON_CODES,
        can_decide=access.may(principal, access.Action.DECIDE),
        can_approve=access.may(principal, access.Action.APPROVE),
        decidable=sorted(DECIDABLE),
        has_final=sorted(HAS_FINAL),
        urls={
            "api": api,
            "submission": api,
            "pages": f"{api}/pages",
            "proposals": f"{api}/proposals",
            "decisions": f"{api}/decisions",
            "complete": f"{api}/complete",
            "approve": f"{api}/approve",
            "final": url_for("web.review_final", submission_id=item["id"]),
            "hold_override": url_for("web.review_hold_override", submission_id=item["id"]),
            "queue": url_for("web.review_queue"),
        },
    )


def review_hold_override(submission_id: str) -> BaseResponse:
    """A Secretariat user overrides the verification hold with a reason (a form with the page's CSRF
    token): audited; the reason is sealed and shown on this page."""
    principal = _secretariat()
    try:
        approval.override_hold(current_services(), principal, submission_id, request.form.get("reason"))
    except ReviewError as exc:
        flash(f"The hold was not overridden: {exc}.", "bad")
    else:
        flash("Verification hold overridden; the review can now be approved.", "ok")
    return redirect(url_for("web.review_screen", submission_id=submission_id), code=303)


def review_final(submission_id: str) -> Response:
    """The approved, publication-ready PDF (audited as a document read like every other)."""
    principal = _secretariat()
    data, content_type = read.read_document(current_services(), principal, submission_id, "final")
    return document_response(data, content_type, submission_id, "final")


# -- archive handover actions (issue 5) ---------------------------------------------------------------
def _back_to_queue() -> BaseResponse:
    """The queue with the filters the action was posted from (hidden fields of the row's form)."""
    args = {k: v for k in ("status", "partnership") if (v := (request.form.get(k) or "").strip())}
    query = f"?{urlencode(args)}" if args else ""
    return redirect(url_for("web.review_queue") + query, code=303)


def review_handover_retry(submission_id: str) -> BaseResponse:
    """The queue's "Retry handover now": dead-lettered or blocked deliveries requeued with a fresh budget."""
    principal = _secretariat()
    services = current_services()
    try:
        result = handover.retry_now(services, principal, submission_id)
    except handover.HandoverStateError as exc:
        flash(f"Nothing was retried: {exc}.", "bad")
        return _back_to_queue()
    job = result["job"]
    requeued = result["requeued"]
    message = f"Handover retry requested ({requeued} deliver{'y' if requeued == 1 else 'ies'} requeued)"
    if job is None and services.settings.archive_sinks:
        message += "; the job queue is unavailable, so it will run when the queue is back"
    flash(message + ".", "ok")
    return _back_to_queue()


def review_withdraw(submission_id: str) -> str | BaseResponse | tuple[str, int]:
    """Withdraw a published review: a confirmation page, then the Panel's or the Secretariat's POST.
    The service checks who may withdraw (403) and what may be (409); the page checks the confirmation."""
    principal = current_principal()
    services = current_services()
    state = handover.status_of(services, principal, submission_id)  # 404 / 403 before anything is shown
    access.require(
        principal, access.Action.WITHDRAW, "only the Panel or the Secretariat can withdraw a published review"
    )
    item = read.get_visible(services, principal, submission_id)
    queue_url = url_for("web.review_queue") if principal.is_secretariat else None
    error, code = None, 200
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            error, code = "Tick the box to confirm the withdrawal.", 400
        else:
            try:
                handover.request_withdrawal(services, principal, submission_id)
            except handover.HandoverStateError as exc:
                error, code = f"Nothing was withdrawn: {exc}.", 409
            else:
                flash("Withdrawal requested: a withdrawal notice is being sent to the archive.", "ok")
                if principal.is_secretariat:
                    return _back_to_queue()
                return redirect(url_for("web.review_withdraw", submission_id=submission_id), code=303)
    page = render_template(
        "review_withdraw.html",
        item=item,
        state=state,
        withdrawable=state["status"] in WITHDRAWABLE,
        error=error,
        queue_url=queue_url,
    )
    return page, code
