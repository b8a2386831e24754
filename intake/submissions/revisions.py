"""New versions of a submission: the partnership re-uploads its draft while the Secretariat reviews it.

A new version is a new *revision* of the same submission: its original is stored encrypted beside the
earlier ones (``DocumentVersion.revision``), the review state goes back to ``received`` and the worker
processes it again, IDs only. The previous revision's proposals and decisions stay where they are: the
worker carries the decisions over to identical text (intake.review.carryover) and the audit trail keeps the
history. No Flask import.

Only while the review is still the Secretariat's to change (proposed, in review, completed — a Panel
decision asking for further redaction reopens an approved one to ``in_review``). While the worker is
processing or rendering, or once approved, a new version would race the job or undo an approval that
two people gave, so it is refused (409) with a sentence that says what to do instead.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.db import update_one
from intake.models import DocumentVersion, Submission
from intake.services import Services
from intake.states import APPROVED_OR_LATER, QUEUED, REVISABLE, Status
from intake.storage.documents import content_type_of, store_document
from intake.storage.fields import seal_register
from intake.submissions.read import Purged
from intake.submissions.upload import UploadError, check_document, queue_processing

log = logging.getLogger("safepub.revisions")


class RevisionConflict(UploadError):
    """The submission is not in a state that accepts a new version."""


@dataclass(frozen=True)
class NewVersion:
    id: str
    status: str
    sha256: str
    revision: int


def refusal(status: str) -> str:
    if status in QUEUED:
        return "the previous version is still being processed; send the new version when it has finished"
    if status in APPROVED_OR_LATER:
        return (
            f"the review of this draft has been approved (status: {status}); a new version can only be sent "
            "if the Panel reopens the review"
        )
    return f"a new version cannot be sent while the submission is {status}"


def receive_version(
    services: Services, principal: Principal, submission_id: str, *, data: bytes, register_raw: bytes | None
) -> NewVersion:
    """Store ``data`` as the next revision of the caller's own submission and queue its processing.

    The same checks as a first upload (type, register). Without a register the previous one is kept.
    The state check and the revision bump are one conditional UPDATE, so two uploads at once, or an
    upload racing a completion or approval, cannot both win.
    """
    access.require_upload(principal)
    with services.sessions() as session, session.begin():
        submission = access.check(principal, session.get(Submission, submission_id), "original")
        if submission.purged_at is not None:
            raise Purged()
        document_kind, register_raw = check_document(data, register_raw)
        previous_status = submission.status
        version = start_revision(
            services, session, submission, data=data, document_kind=document_kind, register_raw=register_raw
        )
        digest = submission.sha256
        audit.append(
            session,
            "submission.revised",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={
                "revision": submission.revision,
                "previous_status": previous_status,
                "original": version.id,
                "bytes": len(data),
                "document_kind": document_kind,
                "register": register_raw is not None,
            },
        )
        revision = submission.revision
    log.info("new version received", extra={"submission_id": submission_id, "revision": revision, "bytes": len(data)})
    queue_processing(services, submission_id)
    return NewVersion(submission_id, Status.RECEIVED, digest, revision)


def start_revision(
    services: Services,
    session: Session,
    submission: Submission,
    *,
    data: bytes,
    document_kind: str,
    register_raw: bytes | None,
) -> DocumentVersion:
    """Make the submission's next revision from ``data`` (stored afresh, under a new data key) and, when
    given, a new register; the caller audits and queues processing after its transaction commits.

    The state check and the revision bump are one conditional UPDATE, so two new revisions at once, or
    one racing a completion or approval, cannot both win: the loser gets :class:`RevisionConflict`."""
    claimed = update_one(
        session,
        update(Submission)
        .where(Submission.id == submission.id, Submission.status.in_(list(REVISABLE)))
        .values(
            revision=Submission.revision + 1,
            status=Status.RECEIVED,
            failure_reason=None,
            document_kind=document_kind,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            warnings_enc=None,
            page_count=None,
            proposal_count=None,
            needs_review_count=None,
            progress_page=0,
            progress_total=0,
            attempts=0,
            lease_owner=None,
            lease_until=None,
            processed_at=None,
            completed_by=None,
            completed_at=None,
            approved_by=None,
            approved_at=None,
            review_note=None,
            carried_over=None,
            manual_boxes_dropped=None,
        ),
    )
    session.refresh(submission)
    if not claimed:
        raise RevisionConflict(refusal(submission.status))
    if register_raw is not None:
        fields_key = services.keys.fields_key(session, submission.id)
        submission.register_enc = seal_register(services.keys, fields_key, submission.id, register_raw)
    return store_document(
        services.keys, services.store, session, submission, "original", data, content_type_of(document_kind)
    )
