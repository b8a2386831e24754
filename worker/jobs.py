"""Background jobs. Enqueued by dotted path ("worker.jobs.process_submission") with IDs only.

``process_submission`` is idempotent and crash-safe:

* A *lease* in the submission row (owner = RQ job id, expiry extended by a heartbeat thread) makes
  sure one attempt works on a submission at a time. A claim is a single conditional UPDATE, so two
  workers cannot both win it on either SQLite or PostgreSQL.
* A finished submission (proposed or later, failed, purged) is left alone: re-running is a no-op.
* Results are written in one transaction that only commits if the lease is still ours; a previous
  attempt's proposals and preview are replaced, never duplicated.
* Bad input (a password-protected PDF, a malformed register) fails at once with the engine's
  user-facing reason. Anything else is retried (RQ ``Retry``) up to ``job_max_attempts`` in total; a
  killed work horse leaves an expiring lease that the retry (same RQ job id) or the recovery sweep
  (worker.recovery) picks up, and after the last attempt the submission is marked failed.
* Exceptions re-raised to RQ carry only the type name: RQ stores tracebacks in Redis, and a message
  could quote the document.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from intake import audit, carryover, review
from intake.handover.queue import enqueue_handover
from intake.models import (
    DataKeyRecord,
    DocumentVersion,
    JobRecord,
    ProposalRecord,
    Submission,
    utcnow,
)
from intake.proposal_store import seal_proposal
from intake.services import Services
from intake.submissions import CONTENT_TYPES, load_document, store_document
from redaction.errors import RegisterError, UnsupportedDocumentError, VerificationFailed
from worker import context as worker_context
from worker.context import WorkerContext
from worker.recovery import GAVE_UP

log = logging.getLogger("safepub.worker.jobs")

TERMINAL = ("proposed", "approved", "published", "failed")


class ProcessingError(Exception):
    """Raised to RQ for a retryable failure; the message is only the original exception's type."""


class LeaseLost(Exception):
    """Another attempt took the submission over (our lease expired); our results are discarded."""


def process_submission(
    submission_id: str, *, context: WorkerContext | None = None, owner: str | None = None
) -> dict[str, Any]:
    ctx = context or worker_context.current()
    owner = owner or _current_job_id() or "local-" + uuid.uuid4().hex[:12]
    settings = ctx.services.settings
    claim = _claim(ctx, submission_id, owner)
    if claim != "claimed":
        log.info("nothing to do", extra={"submission_id": submission_id, "reason": claim})
        return {"submission_id": submission_id, "outcome": claim}

    heartbeat = _Heartbeat(ctx, submission_id, owner, settings.job_lease_seconds)
    heartbeat.start()
    try:
        outcome = _run(ctx, submission_id, owner, heartbeat)
    except (UnsupportedDocumentError, RegisterError) as exc:
        _fail(ctx, submission_id, owner, str(exc), outcome=type(exc).__name__)
        return {"submission_id": submission_id, "outcome": "failed"}
    except VerificationFailed as exc:
        channels = sorted({channel for channel, _category in exc.survivors})
        reason = (
            "automatic redaction could not be verified"
            + (f" (text survived in: {', '.join(channels)})" if channels else "")
            + "; the Secretariat will redact this draft by hand"
        )
        _fail(ctx, submission_id, owner, reason, outcome="VerificationFailed")
        return {"submission_id": submission_id, "outcome": "failed"}
    except LeaseLost:
        log.warning("lease lost; results discarded", extra={"submission_id": submission_id})
        return {"submission_id": submission_id, "outcome": "lease_lost"}
    except Exception as exc:  # noqa: BLE001 - every other error is treated as transient
        name = type(exc).__name__
        log.error("processing attempt failed", extra={"submission_id": submission_id, "error": name})
        if _attempts(ctx, submission_id) >= settings.job_max_attempts:
            _fail(ctx, submission_id, owner, GAVE_UP.format(n=settings.job_max_attempts), outcome=name)
            return {"submission_id": submission_id, "outcome": "failed"}
        _release(ctx, submission_id, owner, outcome=name)
        raise ProcessingError(name) from None
    finally:
        heartbeat.stop()
    return outcome


def _current_job_id() -> str | None:
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover
        return None
    job = get_current_job()
    return job.id if job is not None else None


