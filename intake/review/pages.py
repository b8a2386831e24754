"""Page images of a draft for the review screen, with or without the chosen redactions. No Flask.

The web process never parses an uploaded document (issue 11: a 730-byte PDF with one huge page made a
web worker allocate gigabytes). The worker renders every page of the original after analysis and a
live preview on demand (``intake.processing.screen``); both are sealed and cached
(``intake.storage.page_images``), and this module only finds, decrypts and serves them. An image not
rendered yet is queued for the worker and answered with :class:`Pending` (HTTP 202 and Retry-After).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import Submission
from intake.review.proposals import chosen_proposals
from intake.review.workflow import ReviewError, load_submission
from intake.services import Services
from intake.states import Status, is_paged
from intake.storage.page_images import ORIGINAL, find_page_image, find_page_images, load_page_image
from intake.submissions.read import NotReady
from redaction.types import Proposal

MIN_DPI, MAX_DPI = 36, 200
RETRY_AFTER_SECONDS = 1


class Pending(Exception):
    """The image is being rendered by the worker: ask again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__("the page image is being prepared")
        self.retry_after = retry_after


def chosen_on_page(services: Services, session: Session, submission: Submission, page: int) -> list[Proposal]:
    """The redactions a live preview of ``page`` shows: accepted and manual ones with boxes on it."""
    chosen, _kept, _undecided = chosen_proposals(services, session, submission, redact_undecided=False)
    return [p for p in chosen if p.page == page and p.rects]


def preview_variant(proposals: Iterable[Proposal]) -> str:
    """The cache key of a live preview: the original when nothing is chosen on the page, else a digest
    of the chosen proposals' ids and boxes (ids and numbers only, safe in Redis and job arguments)."""
    items = sorted((p.id, [list(r) for r in p.rects]) for p in proposals)
    if not items:
        return ORIGINAL
    return hashlib.sha256(json.dumps(items, separators=(",", ":")).encode()).hexdigest()


def _pdf_submission(session: Session, principal: Principal, submission_id: str) -> Submission:
    submission = load_submission(session, principal, submission_id, "original")
    access.require(principal, access.Action.REVIEW, "only the Secretariat views page images")
    if not is_paged(submission.document_kind):
        raise NotReady("page images exist for PDF documents only")
    return submission


def _render_originals(services: Services, submission: Submission) -> None:
    """No page images yet: the draft is still being processed, or it was processed before the worker
    rendered them (then they are queued now)."""
    if submission.status in (Status.RECEIVED, Status.PROCESSING):
        raise NotReady("the draft is still being processed")
    services.jobs.page_images(submission.id)
    raise Pending()


def pages(services: Services, principal: Principal, submission_id: str) -> list[dict[str, Any]]:
    """Every page's number, width and height in points (as displayed)."""
    with services.sessions() as session:
        submission = _pdf_submission(session, principal, submission_id)
        images = find_page_images(session, submission, ORIGINAL)
        if not images:
            _render_originals(services, submission)
        return [{"number": i.page, "width": round(i.width, 2), "height": round(i.height, 2)} for i in images]


def page_image(
    services: Services, principal: Principal, submission_id: str, page: int, *, preview: bool, dpi: int
) -> bytes:
    """A PNG of one page (with ``preview``, the accepted and manual redactions applied); audited.

    ``dpi`` is checked for compatibility but every image is served at the worker's resolution
    (``intake.processing.engine.PAGE_DPI``): the screen scales it."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ReviewError(f"dpi must be between {MIN_DPI} and {MAX_DPI}")
    with services.sessions() as session, session.begin():
        submission = _pdf_submission(session, principal, submission_id)
        original = find_page_image(session, submission, ORIGINAL, page)
        if original is None:
            if find_page_images(session, submission, ORIGINAL):
                raise ReviewError(f"page {page} does not exist")
            _render_originals(services, submission)
        variant = preview_variant(chosen_on_page(services, session, submission, page)) if preview else ORIGINAL
        image = original if variant == ORIGINAL else find_page_image(session, submission, variant, page)
        if image is None:
            services.jobs.preview(submission.id, page, variant)
            raise Pending()
        png = load_page_image(services.keys, services.store, session, image)
        audit.append(
            session,
            "document.page_viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"page": page, "preview": preview, "dpi": image.dpi},
        )
    return png
