"""Handover of an approved review to the archive sinks: attempts, backoff, dead letter, receipts, withdrawal.

Submission statuses this module moves (``Submission.status``, which the Secretariat queue shows and
filters on; the two alert statuses are not "done", so they sort to the top of the queue):

    approved --(every configured sink has a receipt)--> published --(withdraw)--> withdrawing --> withdrawn
    approved --(re-verification fails)--> handover_blocked      (nothing was sent)
    approved|withdrawing --(N transient failures, or a 4xx)--> handover_failed   (dead letter)
    handover_blocked|handover_failed --(Secretariat: retry now)--> approved|withdrawing

One ``HandoverDelivery`` row per (document or notice, sink) holds the idempotency key, the state and the
receipt; one ``HandoverAttempt`` row per try. A delivery is claimed with a conditional UPDATE (a lease),
so a scheduled retry and a "retry now" cannot send at the same moment; sequential duplicates are
harmless because every try carries the same idempotency key. Every attempt, receipt, block, dead letter
and request is audited with ids and codes only.

A review with an open or deferred non-publication request, or one the Panel agreed not to publish, is
held: nothing is sent until the Panel decides to publish (which enqueues the handover again).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from intake import audit
from intake.handover.package import Package, idempotency_key
from intake.handover.sinks import PermanentSinkError, Receipt, Sink, SinkError, TransientSinkError
from intake.models import (
    DocumentVersion,
    HandoverAttempt,
    HandoverDelivery,
    NonPublicationRequest,
    Partnership,
    Submission,
    utcnow,
)
from intake.services import Services
from intake.states import Status
from intake.storage.documents import find_version, load_document
from redaction.errors import VerificationFailed

log = logging.getLogger("safepub.handover")

SENDING_LEASE = timedelta(minutes=10)
MAX_BACKOFF_SECONDS = 6 * 3600
_SAFE_REF = re.compile(r"^[A-Za-z0-9._:/?=@+-]{1,80}$")

Verifier = Callable[[Services, Session, Submission, bytes, str, str], int]


def backoff_seconds(base: int, attempt: int) -> int:
    """Delay after failed attempt ``attempt`` (1-based): base, 2*base, 4*base ... capped at six hours."""
    return int(min(base * 2 ** max(attempt - 1, 0), MAX_BACKOFF_SECONDS))


def retry_intervals(base: int, max_attempts: int) -> list[int]:
    """RQ ``Retry`` intervals matching :func:`backoff_seconds`, one per retry."""
    return [backoff_seconds(base, n) for n in range(1, max_attempts)]


@dataclass
class HandoverResult:
    submission_id: str
    outcome: str  # published | withdrawn | retry | blocked | dead_letter | held | nothing_to_do | ...
    deliveries: dict[str, str] = field(default_factory=dict)  # sink -> state
    retry_in: int | None = None

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"submission_id": self.submission_id, "outcome": self.outcome}
        if self.deliveries:
            result["deliveries"] = dict(self.deliveries)
        if self.retry_in is not None:
            result["retry_in"] = self.retry_in
        return result


def _default_verifier(
    services: Services, session: Session, submission: Submission, data: bytes, sha256: str, kind: str
) -> int:
    from intake.handover.verification import reverify

    return reverify(services, session, submission, data, sha256, kind)


class HandoverService:
    """Runs one round of the handover for one submission. ``sinks`` by name, tried in order."""

    def __init__(
        self,
        services: Services,
        sinks: Mapping[str, Sink],
        *,
        verifier: Verifier = _default_verifier,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.services = services
        self.sinks = dict(sinks)
        self.verifier = verifier
        self.clock = clock
        self.settings = services.settings

    # -- entry point --------------------------------------------------------------------------------
    def run(self, submission_id: str) -> HandoverResult:
        with self.services.sessions() as session:
            submission = session.get(Submission, submission_id)
            if submission is None:
                return HandoverResult(submission_id, "missing")
            if submission.purged_at is not None:
                return HandoverResult(submission_id, "purged")
            status = submission.status
        if status == "approved":
            return self._publish(submission_id)
        if status == "withdrawing":
            return self._withdraw(submission_id)
        return HandoverResult(submission_id, f"nothing_to_do_{status}")

    # -- publication --------------------------------------------------------------------------------
    def _publish(self, submission_id: str) -> HandoverResult:
        with self.services.sessions() as session:
            submission = session.get(Submission, submission_id)
            assert submission is not None
            if _held(session, submission_id):
                log.info("handover held by a non-publication request", extra={"submission_id": submission_id})
                return HandoverResult(submission_id, "held")
            final = find_version(session, submission, "final")
            if final is None:
                return HandoverResult(submission_id, "no_final")
            data = load_document(self.services.keys, self.services.store, session, final)
            kind = submission.document_kind
            try:
                pages = self.verifier(self.services, session, submission, data, final.sha256, kind)
            except VerificationFailed as exc:
                survivors = list(getattr(exc, "survivors", []) or [])
                return self._block(submission_id, survivors)
            metadata = self._metadata(session, submission, final, pages)
        key = idempotency_key("publication", submission_id, final.sha256)
        deliveries = self._ensure_deliveries(submission_id, final.revision, "publication", key, final.sha256)
        metadata["publication_date"] = deliveries[0].created_at.date().isoformat()
        package = Package("publication", submission_id, key, metadata, data)
        return self._deliver_all(submission_id, package, "approved", "published")

    def _metadata(self, session: Session, submission: Submission, final: DocumentVersion, pages: int) -> dict[str, Any]:
        title = None
        if submission.title_enc:
            fields_key = self.services.keys.fields_key(session, submission.id)
            title = self.services.keys.open_field(fields_key, submission.id, "title", submission.title_enc).decode()
        partnership = session.get(Partnership, submission.partnership_id)
        extension = "pdf" if submission.document_kind == "pdf" else "txt"
        return {
            "submission_id": submission.id,
            "revision": final.revision,
            "title": title,
            "partnership": partnership.name if partnership else None,
            "partnership_id": submission.partnership_id,
            "kind": submission.kind,
            "page_count": pages or submission.page_count,
            "sha256": final.sha256,
            "size": final.size,
            "content_type": final.content_type,
            "filename": f"{submission.id}.{extension}",
            "approved_at": submission.approved_at.strftime("%Y-%m-%dT%H:%M:%SZ") if submission.approved_at else None,
            "themes": [],
        }

    def _block(self, submission_id: str, survivors: list[tuple[str, str]]) -> HandoverResult:
        channels = sorted({c for c, _ in survivors})
        categories = sorted({k for _, k in survivors})
        note = (
            "Archive handover stopped: the stored final failed re-verification"
            + (f" (text survived in {', '.join(channels)}" if channels else "")
            + (f"; {', '.join(categories)})" if categories and channels else (")" if channels else ""))
            + ". Nothing was sent. Reopen the review or ask for a new final, then use 'retry now'."
        )
        with self.services.sessions() as session, session.begin():
            changed = session.execute(
                update(Submission)
                .where(Submission.id == submission_id, Submission.status == "approved")
                .values(status=Status.HANDOVER_BLOCKED, review_note=note)
                .execution_options(synchronize_session=False)
            )
            if changed.rowcount == 1:  # type: ignore[attr-defined]
                submission = session.get(Submission, submission_id)
                audit.append(
                    session,
                    "handover.blocked",
                    submission_id=submission_id,
                    partnership_id=submission.partnership_id if submission else None,
                    details={"reason": "verification_failed", "channels": channels[:20], "categories": categories[:20]},
                )
        log.warning("handover blocked: re-verification failed", extra={"submission_id": submission_id})
        return HandoverResult(submission_id, "blocked")

    # -- withdrawal ---------------------------------------------------------------------------------
    def _withdraw(self, submission_id: str) -> HandoverResult:
        with self.services.sessions() as session:
            published = session.scalars(
                select(HandoverDelivery)
                .where(
                    HandoverDelivery.submission_id == submission_id,
                    HandoverDelivery.kind == "publication",
                    HandoverDelivery.state.in_(("delivered", "sending")),
                )
                .order_by(HandoverDelivery.created_at.desc())
            ).all()
            submission = session.get(Submission, submission_id)
            assert submission is not None
            filename = f"{submission_id}.{'pdf' if submission.document_kind == 'pdf' else 'txt'}"
            partnership_id = submission.partnership_id
        sinks = sorted({d.sink for d in published if d.sink in self.sinks}, key=list(self.sinks).index)
        if not sinks:  # nothing ever reached an archive (or its sink is no longer configured)
            return self._finish_kind(submission_id, "withdrawing", "withdrawn", "withdrawal")
        sha = published[0].document_sha256
        key = idempotency_key("withdrawal", submission_id, sha)
        deliveries = self._ensure_deliveries(submission_id, published[0].revision, "withdrawal", key, sha, sinks)
        metadata = {
            "submission_id": submission_id,
            "partnership_id": partnership_id,
            "withdrawn_sha256": sha,
            "filename": filename,
            "withdrawal_date": deliveries[0].created_at.date().isoformat(),
        }
        package = Package("withdrawal", submission_id, key, metadata, None)
        return self._deliver_all(submission_id, package, "withdrawing", "withdrawn", only=sinks)

    # -- delivery -----------------------------------------------------------------------------------
    def _ensure_deliveries(
        self, submission_id: str, revision: int, kind: str, key: str, sha256: str, sinks: list[str] | None = None
    ) -> list[HandoverDelivery]:
        """One row per sink for this key (created once; every retry reuses it). Open rows of an older key
        of the same kind (an earlier final) are superseded: only the current document may go out."""
        names = list(self.sinks) if sinks is None else sinks
        with self.services.sessions() as session, session.begin():
            session.execute(
                update(HandoverDelivery)
                .where(
                    HandoverDelivery.submission_id == submission_id,
                    HandoverDelivery.kind == kind,
                    HandoverDelivery.idempotency_key != key,
                    HandoverDelivery.state.in_(("pending", "retrying", "dead_letter", "rejected")),
                )
                .values(state="superseded")
                .execution_options(synchronize_session=False)
            )
            existing = {
                d.sink: d
                for d in session.scalars(
                    select(HandoverDelivery).where(
                        HandoverDelivery.submission_id == submission_id, HandoverDelivery.idempotency_key == key
                    )
                )
            }
            now = self.clock()
            for name in names:
                if name not in existing:
                    row = HandoverDelivery(
                        submission_id=submission_id,
                        revision=revision,
                        kind=kind,
                        sink=name,
                        idempotency_key=key,
                        document_sha256=sha256,
                        state="pending",
                        attempts=0,
                        created_at=now,
                    )
                    session.add(row)
                    existing[name] = row
            session.flush()
            rows = sorted(existing.values(), key=lambda d: d.created_at)
            session.expunge_all()
        return rows

    def _deliver_all(
        self, submission_id: str, package: Package, from_status: str, to_status: str, only: list[str] | None = None
    ) -> HandoverResult:
        for name, sink in self.sinks.items():
            if only is not None and name not in only:
                continue
            delivery = self._claim(submission_id, package.idempotency_key, name)
            if delivery is None:
                continue
            self._attempt(delivery, sink, package)
        return self._finish_kind(submission_id, from_status, to_status, package.kind, key=package.idempotency_key)

    def _claim(self, submission_id: str, key: str, sink: str) -> tuple[str, int] | None:
        now = self.clock()
        with self.services.sessions() as session, session.begin():
            row = session.scalars(
                select(HandoverDelivery).where(
                    HandoverDelivery.submission_id == submission_id,
                    HandoverDelivery.idempotency_key == key,
                    HandoverDelivery.sink == sink,
                )
            ).first()
            if row is None:
                return None
            claimed = session.execute(
                update(HandoverDelivery)
                .where(
                    HandoverDelivery.id == row.id,
                    or_(
                        HandoverDelivery.state.in_(("pending", "retrying")),
                        (HandoverDelivery.state == "sending") & (HandoverDelivery.lease_until < now),
                    ),
                )
                .values(state="sending", lease_until=now + SENDING_LEASE, attempts=HandoverDelivery.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return None
            session.refresh(row)
            return row.id, row.attempts

    def _attempt(self, claim: tuple[str, int], sink: Sink, package: Package) -> None:
        delivery_id, attempt = claim
        started = self.clock()
        receipt: Receipt | None = None
        error: SinkError | None = None
        try:
            receipt = sink.deliver(package)
        except SinkError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - a sink bug must not leave the delivery claimed forever
            error = TransientSinkError(f"unexpected_{type(exc).__name__}")
        finished = self.clock()
        max_attempts = self.settings.handover_max_attempts
        with self.services.sessions() as session, session.begin():
            delivery = session.get(HandoverDelivery, delivery_id)
            assert delivery is not None
            submission = session.get(Submission, delivery.submission_id)
            partnership_id = submission.partnership_id if submission else None
            number = (
                session.scalar(
                    select(HandoverAttempt.attempt)
                    .where(HandoverAttempt.delivery_id == delivery_id)
                    .order_by(HandoverAttempt.attempt.desc())
                    .limit(1)
                )
                or 0
            ) + 1
            if receipt is not None:
                outcome, status_code, code = "delivered", None, None
                delivery.state, delivery.delivered_at = "delivered", finished
                delivery.archive_ref = (receipt.reference or "")[:200] or None
                delivery.last_error, delivery.next_attempt_at = None, None
            elif isinstance(error, PermanentSinkError):
                outcome, status_code, code = "permanent", error.status_code, error.code
                delivery.state, delivery.last_error = "rejected", error.code
            else:
                assert error is not None
                outcome, status_code, code = "transient", error.status_code, error.code
                delivery.last_error = error.code
                if attempt >= max_attempts:
                    delivery.state = "dead_letter"
                else:
                    delivery.state = "retrying"
                    delivery.next_attempt_at = finished + timedelta(
                        seconds=backoff_seconds(self.settings.handover_backoff_seconds, attempt)
                    )
            delivery.lease_until = None
            session.add(
                HandoverAttempt(
                    delivery_id=delivery_id,
                    attempt=number,
                    outcome=outcome,
                    status_code=status_code,
                    error=code,
                    started_at=started,
                    finished_at=finished,
                )
            )
            base = {"delivery": delivery_id, "sink": delivery.sink, "event": delivery.kind}
            audit.append(
                session,
                "handover.attempt",
                submission_id=delivery.submission_id,
                partnership_id=partnership_id,
                details={**base, "attempt": number, "outcome": outcome, "status_code": status_code, "error": code},
            )
            if receipt is not None:
                audit.append(
                    session,
                    "handover.receipt",
                    submission_id=delivery.submission_id,
                    partnership_id=partnership_id,
                    details={
                        **base,
                        "status": "delivered",
                        "reference": _audit_reference(receipt.reference),
                        "sha256": delivery.document_sha256,
                        "idempotency_key": delivery.idempotency_key,
                    },
                )
            elif delivery.state in ("dead_letter", "rejected"):
                audit.append(
                    session,
                    "handover.dead_letter",
                    submission_id=delivery.submission_id,
                    partnership_id=partnership_id,
                    details={**base, "attempts": attempt, "error": code, "status_code": status_code},
                )
        log.info(
            "handover attempt",
            extra={"submission_id": package.submission_id, "sink": sink.name, "outcome": outcome, "error": code},
        )

    def _finish_kind(
        self,
        submission_id: str,
        from_status: str,
        to_status: str,
        kind: str,
        *,
        key: str | None = None,
    ) -> HandoverResult:
        """Publish (or mark withdrawn) once every delivery has a receipt; dead-letter the submission if
        any delivery is dead; otherwise report when the next retry is due."""
        with self.services.sessions() as session, session.begin():
            rows = (
                session.scalars(
                    select(HandoverDelivery).where(
                        HandoverDelivery.submission_id == submission_id, HandoverDelivery.idempotency_key == key
                    )
                ).all()
                if key
                else []
            )
            states = {d.sink: d.state for d in rows}
            submission = session.get(Submission, submission_id)
            assert submission is not None
            if all(s == "delivered" for s in states.values()):
                changed = session.execute(
                    update(Submission)
                    .where(Submission.id == submission_id, Submission.status == from_status)
                    .values(status=to_status, review_note=None)
                    .execution_options(synchronize_session=False)
                )
                if changed.rowcount == 1:  # type: ignore[attr-defined]
                    audit.append(
                        session,
                        f"handover.{to_status}",
                        submission_id=submission_id,
                        partnership_id=submission.partnership_id,
                        details={
                            "sinks": sorted(states),
                            "sha256": rows[0].document_sha256 if rows else None,
                            "revision": submission.revision,
                        },
                    )
                return HandoverResult(submission_id, to_status, states)
            dead = sorted(s for s, state in states.items() if state in ("dead_letter", "rejected"))
            if dead:
                note = (
                    f"Archive {kind} failed for {', '.join(dead)} "
                    f"({', '.join(sorted({d.last_error or '-' for d in rows if d.sink in dead}))}). "
                    "Check the archive, then use 'retry now'."
                )
                session.execute(
                    update(Submission)
                    .where(Submission.id == submission_id, Submission.status == from_status)
                    .values(status=Status.HANDOVER_FAILED, review_note=note)
                    .execution_options(synchronize_session=False)
                )
                return HandoverResult(submission_id, "dead_letter", states)
            due = [d.next_attempt_at for d in rows if d.state == "retrying" and d.next_attempt_at is not None]
            retry_in = None
            if due:
                retry_in = max(int((min(due) - self.clock()).total_seconds()), 0)
            return HandoverResult(submission_id, "retry", states, retry_in)


# -- the Secretariat's and the Panel's actions (called by thin API views) ----------------------------
def _held(session: Session, submission_id: str) -> bool:
    """An open or deferred non-publication request, or the Panel's agreement not to publish."""
    return (
        session.scalar(
            select(NonPublicationRequest.id)
            .where(
                NonPublicationRequest.submission_id == submission_id,
                or_(
                    NonPublicationRequest.status.in_(("open", "deferred")),
                    NonPublicationRequest.outcome == "agree_not_to_publish",
                ),
            )
            .limit(1)
        )
        is not None
    )


def _audit_reference(reference: str | None) -> str | None:
    """The archive's reference as an audit-safe string: itself if short and plain, else its hash."""
    if not reference:
        return None
    if _SAFE_REF.match(reference):
        return reference
    return "sha256:" + hashlib.sha256(reference.encode("utf-8")).hexdigest()[:64]
