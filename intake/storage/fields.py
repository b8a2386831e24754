"""Sealed fields at rest: the one place that seals and opens a submission's title, register, processing
notes and proposals.

Each is personal data, so it is stored sealed under the submission's fields key (associated data:
submission, field name and, for proposals, the proposal id). Only a proposal's category, channel, page,
score and source are clear columns, for counts and sorting.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from intake.models import ProposalRecord, Submission
from intake.storage.crypto import DataKey, DecryptionError
from intake.storage.keys import KeyService


def seal_proposal(
    keys: KeyService, key: DataKey, submission_id: str, revision: int, ordinal: int, payload: dict[str, Any]
) -> ProposalRecord:
    """A new ProposalRecord holding ``payload`` (a ``Proposal.to_dict()``) sealed."""
    proposal_id = str(payload["id"])
    return ProposalRecord(
        submission_id=submission_id,
        revision=revision,
        proposal_id=proposal_id,
        ordinal=ordinal,
        category=payload["category"],
        channel=payload["channel"],
        page=payload["page"],
        score=float(payload["score"]),
        source=payload["source"],
        payload_enc=keys.seal_field(key, submission_id, "proposal", json.dumps(payload).encode("utf-8"), proposal_id),
    )


def open_payload(keys: KeyService, key: DataKey, submission_id: str, row: ProposalRecord) -> dict[str, Any]:
    """The proposal dict sealed in ``row`` (in memory only)."""
    return json.loads(  # type: ignore[no-any-return]
        keys.open_field(key, submission_id, "proposal", row.payload_enc, row.proposal_id)
    )


def open_title(keys: KeyService, session: Session, submission: Submission) -> str | None:
    """The submission's title, or None when it has none or was purged."""
    if not submission.title_enc or submission.purged_at is not None:
        return None
    key = keys.fields_key(session, submission.id)
    return keys.open_field(key, submission.id, "title", submission.title_enc).decode()


def seal_title(keys: KeyService, key: DataKey, submission_id: str, title: str) -> bytes:
    return keys.seal_field(key, submission_id, "title", title.encode("utf-8"))


def seal_register(keys: KeyService, key: DataKey, submission_id: str, register: bytes) -> bytes:
    return keys.seal_field(key, submission_id, "register", register)


def open_register(keys: KeyService, key: DataKey, submission: Submission) -> bytes | None:
    """The family register as uploaded (bytes, in memory only), or None."""
    if not submission.register_enc:
        return None
    return keys.open_field(key, submission.id, "register", submission.register_enc)


def seal_notes(keys: KeyService, key: DataKey, submission_id: str, notes: dict[str, Any]) -> bytes:
    """Processing notes (engine warnings, kept phrases) may quote the document: sealed like the rest."""
    return keys.seal_field(key, submission_id, "notes", json.dumps(notes).encode("utf-8"))


def open_notes(keys: KeyService, key: DataKey, submission: Submission) -> dict[str, Any]:
    """The processing notes of the current revision, or an empty dict."""
    if not submission.warnings_enc:
        return {}
    return json.loads(keys.open_field(key, submission.id, "notes", submission.warnings_enc))  # type: ignore[no-any-return]


def seal_json(keys: KeyService, key: DataKey, submission_id: str, name: str, value: Any, object_id: str = "") -> bytes:
    """Any other JSON value that may quote the document or a person (a reviewer's search text, an
    override's reason), sealed under the submission's fields key and bound to ``name`` and ``object_id``."""
    return keys.seal_field(key, submission_id, name, json.dumps(value).encode("utf-8"), object_id)


def open_json(keys: KeyService, key: DataKey, submission_id: str, name: str, blob: bytes, object_id: str = "") -> Any:
    return json.loads(keys.open_field(key, submission_id, name, blob, object_id))


def decision_mac(key: DataKey, submission_id: str, revision: int, proposal_id: str, action: str) -> str:
    """An authentication code for one human decision, under a key derived from the submission's fields
    key. The database holds that key only wrapped by the key-encryption key, so someone who can write to
    the database cannot flip an ``accept`` to a ``reject`` (and publish the name) without it showing."""
    mac_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"safepub decision mac v1").derive(key.key)
    message = json.dumps([submission_id, revision, proposal_id, action], separators=(",", ":")).encode("utf-8")
    return hmac.new(mac_key, message, hashlib.sha256).hexdigest()


def decision_authentic(key: DataKey, row: Any) -> bool:
    """``row`` (a ``Decision``) carries the code its fields say it should."""
    expected = decision_mac(key, row.submission_id, row.revision, row.proposal_id or "", row.action)
    return row.mac is not None and hmac.compare_digest(expected, row.mac)


# -- the proposal set of a revision ------------------------------------------------------------------
def payload_digest(payload_enc: bytes) -> str:
    """What the sealed proposal set records of one row: a digest of its sealed payload (128 bits is
    plenty: it is compared, never searched, and the set itself is authenticated)."""
    return hashlib.sha256(payload_enc).hexdigest()[:32]


def seal_proposal_set(
    keys: KeyService, key: DataKey, submission_id: str, revision: int, entries: dict[str, str]
) -> bytes:
    """The proposals SafePub wrote for one revision (proposal id -> :func:`payload_digest`), sealed under
    the submission's fields key and bound to the revision, so a database writer can neither edit it nor
    move another revision's set in. Stored in ``Submission.proposal_set_enc``."""
    return seal_json(keys, key, submission_id, "proposal_set", dict(sorted(entries.items())), str(revision))


def open_proposal_set(
    keys: KeyService, key: DataKey, submission_id: str, revision: int, blob: bytes | None
) -> dict[str, str] | None:
    """The sealed set of ``revision``, or None when there is none or it does not open (changed, or
    another revision's): both mean the rows can no longer be checked, and the caller fails closed."""
    if not blob:
        return None
    try:
        value = open_json(keys, key, submission_id, "proposal_set", blob, str(revision))
    except DecryptionError:
        return None
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None
