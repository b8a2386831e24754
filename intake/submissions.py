"""Submissions: receive an upload, list and read what a caller may see, purge. No Flask import.

The upload arrives as bytes in memory (the app's request class never spools to disk) and leaves this
module only as ciphertext: the original under its own data key, the title and register under the
submission's ``fields`` key. Every read of a document's content is audited.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake import access, audit
from intake.audit import Actor
from intake.auth import Principal
from intake.crypto import associated_data
from intake.keys import FIELDS, DataKeyDestroyed
from intake.models import (
    SUBMISSION_KINDS,
    DocumentVersion,
    Partnership,
    ProposalRecord,
    Submission,
    new_id,
    utcnow,
)
from intake.services import Services
from redaction.errors import RegisterError, UnsupportedDocumentError
from redaction.register import parse_register
from redaction.sniff import detect_kind

log = logging.getLogger("safepub.submissions")

MAX_TITLE = 200
MAX_REGISTER_BYTES = 1024 * 1024
CONTENT_TYPES = {"pdf": "application/pdf", "text": "text/plain; charset=utf-8"}


class UploadError(Exception):
    """The client's upload is unacceptable; ``status`` and ``code`` drive the HTTP answer."""

    status = 400
    code = "invalid_upload"


class UnsupportedType(UploadError):
    status = 415
    code = "unsupported_media_type"


class InvalidRegister(UploadError):
    status = 400
    code = "invalid_register"


class NotReady(Exception):
    """The requested document does not exist yet (still processing, or processing failed)."""


class Purged(Exception):
    """The submission was purged: its content is gone for good."""


@dataclass(frozen=True)
class Received:
    id: str
    status: str
    sha256: str


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.user_id, principal.role, principal.partnership_id)


def document_aad(version: DocumentVersion) -> bytes:
    return associated_data(
        submission_id=version.submission_id, purpose="document:" + version.role, object_id=version.id
    )


# -- upload ---------------------------------------------------------------------------------------------
def receive(
    services: Services,
    principal: Principal,
    *,
    data: bytes,
    register_raw: bytes | None,
    title: str | None,
    kind: str | None,
) -> Received:
    partnership_id = access.require_upload(principal)
    kind = (kind or "lcspr").strip()
    if kind not in SUBMISSION_KINDS:
        raise UploadError(f"kind must be one of {', '.join(SUBMISSION_KINDS)}")
    title = (title or "").strip()
    if len(title) > MAX_TITLE:
        raise UploadError(f"the title is longer than {MAX_TITLE} characters")
    document_kind, register_raw = check_document(data, register_raw)

    digest = hashlib.sha256(data).hexdigest()
    submission_id = new_id()
    with services.sessions() as session, session.begin():
        submission = Submission(
            id=submission_id,
            partnership_id=partnership_id,
            uploaded_by=principal.user_id,
            kind=kind,
            status="received",
            document_kind=document_kind,
            sha256=digest,
            size=len(data),
        )
        session.add(submission)
        session.flush()
        fields_key = services.keys.create(session, submission_id, FIELDS)
        if title:
            submission.title_enc = services.keys.seal_field(fields_key, submission_id, "title", title.encode())
        if register_raw is not None:
            submission.register_enc = services.keys.seal_field(fields_key, submission_id, "register", register_raw)
        store_document(services, session, submission, "original", data, CONTENT_TYPES[document_kind])
        audit.append(
            session,
            "submission.received",
            actor=actor_of(principal),
            submission_id=submission_id,
            partnership_id=partnership_id,
            details={
                "bytes": len(data),
                "document_kind": document_kind,
                "kind": kind,
                "register": register_raw is not None,
            },
        )
    log.info(
        "submission received",
        extra={"submission_id": submission_id, "bytes": len(data), "document_kind": document_kind},
    )
    enqueue_processing(services, submission_id)
    return Received(submission_id, "received", digest)


def check_document(data: bytes, register_raw: bytes | None) -> tuple[str, bytes | None]:
    """The checks every upload of a document passes (first upload and new versions alike): returns the
    sniffed document kind and the register (``None`` when absent or blank)."""
    if not data:
        raise UploadError("the file is empty or missing (multipart field 'file')")
    try:
        document_kind = detect_kind(data)
    except UnsupportedDocumentError as exc:
        raise UnsupportedType(f"only PDF or UTF-8 text files are accepted: {exc}") from None
    if register_raw is None or not register_raw.strip():
        return document_kind, None
    if len(register_raw) > MAX_REGISTER_BYTES:
        raise InvalidRegister("the register is larger than 1 MB")
    try:
        parse_register(register_raw)
    except RegisterError as exc:
        raise InvalidRegister(str(exc)) from None
    return document_kind, register_raw