# -- the lease ---------------------------------------------------------------------------------------
def _claim(ctx: WorkerContext, submission_id: str, owner: str) -> str:
    settings = ctx.services.settings
    now = utcnow()
    with ctx.session() as session, session.begin():
        result = session.execute(
            update(Submission)
            .where(
                Submission.id == submission_id,
                Submission.purged_at.is_(None),
                or_(
                    Submission.status == "received",
                    and_(
                        Submission.status == "processing",
                        or_(
                            Submission.lease_owner == owner,
                            Submission.lease_until.is_(None),
                            Submission.lease_until < now,
                        ),
                    ),
                ),
            )
            .values(
                status="processing",
                lease_owner=owner,
                lease_until=now + timedelta(seconds=settings.job_lease_seconds),
                attempts=Submission.attempts + 1,
                progress_page=0,
                progress_total=0,
                failure_reason=None,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            submission = session.get(Submission, submission_id)
            if submission is None:
                return "missing"
            if submission.purged_at is not None:
                return "purged"
            if submission.status in TERMINAL:
                return "already_" + submission.status
            return "busy"
        submission = session.get(Submission, submission_id)
        assert submission is not None
        session.refresh(submission)
        # A killed earlier attempt never finished its record; it is superseded now.
        session.execute(
            update(JobRecord)
            .where(JobRecord.submission_id == submission_id, JobRecord.state == "running")
            .values(state="abandoned", outcome="superseded", finished_at=now)
            .execution_options(synchronize_session=False)
        )
        session.add(
            JobRecord(
                submission_id=submission_id,
                rq_job_id=owner,
                attempt=submission.attempts,
                state="running",
                worker=ctx.worker_name,
            )
        )
        audit.append(
            session,
            "processing.started",
            submission_id=submission_id,
            partnership_id=submission.partnership_id,
            details={"attempt": submission.attempts},
        )
        attempts = submission.attempts
    if attempts > settings.job_max_attempts:
        _fail(ctx, submission_id, owner, GAVE_UP.format(n=settings.job_max_attempts), outcome="max_attempts")
        return "failed"
    log.info("processing started", extra={"submission_id": submission_id, "attempt": attempts})
    return "claimed"


def _owned(submission_id: str, owner: str) -> Any:
    return and_(Submission.id == submission_id, Submission.lease_owner == owner, Submission.status == "processing")


def _attempts(ctx: WorkerContext, submission_id: str) -> int:
    with ctx.session() as session:
        submission = session.get(Submission, submission_id)
        return submission.attempts if submission else 0


def _finish_job_record(session: Any, submission_id: str, owner: str, state: str, outcome: str | None) -> None:
    record = session.scalars(
        select(JobRecord)
        .where(
            JobRecord.submission_id == submission_id,
            JobRecord.rq_job_id == owner,
            JobRecord.state == "running",
        )
        .order_by(JobRecord.attempt.desc())
    ).first()
    if record is not None:
        record.state, record.outcome, record.finished_at = state, outcome, utcnow()


def _fail(ctx: WorkerContext, submission_id: str, owner: str, reason: str, *, outcome: str) -> None:
    with ctx.session() as session, session.begin():
        result = session.execute(
            update(Submission)
            .where(_owned(submission_id, owner))
            .values(
                status="failed",
                failure_reason=reason,
                lease_owner=None,
                lease_until=None,
                processed_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return
        _finish_job_record(session, submission_id, owner, "failed", outcome)
        submission = session.get(Submission, submission_id)
        audit.append(
            session,
            "processing.failed",
            submission_id=submission_id,
            partnership_id=submission.partnership_id if submission else None,
            details={"error": outcome[:80]},
        )
    log.warning("processing failed", extra={"submission_id": submission_id, "error": outcome})


def _release(ctx: WorkerContext, submission_id: str, owner: str, *, outcome: str) -> None:
    """Give the lease up at once so the retry (or the recovery sweep) need not wait for it to expire."""
    with ctx.session() as session, session.begin():
        session.execute(
            update(Submission)
            .where(_owned(submission_id, owner))
            .values(lease_until=utcnow())
            .execution_options(synchronize_session=False)
        )
        _finish_job_record(session, submission_id, owner, "failed", outcome)


class _Heartbeat:
    """Extends the lease while the engine works, and records page progress (throttled)."""

    def __init__(self, ctx: WorkerContext, submission_id: str, owner: str, lease_seconds: int) -> None:
        self.ctx, self.submission_id, self.owner = ctx, submission_id, owner
        self.lease = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lease-heartbeat", daemon=True)
        self._last_progress = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(max(self.lease / 3, 0.5)):
            try:
                self._write({})
            except Exception as exc:  # noqa: BLE001 - a missed beat is not fatal; the next one retries
                log.warning(
                    "heartbeat failed",
                    extra={"submission_id": self.submission_id, "error": type(exc).__name__},
                )

    def _write(self, values: dict[str, Any]) -> None:
        with self.ctx.session() as session, session.begin():
            session.execute(
                update(Submission)
                .where(_owned(self.submission_id, self.owner))
                .values(lease_until=utcnow() + timedelta(seconds=self.lease), **values)
                .execution_options(synchronize_session=False)
            )

    def progress(self, page: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_progress < 0.5 and page < total:
            return
        self._last_progress = now
        self._write({"progress_page": int(page), "progress_total": int(total)})


# -- the work ----------------------------------------------------------------------------------------
def _original_and_register(services: Services, session: Session, submission: Submission) -> tuple[bytes, Any, Any]:
    """The current revision's original (decrypted, in memory only), the submission's fields key and its
    register, as every job that renders needs them."""
    original = session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.submission_id == submission.id,
            DocumentVersion.revision == submission.revision,
            DocumentVersion.role == "original",
        )
    ).one()
    data = load_document(services, session, original)
    fields_key = services.keys.fields_key(session, submission.id)
    register = None
    if submission.register_enc:
        register = services.keys.open_field(fields_key, submission.id, "register", submission.register_enc)
    return data, fields_key, register


def _run(ctx: WorkerContext, submission_id: str, owner: str, heartbeat: _Heartbeat) -> dict[str, Any]:
    services = ctx.services
    with ctx.session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        revision = submission.revision
        data, fields_key, register = _original_and_register(services, session, submission)
        document_kind = submission.document_kind
        previous = carryover.previous_review(services, session, submission, fields_key)

    analysis = ctx.engine.analyze(
        data, register=register, profile=services.settings.engine_profile, progress=heartbeat.progress
    )
    preview = ctx.engine.render(data, analysis.proposals)
    planned = None
    if previous is not None:  # a new version: the previous review carries over to identical text
        planned = carryover.plan(previous, analysis.proposals, data, ocr=_ocr(services.settings))
    del data, register

    counts = Counter(p.category for p in analysis.proposals)
    with ctx.session() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is None or submission.lease_owner != owner or submission.status != "processing":
            raise LeaseLost()
        _replace_previous_results(services, session, submission_id, revision)
        version = store_document(
            services,
            session,
            submission,
            "preview",
            preview,
            CONTENT_TYPES["pdf" if document_kind == "pdf" else "text"],
        )
        try:
            _store_proposals(services, session, submission_id, revision, fields_key, analysis.proposals)
            carried: dict[str, Any] = {}
            if planned is not None:
                carry = carryover.apply(services, session, submission, fields_key, planned)
                carried = {
                    "carried_over": carry["carried_over"],
                    "manual_boxes_dropped": carry["manual_boxes_dropped"],
                    "review_note": carryover.review_note(carry),
                }
            notes = {
                "needs_review": list(analysis.needs_review),
                "warnings": list(analysis.warnings),
                # agency names the analysis kept; the final render's verification needs them again
                "kept_phrases": list(getattr(analysis, "kept_phrases", ())),
            }
            result = session.execute(
                update(Submission)
                .where(_owned(submission_id, owner))
                .values(
                    status="proposed",
                    lease_owner=None,
                    lease_until=None,
                    processed_at=utcnow(),
                    page_count=analysis.page_count,
                    proposal_count=len(analysis.proposals),
                    needs_review_count=len(analysis.needs_review),
                    progress_page=analysis.page_count,
                    progress_total=analysis.page_count,
                    warnings_enc=services.keys.seal_field(
                        fields_key, submission_id, "notes", json.dumps(notes).encode()
                    ),
                    **carried,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost()
            _finish_job_record(session, submission_id, owner, "succeeded", "proposed")
            audit.append(
                session,
                "processing.finished",
                submission_id=submission_id,
                partnership_id=submission.partnership_id,
                details={
                    "pages": analysis.page_count,
                    "proposals": len(analysis.proposals),
                    "by_category": dict(sorted(counts.items())),
                    "needs_review": len(analysis.needs_review),
                    "preview": version.id,
                },
            )
        except BaseException:
            services.store.delete(version.id)
            raise
    log.info(
        "processing finished",
        extra={
            "submission_id": submission_id,
            "pages": analysis.page_count,
            "proposals": len(analysis.proposals),
        },
    )
    return {"submission_id": submission_id, "outcome": "proposed", "proposals": len(analysis.proposals)}


def _ocr(settings: Any) -> Any:
    """OCR for re-applying "every occurrence" redactions, as the review screen searches (intake.review)."""
    if not settings.ocr:
        return None
    from redaction.ocr import OcrEngine

    return OcrEngine()


def _replace_previous_results(services: Any, session: Any, submission_id: str, revision: int) -> None:
    """Idempotency: an earlier attempt may have committed a preview and proposals (e.g. killed just
    after committing, before RQ recorded success). They are replaced, and their data key shredded."""
    session.execute(
        delete(ProposalRecord).where(ProposalRecord.submission_id == submission_id, ProposalRecord.revision == revision)
    )
    old = session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.submission_id == submission_id,
            DocumentVersion.revision == revision,
            DocumentVersion.role == "preview",
        )
    ).all()
    for version in old:
        key = session.get(DataKeyRecord, version.data_key_id)
        if key is not None:
            key.wrapped, key.destroyed_at = None, utcnow()
        services.store.delete(version.id)
        session.delete(version)
    session.flush()


def _store_proposals(
    services: Any, session: Any, submission_id: str, revision: int, fields_key: Any, proposals: Any
) -> None:
    seen: Counter[str] = Counter()
    for ordinal, proposal in enumerate(proposals):
        payload = proposal.to_dict()
        pid = str(payload["id"])
        seen[pid] += 1
        if seen[pid] > 1:  # the engine promises unique ids; never lose a proposal if it slips
            pid = f"{pid}-{seen[pid]}"
            payload["id"] = pid
        session.add(seal_proposal(services, fields_key, submission_id, revision, ordinal, payload))
    session.flush()


# -- the final render (issue 4) -----------------------------------------------------------------------
def finalise_submission(submission_id: str, *, context: WorkerContext | None = None) -> dict[str, Any]:
    """Render, verify and store the publication-ready PDF of an approved review. IDs only; idempotent.

    Runs only while the submission is ``approving``; the approval's timestamp is the token, so a
    re-run, a duplicate job or a review reopened meanwhile (the Panel asked for more redaction) writes
    nothing. The original is decrypted in memory; what is redacted is the machine proposals a human
    accepted plus the manual ones, and the rejected ones are passed as ``kept`` so verification does not
    demand their text vanish. If verification fails the submission goes back to review with a reason
    that names channels and categories, never text. A previous final of the same revision (reopened
    and approved again) is replaced and its data key shredded.
    """
    ctx = context or worker_context.current()
    services = ctx.services
    with ctx.session() as session:
        submission = session.get(Submission, submission_id)
        if submission is None:
            return {"submission_id": submission_id, "outcome": "missing"}
        if submission.purged_at is not None:
            return {"submission_id": submission_id, "outcome": "purged"}
        if submission.status != "approving":
            return {"submission_id": submission_id, "outcome": "not_approving", "status": submission.status}
        token = submission.approved_at
        revision, document_kind = submission.revision, submission.document_kind
        data, fields_key, register = _original_and_register(services, session, submission)
        notes: dict[str, Any] = {}
        if submission.warnings_enc:
            notes = json.loads(services.keys.open_field(fields_key, submission_id, "notes", submission.warnings_enc))
        redact, kept, undecided = review.chosen_proposals(services, session, submission)
    kept_phrases = notes.get("kept_phrases")
    if kept_phrases is None:  # processed before kept phrases were stored
        kept_phrases = _kept_phrases(services.settings.engine_profile, data)
    log.info("finalising", extra={"submission_id": submission_id, "redact": len(redact), "kept": len(kept)})
    try:
        final = ctx.engine.render(data, redact, kept=kept, kept_phrases=kept_phrases, register=register)
    except (VerificationFailed, UnsupportedDocumentError) as exc:
        del data, register
        return _back_to_review(ctx, submission_id, token, exc)
    del data, register

    with ctx.session() as session, session.begin():
        claimed = session.execute(
            update(Submission)
            .where(Submission.id == submission_id, Submission.status == "approving", Submission.approved_at == token)
            .values(status="approved", review_note=None, processed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return {"submission_id": submission_id, "outcome": "superseded"}
        submission = session.get(Submission, submission_id)
        assert submission is not None
        old_blobs = _shred_versions(session, submission_id, revision, "final")
        version = store_document(
            services, session, submission, "final", final, CONTENT_TYPES["pdf" if document_kind == "pdf" else "text"]
        )
        try:
            audit.append(
                session,
                "review.finalised",
                submission_id=submission_id,
                partnership_id=submission.partnership_id,
                details={
                    "final": version.id,
                    "redacted": len(redact),
                    "kept": len(kept),
                    "undecided": undecided,
                    "by_category": dict(sorted(Counter(p.category for p in redact).items())),
                    "revision": revision,
                    "sha256": version.sha256,
                },
            )
            session.flush()
        except BaseException:
            services.store.delete(version.id)
            raise
    for name in old_blobs:
        services.store.delete(name)
    log.info("finalised", extra={"submission_id": submission_id, "final": version.id})
    enqueue_handover(services.settings, services.redis, submission_id)  # issue 5: on to the archive
    return {"submission_id": submission_id, "outcome": "approved", "final": version.id}


def _back_to_review(ctx: WorkerContext, submission_id: str, token: Any, exc: Exception) -> dict[str, Any]:
    if isinstance(exc, VerificationFailed):
        channels = sorted({channel for channel, _category in exc.survivors})
        categories = sorted({category for _channel, category in exc.survivors})
        note = (
            "The final PDF could not be verified: redacted text survived"
            + (f" in {', '.join(channels)}" if channels else "")
            + (f" ({', '.join(categories)})" if categories else "")
            + ". Check the decisions (a rejected mention may share its text with an accepted one, or a"
            " box may cut through a word), then complete the review again."
        )
        reason = "verification_failed"
    else:
        note = f"The final PDF could not be rendered: {exc}. Complete the review again or ask for a new upload."
        reason = "render_failed"
    with ctx.session() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is None or submission.status != "approving" or submission.approved_at != token:
            return {"submission_id": submission_id, "outcome": "superseded"}
        review.reopen(session, submission, note=note, reason=reason, actor=audit.SYSTEM)
    log.warning("final render failed; back to review", extra={"submission_id": submission_id, "error": reason})
    return {"submission_id": submission_id, "outcome": "returned_to_review", "reason": reason}


def _shred_versions(session: Any, submission_id: str, revision: int, role: str) -> list[str]:
    """Drop the version rows of one role and destroy their data keys; returns the blob names to delete
    once the transaction has committed."""
    old = session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.submission_id == submission_id,
            DocumentVersion.revision == revision,
            DocumentVersion.role == role,
        )
    ).all()
    names = []
    for version in old:
        key = session.get(DataKeyRecord, version.data_key_id)
        if key is not None:
            key.wrapped, key.destroyed_at = None, utcnow()
        names.append(version.id)
        session.delete(version)
    session.flush()
    return names


def _kept_phrases(profile: str, data: bytes) -> list[str]:
    """Agency names (as the analysis keeps them) recomputed from the text, for older submissions."""
    from redaction.extract import extract_pdf, extract_text
    from redaction.policy import load_policy
    from redaction.resolve import agency_ranges
    from redaction.sniff import detect_kind, open_pdf

    if detect_kind(data) == "text":
        extracted = extract_text(data.decode("utf-8"))
    else:
        with open_pdf(data) as doc:
            extracted = extract_pdf(doc, None)
    return sorted({extracted.text[a:b] for a, b in agency_ranges(extracted.text, load_policy(profile))})
