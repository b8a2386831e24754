"""SQLAlchemy 2 models. No Flask import: the worker and the CLI use them directly.

Columns that would carry a document's words (title, register, proposal text and context, warnings)
are ``*_enc`` LargeBinary ciphertext sealed under the submission's field data key. Clear columns hold
only ids, enums, counts, sizes, hashes and timestamps, which is what listings and audit need.
Schema changes go through Alembic (intake/migrations); ``Base.metadata`` is the autogenerate target.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python; naive UTC in the column (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Partnership(Base):
    __tablename__ = "partnership"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    partnership_id: Mapped[str | None] = mapped_column(ForeignKey("partnership.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # (failed_logins / locked_until were dropped in 0009: failures slow down in Redis, intake.accounts.throttle)
    # Bumped on password change, deactivation or "log out everywhere": old session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optional TOTP second factor (intake.accounts.totp): the secret sealed under the user's own data key
    # (a data_key row of no submission), the one being enrolled until a first code confirms it, and the
    # last time step accepted (a code is refused a second time within its window).
    totp_key_id: Mapped[str | None] = mapped_column(String(32))  # a data_key id (no FK: it would make a cycle)
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_pending_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class UserSession(Base):
    """A signed-in browser. The cookie carries a random token; this row holds only its SHA-256, so a
    session can be listed and revoked on the server (logout, deactivation, password reset, role change)
    and a copied cookie stops working at once."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the absolute limit
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"), index=True)
    # SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough and lookups stay O(1).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None only for tokens issued before expiry existed (migration 0007 gives them one)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Submission(Base):
    __tablename__ = "submission"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnership.id"), index=True)
    uploaded_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    document_kind: Mapped[str] = mapped_column(String(10))  # pdf | text, sniffed from content
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    title_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    register_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    warnings_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    page_count: Mapped[int | None] = mapped_column(Integer)
    proposal_count: Mapped[int | None] = mapped_column(Integer)
    needs_review_count: Mapped[int | None] = mapped_column(Integer)
    progress_page: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    # Processing lease: the job that owns the submission while it is "processing", and until when.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_job_id: Mapped[str | None] = mapped_column(String(100))  # last RQ job enqueued for it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Review workflow (intake.review). Four-eyes: approved_by may never equal completed_by.
    completed_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the submission went back to review (written by us, never quoting the document).
    review_note: Mapped[str | None] = mapped_column(Text)
    # A new version (revision > 1, intake.submissions.revisions): decisions carried over from the previous revision
    # and manual boxes that could not be (positions change). Null until that revision is processed.
    carried_over: Mapped[int | None] = mapped_column(Integer)
    manual_boxes_dropped: Mapped[int | None] = mapped_column(Integer)
    # Fail closed (issue 11): a verification layer did not run (text-free reason); approval and handover
    # wait until a Secretariat user overrides it with a reason (sealed), for this revision.
    verification_hold: Mapped[str | None] = mapped_column(Text)
    hold_overridden_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    hold_overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_override_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The current revision's proposal ids and payload digests as SafePub wrote them, sealed under the
    # fields key (intake.review.proposals.check_proposal_set): a proposal deleted outside SafePub shows.
    proposal_set_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class DataKeyRecord(Base):
    """A data key wrapped under a KEK. Purging a submission nulls ``wrapped`` (crypto-shredding).

    A key of no submission belongs to a user (purpose ``totp:<user id>``: their second-factor secret)."""

    __tablename__ = "data_key"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submission.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))  # fields | original | preview | final | totp:<user>
    kek_id: Mapped[str] = mapped_column(String(64), index=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DocumentVersion(Base):
    """One stored document (its id is the EncryptedStore object name)."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("submission_id", "revision", "role"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    role: Mapped[str] = mapped_column(String(20))  # original | preview | final
    data_key_id: Mapped[str] = mapped_column(ForeignKey("data_key.id"))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalRecord(Base):
    """A proposed redaction. ``payload_enc`` is the whole Proposal.to_dict() JSON, sealed."""

    __tablename__ = "proposal"
    __table_args__ = (UniqueConstraint("submission_id", "revision", "proposal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    proposal_id: Mapped[str] = mapped_column(String(40))
    ordinal: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(40))
    page: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)


class Decision(Base):
    """The current human decision on one proposal of one revision (``accept`` | ``reject``).

    One row per proposal, overwritten when the reviewer changes their mind; the history of every
    decision is in the audit trail. Clear columns only: ids and codes, never the proposal's text.
    """

    __tablename__ = "decision"
    __table_args__ = (UniqueConstraint("submission_id", "revision", "proposal_id", name="uq_decision_proposal"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    proposal_id: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(60))
    payload_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # HMAC of (submission, revision, proposal, action) under a key derived from the fields key
    # (intake.storage.fields.decision_mac): a decision changed outside SafePub no longer matches
    mac: Mapped[str | None] = mapped_column(String(64))


class ConflictOfInterest(Base):
    """A declared interest: the user may not open, decide on or approve the partnership's (or the one
    submission's) work while ``withdrawn_at`` is null. Exactly one of partnership_id / submission_id."""

    __tablename__ = "conflict_of_interest"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"), index=True)
    partnership_id: Mapped[str | None] = mapped_column(ForeignKey("partnership.id"))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submission.id"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the declarer asks; a Secretariat user (someone else) approves: only then is it withdrawn
    withdrawal_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_approved_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))


