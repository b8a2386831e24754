"""The Secretariat's pages: the review queue (``/review``) and the review screen (``/review/<id>``).

Both are thin shells. The queue is rendered on the server from the same service call the API's
``GET /api/v1/review/queue`` uses, so it works without JavaScript and filters are plain GET forms. The
screen renders the submission's facts and the page skeleton; ``review.js`` then talks to the JSON API
(``docs/review-api.md``) with the session cookie and the CSRF token from the page. Access is checked
here as well as in the API: a role that may not review gets 403, and a submission the caller may not
see (another partnership's, or one they declared an interest in) is 404, so ids cannot be probed.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, render_template, request, url_for

from intake import access, submissions
from intake import review as review_service
from intake.app import services_of
from intake.auth import Principal
from intake.http import document_response
from intake.models import STATUSES
from intake.web import web
from intake.web.session import current_principal, login_required

REVIEWER, APPROVER = review_service.REVIEWER, review_service.APPROVER
SECRETARIAT = frozenset({REVIEWER, APPROVER})

# Shown in the reason-code select, in this order. Rejections always record ``not_identifying``.
REASON_CODES: tuple[tuple[str, str], ...] = (
    ("identifies_child", "Identifies the child"),
    ("identifies_family_member", "Identifies a family member"),
    ("identifies_practitioner", "Identifies a practitioner"),
    ("intimate_personal_detail", "Intimate personal detail"),
    ("third_party_information", "Third-party information"),
    ("not_identifying", "Not identifying"),
)


def _secretariat() -> Principal:
    principal = current_principal()
    assert principal is not None  # login_required ran first
    if principal.role not in SECRETARIAT:
        raise access.Forbidden("only the Secretariat reviews submissions")
    return principal


def _queue(principal: Principal, status: str | None, partnership: str | None) -> list[dict[str, Any]]:
    """The same call as the API's queue: due dates, open proposals, urgency order, conflicts left out."""
    return review_service.queue(services_of(current_app), principal, status=status, partnership_id=partnership)


@web.get("/review")
@login_required
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
    )


def _status_order(status: str) -> tuple[int, str]:
    return (STATUSES.index(status) if status in STATUSES else len(STATUSES), status)


@web.get("/review/<submission_id>")
@login_required
def review_screen(submission_id: str) -> str:
    principal = _secretariat()
    item = submissions.get_visible(services_of(current_app), principal, submission_id)
    api = f"/api/v1/submissions/{item['id']}"
    return render_template(
        "review.html",
        item=item,
        reason_codes=REASON_CODES,
        can_decide=principal.role == REVIEWER,
        can_approve=principal.role == APPROVER,
        urls={
            "api": api,
            "submission": api,
            "pages": f"{api}/pages",
            "proposals": f"{api}/proposals",
            "decisions": f"{api}/decisions",
            "complete": f"{api}/complete",
            "approve": f"{api}/approve",
            "final": url_for("web.review_final", submission_id=item["id"]),
            "queue": url_for("web.review_queue"),
        },
    )


@web.get("/review/<submission_id>/final.pdf")
@login_required
def review_final(submission_id: str) -> Response:
    """The approved, publication-ready PDF (audited as a document read like every other)."""
    principal = _secretariat()
    data, content_type = submissions.read_document(services_of(current_app), principal, submission_id, "final")
    return document_response(data, content_type, submission_id, "final")
