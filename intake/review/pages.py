"""Page images of a draft for the review screen, with or without the chosen redactions. No Flask."""

from __future__ import annotations

from typing import Any

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.review.proposals import chosen_proposals
from intake.review.workflow import ReviewError, load_submission
from intake.services import Services
from intake.storage.documents import load_original
from intake.submissions.read import NotReady
from redaction import screen
from redaction.errors import UnsupportedDocumentError
from redaction.types import Proposal


def pages(services: Services, principal: Principal, submission_id: str) -> list[dict[str, Any]]:
    with services.sessions() as session:
        submission = load_submission(session, principal, submission_id, "original")
        access.require(principal, access.Action.REVIEW, "only the Secretariat views page images")
        if submission.document_kind != "pdf":
            raise NotReady("page images exist for PDF documents only")
        sizes = screen.page_sizes(load_original(services.keys, services.store, session, submission))
    return [{"number": n, "width": round(w, 2), "height": round(h, 2)} for n, (w, h) in enumerate(sizes)]


def page_image(
    services: Services, principal: Principal, submission_id: str, page: int, *, preview: bool, dpi: int
) -> bytes:
    """A PNG of one page (with ``preview``, the accepted and manual redactions applied); audited."""
    if not screen.MIN_DPI <= dpi <= screen.MAX_DPI:
        raise ReviewError(f"dpi must be between {screen.MIN_DPI} and {screen.MAX_DPI}")
    with services.sessions() as session, session.begin():
        submission = load_submission(session, principal, submission_id, "original")
        access.require(principal, access.Action.REVIEW, "only the Secretariat views page images")
        if submission.document_kind != "pdf":
            raise NotReady("page images exist for PDF documents only")
        data = load_original(services.keys, services.store, session, submission)
        chosen: list[Proposal] = []
        if preview:
            chosen, _kept, _undecided = chosen_proposals(services, session, submission, redact_undecided=False)
        try:
            png = screen.page_image(data, page, proposals=chosen, dpi=dpi)
        except UnsupportedDocumentError as exc:
            raise ReviewError(str(exc)) from None
        audit.append(
            session,
            "document.page_viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"page": page, "preview": preview, "dpi": dpi},
        )
    return png
