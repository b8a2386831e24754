"""What every review action shares: its errors, loading the submission for a caller, the workflow lock.

* Decisions (accept/reject with a reason code) are kept one row per proposal (``Decision``); every
  change is also an audit event, which is the history. Only ids and codes are stored in the clear.
* Four-eyes: a ``secretariat_reviewer`` completes; a ``secretariat_approver`` who neither completed the
  review nor decided anything in it approves (intake.review.approval).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from intake.accounts import access
from intake.accounts.auth import Principal
from intake.models import Submission
from intake.submissions.read import Purged


class ReviewError(Exception):
    """The client's review request is malformed."""


class ReviewStateError(ReviewError):
    """The submission is not in a state that allows this."""


class FourEyesViolation(ReviewError):
    """The approver completed or took part in this review: nobody approves their own work."""


def load_submission(
    session: Session, principal: Principal, submission_id: str, resource: access.Resource
) -> Submission:
    """The submission, if the caller may read ``resource`` of it and it has not been purged."""
    submission = access.check(principal, session.get(Submission, submission_id), resource)
    if submission.purged_at is not None:
        raise Purged()
    return submission


def lock(session: Session, submission: Submission) -> None:
    """Serialise workflow changes on one submission (row lock on PostgreSQL, the write lock on SQLite),
    so a completion cannot slip between a batch's status check and its commit."""
    session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .values(status=Submission.status)
        .execution_options(synchronize_session=False)
    )
    session.refresh(submission)