def store_document(
    services: Services, session: Session, submission: Submission, role: str, data: bytes, content_type: str
) -> DocumentVersion:
    """Seal ``data`` under a fresh data key, write it, and record the version row (in ``session``)."""
    key = services.keys.create(session, submission.id, role)
    version = DocumentVersion(
        id=new_id(),
        submission_id=submission.id,
        revision=submission.revision,
        role=role,
        data_key_id=key.id,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    services.store.put(version.id, data, key=key, aad=document_aad(version))
    session.add(version)
    session.flush()
    return version


def load_document(services: Services, session: Session, version: DocumentVersion) -> bytes:
    key = services.keys.load(session, version.data_key_id)
    return services.store.get(version.id, key=key, aad=document_aad(version))


def enqueue_processing(services: Services, submission_id: str) -> str | None:
    """Queue the processing job (IDs only). A Redis outage leaves the submission 'received' for the
    worker's recovery sweep to pick up, so the upload itself still succeeds."""
    if services.enqueue is None:
        return None
    try:
        job_id = services.enqueue(submission_id)
    except Exception as exc:  # noqa: BLE001 - any queue failure is recoverable later
        log.warning(
            "enqueue failed; recovery will retry",
            extra={"submission_id": submission_id, "error": type(exc).__name__},
        )
        return None
    with services.sessions() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is not None:
            submission.queued_job_id = job_id
    return job_id


# -- reading --------------------------------------------------------------------------------------------
def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def summary(services: Services, session: Session, submission: Submission) -> dict[str, Any]:
    title = None
    if submission.title_enc and submission.purged_at is None:
        key = services.keys.fields_key(session, submission.id)
        title = services.keys.open_field(key, submission.id, "title", submission.title_enc).decode()
    partnership = session.get(Partnership, submission.partnership_id)
    return {
        "id": submission.id,
        "partnership_id": submission.partnership_id,
        "partnership": partnership.name if partnership else None,
        "kind": submission.kind,
        "title": title,
        "status": submission.status,
        "failure_reason": submission.failure_reason,
        "progress": {"page": submission.progress_page, "total": submission.progress_total},
        "document_kind": submission.document_kind,
        "sha256": submission.sha256,
        "size": submission.size,
        "revision": submission.revision,
        "carried_over": submission.carried_over,
        "manual_boxes_dropped": submission.manual_boxes_dropped,
        "page_count": submission.page_count,
        "proposal_count": submission.proposal_count,
        "needs_review_count": submission.needs_review_count,
        "created_at": _iso(submission.created_at),
        "updated_at": _iso(submission.updated_at),
        "processed_at": _iso(submission.processed_at),
        "purged": submission.purged_at is not None,
        **_review_fields(submission),
    }


def _review_fields(submission: Submission) -> dict[str, Any]:
    from intake.review import summary_fields  # intake.review builds on this module

    return summary_fields(submission)


def list_visible(services: Services, principal: Principal, *, status: str | None = None) -> list[dict[str, Any]]:
    with services.sessions() as session:
        query = access.scope(select(Submission), principal).order_by(Submission.created_at.desc())
        if status:
            query = query.where(Submission.status == status)
        return [summary(services, session, s) for s in session.scalars(query.limit(500))]


def get_visible(services: Services, principal: Principal, submission_id: str) -> dict[str, Any]:
    with services.sessions() as session:
        submission = access.check(principal, session.get(Submission, submission_id), "metadata")
        detail = summary(services, session, submission)
        counts = session.execute(
            select(ProposalRecord.category, func.count())
            .where(ProposalRecord.submission_id == submission.id, ProposalRecord.revision == submission.revision)
            .group_by(ProposalRecord.category)
        ).all()
        detail["proposals_by_category"] = {category: n for category, n in counts}
        return detail


def list_proposals(services: Services, principal: Principal, submission_id: str) -> list[dict[str, Any]]:
    with services.sessions() as session, session.begin():
        submission = access.check(principal, session.get(Submission, submission_id), "proposals")
        if submission.purged_at is not None:
            raise Purged()
        if submission.status not in ("proposed", "in_review", "completed", "approving", "approved", "published"):
            raise NotReady("proposals are not ready yet")
        key = services.keys.fields_key(session, submission.id)
        rows = session.scalars(
            select(ProposalRecord)
            .where(ProposalRecord.submission_id == submission.id, ProposalRecord.revision == submission.revision)
            .order_by(ProposalRecord.ordinal)
        ).all()
        from intake.proposal_store import open_payload
        from intake.review import decision_fields

        decided = decision_fields(session, submission)
        undecided = {"decision": None, "reason_code": None, "decided_by": None}
        result = [
            {
                **open_payload(services, key, submission.id, row),
                **decided.get(row.proposal_id, undecided),
            }
            for row in rows
        ]
        audit.append(
            session,
            "proposals.viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"count": len(result)},
        )
        return result


def read_document(services: Services, principal: Principal, submission_id: str, role: str) -> tuple[bytes, str]:
    """Decrypt one document version in memory for the caller; audited."""
    resource = {"original": "original", "preview": "preview", "final": "preview"}[role]
    with services.sessions() as session, session.begin():
        submission = access.check(principal, session.get(Submission, submission_id), resource)  # type: ignore[arg-type]
        if submission.purged_at is not None:
            raise Purged()
        version = session.scalars(
            select(DocumentVersion).where(
                DocumentVersion.submission_id == submission.id,
                DocumentVersion.revision == submission.revision,
                DocumentVersion.role == role,
            )
        ).first()
        if version is None:
            raise NotReady(f"the {role} document is not available (status: {submission.status})")
        try:
            data = load_document(services, session, version)
        except DataKeyDestroyed:
            raise Purged() from None
        audit.append(
            session,
            "document.viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"role": role, "version": version.id, "bytes": len(data)},
        )
        return data, version.content_type


# -- purge ----------------------------------------------------------------------------------------------
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
        names = [v.id for v in versions]
    deleted = sum(1 for name in names if services.store.delete(name))
    log.info("submission purged", extra={"submission_id": submission_id, "data_keys": keys, "blobs": deleted})
    return {"data_keys_destroyed": keys, "blobs_deleted": deleted, "proposals_deleted": len(proposals)}
