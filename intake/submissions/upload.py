"""Receiving a draft: check it, seal it, store it, queue it. No Flask import.

The upload arrives as bytes in memory (the app's request class never spools to disk) and leaves this
module only as ciphertext: the original under its own data key, the title and register under the
submission's ``fields`` key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import Submission, new_id
from intake.services import Services
from intake.states import SUBMISSION_KINDS, Status
from intake.storage.documents import content_type_of, store_document
from intake.storage.fields import seal_register, seal_title
from intake.storage.keys import FIELDS
from redaction.errors import RegisterError, UnsupportedDocumentError
from redaction.register import parse_register
from redaction.sniff import detect_kind

log = logging.getLogger("safepub.submissions")

MAX_TITLE = 200
MAX_REGISTER_BYTES = 1024 * 1024


class UploadError(Exception):
    """The client's upload is unacceptable (a bad field, an empty file)."""


class UnsupportedType(UploadError):
    """The file is neither a PDF nor UTF-8 text."""


class InvalidRegister(UploadError):
    """The family register cannot be parsed."""


@dataclass(frozen=True)
class Received:
    id: str
    status: str
    sha256: str


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
            status=Status.RECEIVED,
            document_kind=document_kind,
            sha256=digest,
            size=len(data),
        )
        session.add(submission)
        session.flush()
        fields_key = services.keys.create(session, submission_id, FIELDS)
        if title:
            submission.title_enc = seal_title(services.keys, fields_key, submission_id, title)
        if register_raw is not None:
            submission.register_enc = seal_register(services.keys, fields_key, submission_id, register_raw)
        store_document(
            services.keys, services.store, session, submission, "original", data, content_type_of(document_kind)
        )
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
    queue_processing(services, submission_id)
    return Received(submission_id, Status.RECEIVED, digest)


def check_document(data: bytes, register_raw: bytes | None) -> tuple[str, bytes | None]:
    """The checks every upload of a document passes (first upload and new versions alike): returns the
    sniffed document kind and the register (``None`` when absent or blank)."""
    if not data:
        raise UploadError("the file is empty or missing (multipart field 'file')")
    try:
        document_kind = detect_kind(data)
    except UnsupportedDocumentError as exc:
        raise UnsupportedType(f"only PDF, Word (.docx, .odt) or UTF-8 text files are accepted: {exc}") from None
    if register_raw is None or not register_raw.strip():
        return document_kind, None
    if len(register_raw) > MAX_REGISTER_BYTES:
        raise InvalidRegister("the register is larger than 1 MB")
    try:
        parse_register(register_raw)
    except RegisterError as exc:
        raise InvalidRegister(str(exc)) from None
    return document_kind, register_raw


def queue_processing(services: Services, submission_id: str) -> str | None:
    """Queue the processing job and remember its id (the recovery sweep checks it is still alive). If the
    queue is down the submission stays 'received' for the sweep to pick up; the upload still succeeds."""
    job_id = services.jobs.process(submission_id)
    if job_id is None:
        return None
    with services.sessions() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is not None:
            submission.queued_job_id = job_id
    return job_id
