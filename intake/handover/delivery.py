"""Handover of an approved review to the archive sinks: one round for one submission (run by the worker's job).

Submission statuses a round moves (``Submission.status``, which the Secretariat queue shows and
filters on; the two alert statuses are not "done", so they sort to the top of the queue):

    approved --(every configured sink has a receipt)--> published --(withdraw)--> withdrawing --> withdrawn
    approved --(re-verification fails)--> handover_blocked      (nothing was sent)
    approved|withdrawing --(N transient failures, or a 4xx)--> handover_failed   (dead letter)
    handover_blocked|handover_failed --(Secretariat: retry now)--> approved|withdrawing

This module decides what goes out: it holds the review while a non-publication request is open,
re-verifies the stored final, builds the package (the document and its metadata, or a withdrawal
notice) and sends it to each sink. ``attempts`` owns the delivery rows (claim, attempt, backoff, dead
letter, receipt); ``outcome`` turns the deliveries' states into the submission's status and the result.

A review with an open or deferred non-publication request, or one the Panel agreed not to publish, is
held: nothing is sent until the Panel decides to publish (which enqueues the handover again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from intake.handover import attempts, outcome
from intake.handover.attempts import DeliveryState, backoff_seconds, retry_intervals
from intake.handover.outcome import HandoverResult
from intake.handover.package import Package, idempotency_key
from intake.handover.sinks import Sink
from intake.handover.verification import Verifier
from intake.models import DocumentVersion, HandoverDelivery, NonPublicationRequest, Partnership, Submission, utcnow
from intake.services import Services
from intake.states import Status, is_paged
from intake.storage.documents import find_version, load_document
from intake.storage.fields import open_title
from redaction.errors import VerificationFailed

__all__ = ["HandoverResult", "HandoverService", "Verifier", "backoff_seconds", "retry_intervals"]

log = logging.getLogger("safepub.handover")


class HandoverService:
    """Runs one round of the handover for one submission. ``sinks`` by name, tried in order."""

    def __init__(
        self,
        services: Services,
        sinks: Mapping[str, Sink],
        *,
        verifier: Verifier,
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
        if status == Status.APPROVED:
            return self._publish(submission_id)
        if status == Status.WITHDRAWING:
            return self._withdraw(submission_id)
        return HandoverResult(submission_id, f"nothing_to_do_{status}")

    # -- publication --------------------------------------------------------------------------------
    def _publish(self, submission_id: str) -> HandoverResult:
        with self.services.sessions() as session:
            submission = session.get(Submission, submission_id)
            assert submission is not None
            if held(session, submission_id):
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
                return outcome.block(self.services, submission_id, exc)
            metadata = self._metadata(session, submission, final, pages)
        key = idempotency_key("publication", submission_id, final.sha256)
        deliveries = attempts.ensure_deliveries(
            self.services, self.clock, submission_id, final.revision, "publication", key, final.sha256, list(self.sinks)
        )
        metadata["publication_date"] = deliveries[0].created_at.date().isoformat()
        package = Package("publication", submission_id, key, metadata, data)
        return self._deliver_all(submission_id, package, Status.APPROVED, Status.PUBLISHED)

    def _metadata(self, session: Session, submission: Submission, final: DocumentVersion, pages: int) -> dict[str, Any]:
        title = open_title(self.services.keys, session, submission)
        partnership = session.get(Partnership, submission.partnership_id)
        extension = "pdf" if is_paged(submission.document_kind) else "txt"
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

    # -- withdrawal ---------------------------------------------------------------------------------
    def _withdraw(self, submission_id: str) -> HandoverResult:
        with self.services.sessions() as session:
            published = session.scalars(
                select(HandoverDelivery)
                .where(
                    HandoverDelivery.submission_id == submission_id,
                    HandoverDelivery.kind == "publication",
                    HandoverDelivery.state.in_((DeliveryState.DELIVERED, DeliveryState.SENDING)),
                )
                .order_by(HandoverDelivery.created_at.desc())
            ).all()
            submission = session.get(Submission, submission_id)
            assert submission is not None
            filename = f"{submission_id}.{'pdf' if is_paged(submission.document_kind) else 'txt'}"
            partnership_id = submission.partnership_id
        sinks = sorted({d.sink for d in published if d.sink in self.sinks}, key=list(self.sinks).index)
        if not sinks:  # nothing ever reached an archive (or its sink is no longer configured)
            return outcome.settle(
                self.services, self.clock, submission_id, Status.WITHDRAWING, Status.WITHDRAWN, "withdrawal"
            )
        sha = published[0].document_sha256
        key = idempotency_key("withdrawal", submission_id, sha)
        deliveries = attempts.ensure_deliveries(
            self.services, self.clock, submission_id, published[0].revision, "withdrawal", key, sha, sinks
        )
        metadata = {
            "submission_id": submission_id,
            "partnership_id": partnership_id,
            "withdrawn_sha256": sha,
            "filename": filename,
            "withdrawal_date": deliveries[0].created_at.date().isoformat(),
        }
        package = Package("withdrawal", submission_id, key, metadata, None)
        return self._deliver_all(submission_id, package, Status.WITHDRAWING, Status.WITHDRAWN, only=sinks)

    # -- delivery -----------------------------------------------------------------------------------
    def _deliver_all(
        self,
        submission_id: str,
        package: Package,
        from_status: Status,
        to_status: Status,
        only: list[str] | None = None,
    ) -> HandoverResult:
        for name, sink in self.sinks.items():
            if only is not None and name not in only:
                continue
            claimed = attempts.claim(self.services, self.clock, submission_id, package.idempotency_key, name)
            if claimed is None:
                continue
            attempts.deliver_once(self.services, self.settings, self.clock, claimed, sink, package)
        return outcome.settle(
            self.services, self.clock, submission_id, from_status, to_status, package.kind, key=package.idempotency_key
        )


def held(session: Session, submission_id: str) -> bool:
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
