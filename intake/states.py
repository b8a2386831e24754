"""The vocabularies of the service: submission statuses, user roles, review reason codes.

The one place they are defined, with the named groups the code asks about ("may decisions be taken
now?", "is this still waiting on the Secretariat?"). Members are ``StrEnum`` so they compare equal to
the strings stored in the database and sent over the API: the schema and the contract do not change.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A submission's life, in order.

    received -> processing -> proposed -> in_review (first decision) -> completed (reviewer) ->
    approving (approver; the worker renders the final) -> approved -> published (handed over).
    A verification failure or a Panel "publish with further redaction" goes back to in_review.
    """

    RECEIVED = "received"
    PROCESSING = "processing"
    PROPOSED = "proposed"
    IN_REVIEW = "in_review"
    COMPLETED = "completed"
    APPROVING = "approving"
    APPROVED = "approved"
    PUBLISHED = "published"
    HANDOVER_BLOCKED = "handover_blocked"
    HANDOVER_FAILED = "handover_failed"
    WITHDRAWING = "withdrawing"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"


# Waiting for the worker's first processing (a new upload or a new version).
QUEUED = frozenset({Status.RECEIVED, Status.PROCESSING})
# Processing will not run again for these: the job is a no-op.
PROCESSED = frozenset({Status.PROPOSED, Status.APPROVED, Status.PUBLISHED, Status.FAILED})
# Decisions and manual redactions may be taken.
DECIDABLE = frozenset({Status.PROPOSED, Status.IN_REVIEW})
# The current revision has proposals a caller may list.
HAS_PROPOSALS = frozenset(
    {Status.PROPOSED, Status.IN_REVIEW, Status.COMPLETED, Status.APPROVING, Status.APPROVED, Status.PUBLISHED}
)
# A new version may replace the draft (nothing approved yet).
REVISABLE = frozenset({Status.PROPOSED, Status.IN_REVIEW, Status.COMPLETED})
# Approved by two people: a new version would silently undo that.
APPROVED_OR_LATER = frozenset(
    {Status.APPROVING, Status.APPROVED, Status.PUBLISHED, Status.HANDOVER_BLOCKED, Status.HANDOVER_FAILED}
)
# Completed or later: the Panel asking for further redaction sends it back to review.
REOPENABLE = frozenset({Status.COMPLETED, Status.APPROVING, Status.APPROVED, Status.PUBLISHED})
# The handover needs the Secretariat's attention.
HANDOVER_ALERT = frozenset({Status.HANDOVER_BLOCKED, Status.HANDOVER_FAILED})
# A published (or publishable) review that can be withdrawn from the archive.
WITHDRAWABLE = frozenset({Status.PUBLISHED, Status.APPROVED, *HANDOVER_ALERT})
# The approved final document exists (rendered and verified), whatever the handover made of it since.
HAS_FINAL = frozenset(
    {
        Status.APPROVED,
        Status.PUBLISHED,
        Status.HANDOVER_BLOCKED,
        Status.HANDOVER_FAILED,
        Status.WITHDRAWING,
        Status.WITHDRAWN,
    }
)
# No longer waiting on the Secretariat: never overdue, listed last.
DONE = frozenset({Status.APPROVED, Status.PUBLISHED, Status.FAILED})


class Role(StrEnum):
    PARTNERSHIP_UPLOADER = "partnership_uploader"
    SECRETARIAT_REVIEWER = "secretariat_reviewer"
    SECRETARIAT_APPROVER = "secretariat_approver"
    PANEL_MEMBER = "panel_member"
    ADMIN = "admin"


SECRETARIAT = frozenset({Role.SECRETARIAT_REVIEWER, Role.SECRETARIAT_APPROVER})
# The Panel and the Secretariat: they decide on non-publication, declare conflicts, withdraw.
PANEL_AND_SECRETARIAT = frozenset({*SECRETARIAT, Role.PANEL_MEMBER})


class ReasonCode(StrEnum):
    """Why a redaction was accepted, added or rejected (recorded with every decision)."""

    IDENTIFIES_CHILD = "identifies_child"
    IDENTIFIES_FAMILY_MEMBER = "identifies_family_member"
    IDENTIFIES_PRACTITIONER = "identifies_practitioner"
    INTIMATE_PERSONAL_DETAIL = "intimate_personal_detail"
    THIRD_PARTY_INFORMATION = "third_party_information"
    NOT_IDENTIFYING = "not_identifying"


# The labels the review screen shows, in this order.
REASON_LABELS: dict[ReasonCode, str] = {
    ReasonCode.IDENTIFIES_CHILD: "Identifies the child",
    ReasonCode.IDENTIFIES_FAMILY_MEMBER: "Identifies a family member",
    ReasonCode.IDENTIFIES_PRACTITIONER: "Identifies a practitioner",
    ReasonCode.INTIMATE_PERSONAL_DETAIL: "Intimate personal detail",
    ReasonCode.THIRD_PARTY_INFORMATION: "Third-party information",
    ReasonCode.NOT_IDENTIFYING: "Not identifying",
}


# What kind of review a submission is: a local child safeguarding practice review, a serious case
# review (before 2019), or a rapid review.
SUBMISSION_KINDS = ("lcspr", "scr", "rapid_review")

#: Document kinds, sniffed from the upload's content (redaction.sniff.detect_kind). A Word draft is
#: printed to PDF by the worker (in the sandbox) and then reviewed and published as a PDF.
WORD_KINDS = frozenset({"docx", "odt"})
PAGED_KINDS = frozenset({"pdf", *WORD_KINDS})


def is_paged(document_kind: str) -> bool:
    """Whether the reviewed and published document is a PDF with pages (a PDF or a Word draft)."""
    return document_kind in PAGED_KINDS
