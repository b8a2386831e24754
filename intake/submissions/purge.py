"""Purging a submission: crypto-shredding its keys, deleting its blobs and sealed fields. No Flask."""

from __future__ import annotations

import logging

from sqlalchemy import select

from intake import audit
from intake.accounts import access
from intake.audit import Actor
from intake.models import DocumentVersion, PageImage, ProposalRecord, ScreenTask, Submission, utcnow
from intake.services import Services

log = logging.getLogger("safepub.submissions")


def purge(services: Services, submission_id: str, actor: Actor) -> dict[str, int]:
    """Crypto-shred a submission: destroy its data keys, delete its blobs and encrypted fields.

    The row stays (ids, hashes, status) so the audit trail still resolves; nothing readable remains.
    """
    with services.sessions() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is None:
            raise access.NotFound()
        keys = services.keys.shred(session, submission.id)
        versions = session.scalars(select(DocumentVersion).where(DocumentVersion.submission_id == submission.id)).all()
        proposals = session.scalars(select(ProposalRecord).where(ProposalRecord.submission_id == submission.id)).all()
        for row in proposals:
            session.delete(row)
        images = session.scalars(select(PageImage).where(PageImage.submission_id == submission.id)).all()
        for image in images:
            session.delete(image)
        for task in session.scalars(select(ScreenTask).where(ScreenTask.submission_id == submission.id)):
            task.request_enc, task.result_enc = b"", None  # a reviewer's search text, sealed: gone too
        submission.hold_override_enc = None
        submission.title_enc = submission.register_enc = submission.warnings_enc = None
        submission.purged_at = utcnow()
        submission.lease_owner = None
        audit.append(
            session,
            "submission.purged",
            actor=actor,
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"data_keys_destroyed": keys, "documents": len(versions), "proposals": len(proposals)},
        )
        names = [v.id for v in versions] + [i.id for i in images]
    deleted = sum(1 for name in names if services.store.delete(name))
    log.info("submission purged", extra={"submission_id": submission_id, "data_keys": keys, "blobs": deleted})
    return {"data_keys_destroyed": keys, "blobs_deleted": deleted, "proposals_deleted": len(proposals)}
