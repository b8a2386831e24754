"""The review screen's document work, done by the worker (issue 11): the web process never parses an
uploaded document, so the original's page images, live previews and the Secretariat's manual
redactions (a box, "every occurrence of this text") are computed here with the engine (sandboxed in
the worker) and handed back sealed (``intake.storage.page_images``, ``intake.review.decisions``).

No lock and no transaction is held while the engine runs; each result is written afterwards, only if
the submission is still the revision it was computed for. Every job is idempotent: a duplicate finds
the image cached, or the task already recorded, and does nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.models import PageImage, Submission
from intake.processing.analysis import render_pages
from intake.processing.engine import PAGE_DPI, Engine
from intake.review import decisions
from intake.review.pages import chosen_on_page, preview_variant
from intake.services import Services
from intake.states import is_paged
from intake.storage.documents import load_working
from intake.storage.page_images import ORIGINAL, find_page_image, find_page_images, store_page_images
from redaction.errors import UnsupportedDocumentError
from redaction.types import Proposal

log = logging.getLogger("safepub.review")

#: live previews kept per page (the newest); older ones are dropped and their keys shredded
KEEP_PREVIEWS = 4


def render_page_images(services: Services, engine: Engine, submission_id: str) -> dict[str, Any]:
    """The original's page images of a submission processed before the worker rendered them."""
    with services.sessions() as session:
        submission = session.get(Submission, submission_id)
        if submission is None or submission.purged_at is not None or not is_paged(submission.document_kind):
            return {"submission_id": submission_id, "outcome": "nothing_to_do"}
        if find_page_images(session, submission, ORIGINAL):
            return {"submission_id": submission_id, "outcome": "cached"}
        revision = submission.revision
        data = load_working(services.keys, services.store, session, submission)
    try:
        images = render_pages(engine, data)
    except UnsupportedDocumentError:
        log.warning("page images could not be rendered", extra={"submission_id": submission_id})
        return {"submission_id": submission_id, "outcome": "failed"}
    del data
    stored = _store(services, submission_id, revision, ORIGINAL, images)
    return {"submission_id": submission_id, "outcome": "rendered" if stored else "cached", "pages": len(images)}


def render_preview(services: Services, engine: Engine, submission_id: str, page: int, digest: str) -> dict[str, Any]:
    """A live preview of ``page`` with the redactions whose digest is ``digest``. If the reviewer's
    choices changed since it was asked for, nothing is rendered: the page asks again for the new one."""
    with services.sessions() as session:
        submission = session.get(Submission, submission_id)
        if submission is None or submission.purged_at is not None:
            return {"submission_id": submission_id, "outcome": "nothing_to_do"}
        chosen: list[Proposal] = chosen_on_page(services, session, submission, page)
        if digest == ORIGINAL or preview_variant(chosen) != digest:
            return {"submission_id": submission_id, "outcome": "stale"}
        original = find_page_image(session, submission, ORIGINAL, page)
        if original is None:
            return {"submission_id": submission_id, "outcome": "no_page"}
        if find_page_image(session, submission, digest, page) is not None:
            return {"submission_id": submission_id, "outcome": "cached"}
        revision, width, height = submission.revision, original.width, original.height
        data = load_working(services.keys, services.store, session, submission)
    try:
        png = engine.page_image(data, page, proposals=chosen, dpi=PAGE_DPI)
    except UnsupportedDocumentError:
        log.warning("preview could not be rendered", extra={"submission_id": submission_id, "page": page})
        return {"submission_id": submission_id, "outcome": "failed"}
    del data, chosen
    stored = _store(services, submission_id, revision, digest, [(page, width, height, png)])
    return {"submission_id": submission_id, "outcome": "rendered" if stored else "cached", "page": page}