class NonPublicationRequest(Base):
    """A partnership's request not to publish, and the Panel's decision on it.

    ``grounds_enc`` and ``reasons_enc`` are free text (they may describe the family), sealed under the
    submission's fields key like proposals; category, outcome and dates are clear for listings and audit.
    """

    __tablename__ = "non_publication_request"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnership.id"))
    requested_by: Mapped[str] = mapped_column(ForeignKey("app_user.id"))
    category: Mapped[str] = mapped_column(String(60))
    grounds_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | deferred | decided
    outcome: Mapped[str | None] = mapped_column(String(40))
    reasons_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    letter_date: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Base):
    """Append-only event log; rows are only ever inserted through intake.audit.append."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("seq", name="uq_audit_event_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(32))
    actor_role: Mapped[str | None] = mapped_column(String(40))
    partnership_id: Mapped[str | None] = mapped_column(String(32))
    submission_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # Canonical JSON (sorted keys, compact) of ids and counts.
    details: Mapped[str] = mapped_column(Text, default="{}")
    # RFC 6962 leaf index: unique and gap-free, assigned under the append lock (intake.audit).
    seq: Mapped[int] = mapped_column(Integer)
    # The exact canonical bytes that were hashed (ASCII JSON), and SHA-256(0x00 || entry) in hex.
    entry: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The one row (id 1) every append locks and advances: the serialisation point and the tree head."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tree_size: Mapped[int] = mapped_column(Integer)
    last_leaf: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed C2SP checkpoint note: the tree size and root hash the log had, signed with Ed25519."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tree_size: Mapped[int] = mapped_column(Integer, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobRecord(Base):
    """One attempt of a background job, for operators and for recovery after a crash."""

    __tablename__ = "job_record"
    __table_args__ = (Index("ix_job_record_submission", "submission_id", "attempt"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"))
    rq_job_id: Mapped[str | None] = mapped_column(String(100))
    attempt: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))  # running | succeeded | failed | abandoned
    worker: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HandoverDelivery(Base):
    """One document (or withdrawal notice) to one archive sink, and its receipt (intake.handover).

    ``idempotency_key`` is fixed when the row is created and sent with every attempt, so a retry after a
    lost response can never make the archive hold two copies. Clear columns only: ids, codes, hashes.
    """

    __tablename__ = "handover_delivery"
    __table_args__ = (UniqueConstraint("sink", "idempotency_key", name="uq_handover_delivery_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # publication | withdrawal
    sink: Mapped[str] = mapped_column(String(20))  # filesystem | http | s3
    idempotency_key: Mapped[str] = mapped_column(String(80))
    document_sha256: Mapped[str] = mapped_column(String(64))
    # pending | sending | retrying | delivered | dead_letter | rejected | superseded
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(80))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archive_ref: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HandoverAttempt(Base):
    """One try of one delivery: what happened (a code, an HTTP status), never what was sent."""

    __tablename__ = "handover_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("handover_delivery.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # delivered | transient | permanent
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PageImage(Base):
    """A sealed PNG of one page, rendered by the worker (never the web process): the original
    (``variant == "original"``) or a live preview (``variant`` = digest of the redactions applied)."""

    __tablename__ = "page_image"
    __table_args__ = (UniqueConstraint("submission_id", "revision", "variant", "page", name="uq_page_image"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(64))
    page: Mapped[int] = mapped_column(Integer)
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    dpi: Mapped[int] = mapped_column(Integer)
    data_key_id: Mapped[str] = mapped_column(ForeignKey("data_key.id"))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScreenTask(Base):
    """A reviewer's manual redactions (boxes, "every occurrence") waiting for the worker to locate them.

    The request (it may hold a text to find) and the result are sealed under the submission's fields key;
    the web process records the batch only once the worker has found the proposals, under the lock."""

    __tablename__ = "screen_task"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"))
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued | done | failed
    request_enc: Mapped[bytes] = mapped_column(LargeBinary)
    result_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
