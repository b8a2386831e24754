"""Who may see what. One table, used by the API, the pages and the tests' authorization matrix.

Tenant isolation: a partnership user asking for another partnership's submission gets NotFound (404),
the same as for an id that does not exist, so ids cannot be probed. A role that may never see a kind
of resource gets Forbidden (403) instead: it already knows the submission exists. A user who declared
an interest in the submission or its partnership (intake.conflicts) also gets NotFound, the submission
drops out of their lists, and every attempt is audited.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import Select, false
from sqlalchemy.orm import object_session

from intake import conflicts
from intake.auth import Principal
from intake.models import Submission

Resource = Literal["metadata", "proposals", "preview", "original"]

UPLOADER = "partnership_uploader"

# role -> resources it may read (for its own partnership only when the role is a partnership role)
READ: dict[str, frozenset[str]] = {
    UPLOADER: frozenset({"metadata", "proposals", "preview", "original"}),
    "secretariat_reviewer": frozenset({"metadata", "proposals", "preview", "original"}),
    "secretariat_approver": frozenset({"metadata", "proposals", "preview", "original"}),
    # The Panel decides on non-publication requests from the redacted version, never the draft.
    "panel_member": frozenset({"metadata", "preview"}),
    # Administrators run the service: they see statuses and failures, not documents.
    "admin": frozenset({"metadata"}),
}


class NotFound(Exception):
    """The submission does not exist or belongs to a partnership the caller cannot see (404)."""


class Forbidden(Exception):
    """The caller's role may not do this (403)."""


def can_upload(principal: Principal) -> bool:
    return principal.role == UPLOADER and principal.partnership_id is not None


def require_upload(principal: Principal) -> str:
    if not can_upload(principal):
        raise Forbidden("only partnership accounts can upload drafts")
    assert principal.partnership_id is not None
    return principal.partnership_id


def scope(query: Select, principal: Principal) -> Select:  # type: ignore[type-arg]
    """Restrict a submission query to what the caller may list."""
    if principal.role == UPLOADER:
        return query.where(Submission.partnership_id == principal.partnership_id)
    if principal.role in READ:
        return query.where(conflicts.not_conflicted(principal.user_id))
    return query.where(false())


def check(principal: Principal, submission: Submission | None, resource: Resource) -> Submission:
    if submission is None:
        raise NotFound()
    if principal.role == UPLOADER and submission.partnership_id != principal.partnership_id:
        raise NotFound()
    if principal.role != UPLOADER:
        session = object_session(submission)
        if session is not None and conflicts.is_conflicted(session, principal.user_id, submission):
            conflicts.record_refusal(session, principal, submission)
            raise NotFound()
    if resource not in READ.get(principal.role, frozenset()):
        raise Forbidden(f"your role cannot read {resource}")
    return submission