def _store(
    services: Services, submission_id: str, revision: int, variant: str, images: list[tuple[int, float, float, bytes]]
) -> bool:
    """Seal and record the images unless the submission moved on or a duplicate job got there first."""
    written: list[str] = []
    stale: list[str] = []
    try:
        with services.sessions() as session, session.begin():
            submission = session.get(Submission, submission_id)
            if submission is None or submission.purged_at is not None or submission.revision != revision:
                return False
            if find_page_image(session, submission, variant, images[0][0]) is not None:
                return False
            rows = store_page_images(services.keys, services.store, session, submission, variant, images, PAGE_DPI)
            written = [row.id for row in rows]
            stale = _older_previews(services, session, submission, variant, images[0][0]) if variant != ORIGINAL else []
    except IntegrityError:  # a duplicate job recorded the same image at the same moment
        for name in written:
            services.store.delete(name)
        return False
    except BaseException:
        for name in written:
            services.store.delete(name)
        raise
    for name in stale:  # committed: the older previews' keys are shredded, their blobs go now
        services.store.delete(name)
    return True


def _older_previews(services: Services, session: Session, submission: Submission, variant: str, page: int) -> list[str]:
    """Previews of ``page`` beyond the newest KEEP_PREVIEWS, dropped with their keys shredded (in
    ``session``); returns the blobs to delete after commit. A reviewer going back and forth between a
    few choices finds them cached; the cache does not grow without bound."""
    rows = session.scalars(
        select(PageImage)
        .where(
            PageImage.submission_id == submission.id,
            PageImage.revision == submission.revision,
            PageImage.page == page,
            PageImage.variant.not_in([ORIGINAL, variant]),
        )
        .order_by(PageImage.created_at.desc(), PageImage.id)
        .offset(KEEP_PREVIEWS - 1)
    ).all()
    services.keys.shred(session, submission.id, data_key_ids={row.data_key_id for row in rows})
    names = [row.id for row in rows]
    for row in rows:
        session.delete(row)
    session.flush()
    return names


def locate_manual(services: Services, engine: Engine, task_id: str) -> dict[str, Any]:
    """Locate a reviewer's manual redactions (a queued ``ScreenTask``) with the engine, then record the
    batch (intake.review.decisions.record_task, under the lock). A box outside its page, or a document
    the engine refuses, fails the task with the engine's user-facing reason."""
    try:
        return _locate_manual(services, engine, task_id)
    except Exception as exc:  # noqa: BLE001 - the page must not poll a task nobody will finish
        decisions.fail_task(services, task_id, "the redaction could not be located; try again", "internal")
        log.error("manual redaction task failed", extra={"task_id": task_id, "error": type(exc).__name__})
        raise ScreenJobError(type(exc).__name__) from None


class ScreenJobError(Exception):
    """An unexpected failure of a review-screen job; the message is only the original type (RQ stores it)."""


def _locate_manual(services: Services, engine: Engine, task_id: str) -> dict[str, Any]:
    queued = decisions.task_request(services, task_id)
    if queued is None:
        return {"task_id": task_id, "outcome": "nothing_to_do"}
    task, items = queued
    with services.sessions() as session:
        submission = session.get(Submission, task.submission_id)
        if submission is None or submission.purged_at is not None or submission.revision != task.revision:
            decisions.fail_task(services, task_id, "the submission changed; try again", "conflict")
            return {"task_id": task_id, "outcome": "failed"}
        data = load_working(services.keys, services.store, session, submission)
    located: list[list[Proposal]] = []
    try:
        for item in items:
            if item["kind"] == "box":
                x0, y0, x1, y1 = (float(v) for v in item["rect"])
                located.append([engine.manual_box(data, int(item["page"]), (x0, y0, x1, y1))])
            else:
                located.append(engine.find_occurrences(data, str(item["text"])))
    except UnsupportedDocumentError as exc:
        decisions.fail_task(services, task_id, str(exc))
        return {"task_id": task_id, "outcome": "failed"}
    finally:
        del data, items
    return decisions.record_task(services, task_id, located)
