"""Sealed page images of the review screen: written by the worker, read by the web process.

The web process never parses an uploaded document (issue 11): the worker renders each page of the
original once, after analysis, and a live preview (the chosen redactions applied) on demand; every PNG
is sealed like a stored document (its own data key per rendering, associated data binding it to its
submission, revision, variant and page) and the web only decrypts and serves it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import PageImage, Submission, new_id
from intake.storage.crypto import associated_data
from intake.storage.keys import KeyService
from intake.storage.store import EncryptedStore

ORIGINAL = "original"


def page_image_aad(image: PageImage) -> bytes:
    return associated_data(
        submission_id=image.submission_id,
        purpose=f"page_image:{image.revision}:{image.variant}:{image.page}",
        object_id=image.id,
    )


def store_page_images(
    keys: KeyService,
    store: EncryptedStore,
    session: Session,
    submission: Submission,
    variant: str,
    pages: list[tuple[int, float, float, bytes]],
    dpi: int,
) -> list[PageImage]:
    """Seal ``(page, width, height, png)`` renderings of ``variant`` under one fresh data key and record
    them (in ``session``). Returns the rows; their blobs are the caller's to delete on rollback."""
    if not pages:
        return []
    key = keys.create(session, submission.id, "page_image")
    rows = []
    for page, width, height, png in pages:
        image = PageImage(
            id=new_id(),
            submission_id=submission.id,
            revision=submission.revision,
            variant=variant,
            page=page,
            width=width,
            height=height,
            dpi=dpi,
            data_key_id=key.id,
            size=len(png),
        )
        store.put(image.id, png, key=key, aad=page_image_aad(image))
        session.add(image)
        rows.append(image)
    session.flush()
    return rows


def find_page_images(session: Session, submission: Submission, variant: str) -> list[PageImage]:
    """The current revision's images of ``variant``, in page order."""
    return list(
        session.scalars(
            select(PageImage)
            .where(
                PageImage.submission_id == submission.id,
                PageImage.revision == submission.revision,
                PageImage.variant == variant,
            )
            .order_by(PageImage.page)
        )
    )


def find_page_image(session: Session, submission: Submission, variant: str, page: int) -> PageImage | None:
    return session.scalars(
        select(PageImage).where(
            PageImage.submission_id == submission.id,
            PageImage.revision == submission.revision,
            PageImage.variant == variant,
            PageImage.page == page,
        )
    ).first()


def load_page_image(keys: KeyService, store: EncryptedStore, session: Session, image: PageImage) -> bytes:
    key = keys.load(session, image.data_key_id)
    return store.get(image.id, key=key, aad=page_image_aad(image))


def shred_page_images(keys: KeyService, session: Session, submission: Submission) -> list[str]:
    """Drop every page image of the current revision and destroy their data keys (in ``session``);
    returns the blob names to delete once the transaction has committed."""
    rows = session.scalars(
        select(PageImage).where(PageImage.submission_id == submission.id, PageImage.revision == submission.revision)
    ).all()
    keys.shred(session, submission.id, data_key_ids={row.data_key_id for row in rows})
    names = []
    for row in rows:
        names.append(row.id)
        session.delete(row)
    session.flush()
    return names
