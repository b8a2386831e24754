"""Who may see what and do what: the one permissions table, used by the services, the API, the pages and
the tests' authorization matrix.

Tenant isolation: a partnership user asking for another partnership's submission gets NotFound (404),
the same as for an id that does not exist, so ids cannot be probed. A role that may never see a kind
of resource gets Forbidden (403) instead: it already knows the submission exists. A user who declared
an interest in the submission or its partnership (intake.accounts.conflicts) also gets NotFound, the submission
drops out of their lists, and every attempt is audited.
"""

from __future__ import annotations

from sqlalchemy import Select, false
from sqlalchemy.orm import object_session

from intake.accounts import conflicts
from intake.accounts.auth import Principal
from intake.accounts.permissions import READ, Action, Forbidden, Resource, may, require
from intake.models import Submission
from intake.states import Role

__all__ = ["READ", "Action", "Forbidden", "NotFound", "Resource", "check", "may", "require", "scope"]


class NotFound(Exception):
    """The submission does not exist or belongs to a partnership the caller cannot see (404)."""


def can_upload(principal: Principal) -> bool:
    return may(principal, Action.UPLOAD) and principal.partnership_id is not None


def require_upload(principal: Principal) -> str:
    if not can_upload(principal):
        raise Forbidden("only partnership accounts can upload drafts")
    assert principal.partnership_id is not None
    return principal.partnership_id


def scope(query: Select, principal: Principal) -> Select:  # type: ignore[type-arg]
    """Restrict a submission query to what the caller may list."""
    if principal.role == Role.PARTNERSHIP_UPLOADER:
        return query.where(Submission.partnership_id == principal.partnership_id)
    if principal.role in READ:
        return query.where(conflicts.not_conflicted(principal.user_id))
    return query.where(false())


def check(principal: Principal, submission: Submission | None, resource: Resource) -> Submission:
    if submission is None:
        raise NotFound()
    if principal.role == Role.PARTNERSHIP_UPLOADER and submission.partnership_id != principal.partnership_id:
        raise NotFound()
    if principal.role != Role.PARTNERSHIP_UPLOADER:
        session = object_session(submission)
        if session is not None and conflicts.is_conflicted(session, principal.user_id, submission):
            conflicts.record_refusal(session, principal, submission)
            raise NotFound()
    if resource not in READ.get(principal.role, frozenset()):
        raise Forbidden(f"your role cannot read {resource}")
    return submission
