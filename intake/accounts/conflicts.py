"""Conflicts of interest. No Flask import.

The Panel's operating principles require a member with a personal or business interest in a case to
declare it and absent themselves. Here a Panel member or Secretariat user declares an interest in a
partnership (all its submissions) or in one submission; from then on ``intake.accounts.access`` treats that
submission as non-existent for them (404 on every page and API call, absent from every list), and each
attempt to reach it is recorded in the audit trail, in its own transaction so the refusal cannot roll
the record back.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, sessionmaker

from intake import audit
from intake.accounts import permissions
from intake.accounts.auth import Principal, actor_of
from intake.models import ConflictOfInterest, Partnership, Submission, utcnow
from intake.services import Services

log = logging.getLogger("safepub.conflicts")


class ConflictError(Exception):
    """A declaration the client got wrong."""


def _active_for(user_id: str) -> ColumnElement[bool]:
    return and_(ConflictOfInterest.user_id == user_id, ConflictOfInterest.withdrawn_at.is_(None))


def not_conflicted(user_id: str) -> ColumnElement[bool]:
    """A WHERE clause for submission queries: drop every submission the user declared an interest in."""
    return ~exists().where(
        _active_for(user_id),
        or_(
            ConflictOfInterest.submission_id == Submission.id,
            ConflictOfInterest.partnership_id == Submission.partnership_id,
        ),
    )


def is_conflicted(session: Session, user_id: str, submission: Submission) -> bool:
    query = select(ConflictOfInterest.id).where(
        _active_for(user_id),
        or_(
            ConflictOfInterest.submission_id == submission.id,
            ConflictOfInterest.partnership_id == submission.partnership_id,
        ),
    )
    return session.scalars(query.limit(1)).first() is not None


def record_refusal(session: Session, principal: Principal, submission: Submission) -> None:
    """Audit a conflicted user's attempt, committed on a separate session.

    The caller is about to raise NotFound, which rolls its own transaction back; the attempt must be
    recorded whatever happens to that transaction. The caller has only read so far (the check comes
    first), so it holds no audit lock this session could wait on.
    """
    factory = sessionmaker(bind=session.get_bind(), expire_on_commit=False)
    with factory() as other, other.begin():
        audit.append(
            other,
            "conflict.access_refused",
            actor=actor_of(principal),
            submission_id=submission.id,
            partnership_id=submission.partnership_id,
            details={},
        )
    log.info("conflicted user refused", extra={"submission_id": submission.id, "user_id": principal.user_id})


def declare(
    services: Services,
    principal: Principal,
    *,
    partnership_id: str | None = None,
    submission_id: str | None = None,
) -> dict[str, Any]:
    """Declare an interest (idempotent: an identical active declaration is returned as it is)."""
    # Partnership accounts see only their own partnership anyway; conflicts are for those who see everyone.
    permissions.require(
        principal, permissions.Action.DECLARE_CONFLICT, "only Panel members and the Secretariat declare interests"
    )
    if not all(v is None or isinstance(v, str) for v in (partnership_id, submission_id)):
        raise ConflictError("partnership_id and submission_id are ids (strings)")
    if bool(partnership_id) == bool(submission_id):
        raise ConflictError("declare an interest in exactly one of partnership_id or submission_id")
    with services.sessions() as session, session.begin():
        if partnership_id is not None:
            partnership = session.get(Partnership, partnership_id)
            if partnership is None:
                raise ConflictError("no such partnership")
            target_partnership = partnership.id
        else:
            submission = session.get(Submission, submission_id)
            if submission is None:
                raise ConflictError("no such submission")
            target_partnership = submission.partnership_id
        existing = session.scalars(
            select(ConflictOfInterest).where(
                _active_for(principal.user_id),
                ConflictOfInterest.partnership_id.is_(None)
                if partnership_id is None
                else ConflictOfInterest.partnership_id == partnership_id,
                ConflictOfInterest.submission_id.is_(None)
                if submission_id is None
                else ConflictOfInterest.submission_id == submission_id,
            )
        ).first()
        if existing is not None:
            return _as_dict(existing, created=False)
        record = ConflictOfInterest(
            user_id=principal.user_id, partnership_id=partnership_id, submission_id=submission_id
        )
        session.add(record)
        session.flush()
        audit.append(
            session,
            "conflict.declared",
            actor=actor_of(principal),
            submission_id=submission_id,
            partnership_id=target_partnership,
            details={"conflict": record.id, "scope": "partnership" if partnership_id else "submission"},
        )
        return _as_dict(record, created=True)


def list_own(services: Services, principal: Principal) -> list[dict[str, Any]]:
    with services.sessions() as session:
        rows = session.scalars(
            select(ConflictOfInterest).where(_active_for(principal.user_id)).order_by(ConflictOfInterest.declared_at)
        ).all()
        return [_as_dict(row, created=False) for row in rows]


def withdraw(services: Services, principal: Principal, conflict_id: str) -> None:
    """Ask to withdraw one's own declaration (the interest has ended). The declaration stays in force
    until a Secretariat user other than the declarer approves (:func:`approve_withdrawal`): a conflicted
    member cannot regain access on their own. Audited."""
    with services.sessions() as session, session.begin():
        record = session.get(ConflictOfInterest, conflict_id)
        if record is None or record.user_id != principal.user_id or record.withdrawn_at is not None:
            raise ConflictError("no such active declaration of yours")
        if record.withdrawal_requested_at is not None:
            return
        record.withdrawal_requested_at = utcnow()
        audit.append(
            session,
            "conflict.withdrawal_requested",
            actor=actor_of(principal),
            submission_id=record.submission_id,
            partnership_id=record.partnership_id,
            details={"conflict": record.id},
        )


def pending_withdrawals(services: Services, principal: Principal) -> list[dict[str, Any]]:
    """Withdrawals waiting for approval, for the Secretariat (never the declarer's own)."""
    permissions.require(principal, permissions.Action.REVIEW, "only the Secretariat approves withdrawals")
    with services.sessions() as session:
        rows = session.scalars(
            select(ConflictOfInterest)
            .where(
                ConflictOfInterest.withdrawn_at.is_(None),
                ConflictOfInterest.withdrawal_requested_at.is_not(None),
                ConflictOfInterest.user_id != principal.user_id,
            )
            .order_by(ConflictOfInterest.withdrawal_requested_at)
        ).all()
        return [{**_as_dict(row, created=False), "user_id": row.user_id} for row in rows]


def approve_withdrawal(services: Services, principal: Principal, conflict_id: str) -> None:
    """A Secretariat user, not the declarer, ends a declaration whose withdrawal was requested."""
    permissions.require(principal, permissions.Action.REVIEW, "only the Secretariat approves withdrawals")
    with services.sessions() as session, session.begin():
        record = session.get(ConflictOfInterest, conflict_id)
        if record is None or record.withdrawn_at is not None or record.withdrawal_requested_at is None:
            raise ConflictError("no withdrawal of that declaration is waiting for approval")
        if record.user_id == principal.user_id:
            raise ConflictError("a withdrawal must be approved by someone other than the declarer")
        record.withdrawn_at = utcnow()
        record.withdrawal_approved_by = principal.user_id
        audit.append(
            session,
            "conflict.withdrawn",
            actor=actor_of(principal),
            submission_id=record.submission_id,
            partnership_id=record.partnership_id,
            details={"conflict": record.id, "declarer": record.user_id},
        )


def _as_dict(record: ConflictOfInterest, *, created: bool) -> dict[str, Any]:
    return {
        "id": record.id,
        "partnership_id": record.partnership_id,
        "submission_id": record.submission_id,
        "declared_at": record.declared_at.strftime("%Y-%m-%dT%H:%M:%SZ") if record.declared_at else None,
        "withdrawal_requested": record.withdrawal_requested_at is not None,
        "created": created,
    }
