"""The permissions table: which role may read which part of a submission, and which role may do what.

The one place these rules live. ``intake.accounts.access`` applies them to a submission (tenancy and
conflicts of interest first); the services call ``require`` before they act.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from intake.accounts.auth import Principal
from intake.states import PANEL_AND_SECRETARIAT, SECRETARIAT, Role


class Forbidden(Exception):
    """The caller's role may not do this (403)."""


Resource = Literal["metadata", "proposals", "preview", "original"]


# role -> resources it may read (for its own partnership only when the role is a partnership role)
READ: dict[str, frozenset[str]] = {
    Role.PARTNERSHIP_UPLOADER: frozenset({"metadata", "proposals", "preview", "original"}),
    Role.SECRETARIAT_REVIEWER: frozenset({"metadata", "proposals", "preview", "original"}),
    Role.SECRETARIAT_APPROVER: frozenset({"metadata", "proposals", "preview", "original"}),
    # The Panel decides on non-publication requests from the redacted version, never the draft.
    Role.PANEL_MEMBER: frozenset({"metadata", "preview"}),
    # Administrators run the service: they see statuses and failures, not documents.
    Role.ADMIN: frozenset({"metadata"}),
}


class Action(StrEnum):
    """Something a role may do to a submission it can see (reading is the ``READ`` table above)."""

    UPLOAD = "upload"  # a new draft or a new version
    REQUEST_NON_PUBLICATION = "request_non_publication"
    REVIEW = "review"  # the review queue and page images
    DECIDE = "decide"  # decisions, manual redactions, completing a review
    APPROVE = "approve"  # the second pair of eyes
    DECIDE_NON_PUBLICATION = "decide_non_publication"
    DECLARE_CONFLICT = "declare_conflict"
    EXPORT_AUDIT = "export_audit"
    SEE_HANDOVER = "see_handover"
    RETRY_HANDOVER = "retry_handover"
    WITHDRAW = "withdraw"  # a published review, from the archive


ALLOWED: dict[Action, frozenset[Role]] = {
    Action.UPLOAD: frozenset({Role.PARTNERSHIP_UPLOADER}),
    Action.REQUEST_NON_PUBLICATION: frozenset({Role.PARTNERSHIP_UPLOADER}),
    Action.REVIEW: SECRETARIAT,
    Action.DECIDE: frozenset({Role.SECRETARIAT_REVIEWER}),
    Action.APPROVE: frozenset({Role.SECRETARIAT_APPROVER}),
    Action.DECIDE_NON_PUBLICATION: PANEL_AND_SECRETARIAT,
    Action.DECLARE_CONFLICT: PANEL_AND_SECRETARIAT,
    Action.EXPORT_AUDIT: frozenset({Role.PARTNERSHIP_UPLOADER, *PANEL_AND_SECRETARIAT}),
    Action.SEE_HANDOVER: PANEL_AND_SECRETARIAT,
    Action.RETRY_HANDOVER: SECRETARIAT,
    Action.WITHDRAW: PANEL_AND_SECRETARIAT,
}


def may(principal: Principal, action: Action) -> bool:
    return principal.role in ALLOWED[action]


def require(principal: Principal, action: Action, message: str) -> None:
    """Forbidden with ``message`` unless the caller's role may do ``action``."""
    if not may(principal, action):
        raise Forbidden(message)
