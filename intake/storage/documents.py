"""Stored documents: the one place that writes, finds, reads and shreds a submission's document versions.

A document (the original draft, the machine preview, the final) is sealed under a data key of its own
and written to the encrypted store; its ``DocumentVersion`` row names the blob. The associated data
binds the ciphertext to its submission, role and version, so a blob cannot be swapped for another.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.models import DocumentVersion, Submission, new_id
from intake.storage.crypto import associated_data
from intake.storage.keys import KeyService
from intake.storage.store import EncryptedStore

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "text": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}
#: the PDF a Word draft prints to (the worker makes it in the sandbox): what is reviewed and published
PRINTABLE = "printable"
#: the partnership's redacted copy of a Word draft, made beside the final PDF
FINAL_DOCX = "final_docx"


def content_type_of(document_kind: str) -> str:
    """The content type of an uploaded original of this kind."""
    return CONTENT_TYPES.get(document_kind, CONTENT_TYPES["text"])


def output_content_type(document_kind: str) -> str:
    """The content type of the preview and the final: a PDF for a PDF or a Word draft, else text."""
    return CONTENT_TYPES["text" if document_kind == "text" else "pdf"]


def document_aad(version: DocumentVersion) -> bytes:
    return associated_data(
        submission_id=version.submission_id, purpose="document:" + version.role, object_id=version.id
    )


def store_document(
    keys: KeyService,
    store: EncryptedStore,
    session: Session,
    submission: Submission,
    role: str,
    data: bytes,
    content_type: str,
) -> DocumentVersion:
    """Seal ``data`` under a fresh data key, write it, and record the version row (in ``session``)."""
    key = keys.create(session, submission.id, role)
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
    store.put(version.id, data, key=key, aad=document_aad(version))
    session.add(version)
    session.flush()
    return version


def find_version(session: Session, submission: Submission, role: str) -> DocumentVersion | None:
    """The ``role`` document of the submission's current revision, if there is one."""
    return session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.submission_id == submission.id,
            DocumentVersion.revision == submission.revision,
            DocumentVersion.role == role,
        )
    ).first()


def load_document(keys: KeyService, store: EncryptedStore, session: Session, version: DocumentVersion) -> bytes:
    """The decrypted document, in memory only."""
    key = keys.load(session, version.data_key_id)
    return store.get(version.id, key=key, aad=document_aad(version))


def load_original(keys: KeyService, store: EncryptedStore, session: Session, submission: Submission) -> bytes:
    """The current revision's original draft, decrypted in memory (every revision has one)."""
    version = find_version(session, submission, "original")
    if version is None:
        raise LookupError("the submission's current revision has no original document")
    return load_document(keys, store, session, version)


def load_working(keys: KeyService, store: EncryptedStore, session: Session, submission: Submission) -> bytes:
    """The document the engine reviews and renders for the current revision: the PDF a Word draft was
    printed to (``PRINTABLE``), else the original itself."""
    version = find_version(session, submission, PRINTABLE)
    if version is None:
        return load_original(keys, store, session, submission)
    return load_document(keys, store, session, version)


def shred_versions(keys: KeyService, session: Session, submission: Submission, role: str) -> list[str]:
    """Drop the current revision's ``role`` versions and destroy their data keys (in ``session``).

    Returns the blob names, to delete from the store once the transaction has committed: until then a
    rollback must still find them.
    """
    old = session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.submission_id == submission.id,
            DocumentVersion.revision == submission.revision,
            DocumentVersion.role == role,
        )
    ).all()
    keys.shred(session, submission.id, data_key_ids=[version.data_key_id for version in old])
    names = []
    for version in old:
        names.append(version.id)
        session.delete(version)
    session.flush()
    return names
