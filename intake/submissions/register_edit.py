"""Reading and changing a submission's family register after upload. No Flask import.

The register is sealed like the draft. It is opened, server side and in memory only, for the two
audiences who own it: the uploading partnership (its own submissions) and the Secretariat (reviewers and
approvers without a declared conflict). The Panel and administrators never see it.

A change makes a new revision of the analysis with the same document (``revisions.start_revision``): the
worker processes it again and carries the reviewer's decisions over to identical text, as for a new
version. It is allowed in the same states as a new version (``REVISABLE``), and audited as
``register.updated`` with the kinds of entry that changed and the counts, never the values.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from intake import audit
from intake.accounts import access
from intake.accounts.auth import Principal, actor_of
from intake.models import Submission
from intake.services import Services
from intake.states import REVISABLE, SECRETARIAT, Role
from intake.storage.documents import load_original
from intake.storage.fields import open_register
from intake.storage.keys import DataKeyDestroyed
from intake.submissions.read import Purged
from intake.submissions.register_input import changed_kinds, counts
from intake.submissions.revisions import RevisionConflict, refusal, start_revision
from intake.submissions.upload import queue_processing

log = logging.getLogger("safepub.register")

#: Who may open and change a register: the partnership that uploaded it and the Secretariat.
EDITORS = frozenset({Role.PARTNERSHIP_UPLOADER, *SECRETARIAT})


@dataclass(frozen=True)
class RegisterUpdate:
    id: str
    revision: int
    changed: tuple[str, ...]


def may_edit(principal: Principal, status: str) -> bool:
    """Whether the submission page offers the register form (the services check again)."""
    return principal.role in EDITORS and status in REVISABLE


def _check(principal: Principal, submission: Submission | None) -> Submission:
    if principal.role not in EDITORS:
        raise access.Forbidden("only the uploading partnership and the Secretariat can see the family register")
    submission = access.check(principal, submission, "original")
    if submission.purged_at is not None:
        raise Purged()
    if submission.status not in REVISABLE:
        raise RevisionConflict("the family register cannot be changed now: " + refusal(submission.status))
    return submission


def require_editable(services: Services, principal: Principal, submission_id: str) -> None:
    """Refuse, as :func:`open_for_edit` would, without opening the register (the form sent back with
    more rows)."""
    with services.sessions() as session:
        _check(principal, session.get(Submission, submission_id))


def open_for_edit(services: Services, principal: Principal, submission_id: str) -> bytes | None:
    """The submission's register as sealed (JSON bytes, in memory), for the register form; audited as
    ``register.viewed`` (counts only)."""
    with services.sessions() as session, session.begin():
        submission = _check(principal, session.get(Submission, submission_id))
        try:
            raw = open_register(services.keys, services.keys.fields_key(session, submission.id), submission)
        except DataKeyDestroyed:
            raise Purged() from None
        audit.append(
            session,
            "register.viewed",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={"revision": submission.revision, "counts": counts(raw)},
        )
        return raw


def update_register(
    services: Services, principal: Principal, submission_id: str, register_raw: bytes | None
) -> RegisterUpdate | None:
    """Replace the register (``None``: no register) and process the same document again as a new
    revision. Returns ``None`` and changes nothing when the register is the same as the stored one."""
    with services.sessions() as session, session.begin():
        submission = _check(principal, session.get(Submission, submission_id))
        try:
            before = open_register(services.keys, services.keys.fields_key(session, submission.id), submission)
            data = load_original(services.keys, services.store, session, submission)
        except DataKeyDestroyed:
            raise Purged() from None
        changed = changed_kinds(before, register_raw)
        if not changed:
            return None
        previous_status = submission.status
        version = start_revision(
            services,
            session,
            submission,
            data=data,
            document_kind=submission.document_kind,
            register_raw=register_raw,
        )
        if register_raw is None:
            submission.register_enc = None
        audit.append(
            session,
            "register.updated",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={
                "revision": submission.revision,
                "previous_status": previous_status,
                "original": version.id,
                "changed": changed,
                "counts_before": counts(before),
                "counts": counts(register_raw),
            },
        )
        revision = submission.revision
    log.info("register updated", extra={"submission_id": submission_id, "revision": revision})
    queue_processing(services, submission_id)
    return RegisterUpdate(submission_id, revision, tuple(changed))
