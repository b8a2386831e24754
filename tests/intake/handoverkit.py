"""Helpers for the archive handover tests: an approved submission with a real final PDF (rendered and
verified by the real engine, no NLP model), a worker context, and a sink that records what it got."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from intake.handover.package import Package
from intake.handover.sinks import Receipt, SinkError
from intake.models import AuditEvent, DocumentVersion, HandoverAttempt, Submission
from redaction.engine import RedactionEngine
from tests.intake.reviewkit import decide_all, post, proposed_submission
from worker.context import WorkerContext
from worker.jobs import finalise_submission


class _NoNer:
    """Finalising renders and verifies; it never detects, so the NLP model is not loaded."""


_ENGINE: list[RedactionEngine] = []


def engine() -> RedactionEngine:
    if not _ENGINE:
        _ENGINE.append(RedactionEngine(ocr=False, detector=_NoNer()))  # type: ignore[arg-type]
    return _ENGINE[0]


def context(services: Any) -> WorkerContext:
    return WorkerContext(services=services, engine=engine())


def approved_submission(client: Any, world: Any, services: Any) -> str:
    """Processed, every proposal accepted but one, completed, approved and finalised: status approved."""
    sid = proposed_submission(client, world, services)
    assert decide_all(client, world, sid, reject=("Oakhaven Clinic",)).status_code == 200
    assert post(client, world, "reviewer", f"/submissions/{sid}/complete").status_code == 200
    assert post(client, world, "approver", f"/submissions/{sid}/approve").status_code == 202
    result = finalise_submission(sid, context=context(services))
    assert result["outcome"] == "approved", result
    return sid


def final_version(services: Any, sid: str) -> DocumentVersion:
    with services.sessions() as session:
        return session.scalars(
            select(DocumentVersion).where(DocumentVersion.submission_id == sid, DocumentVersion.role == "final")
        ).one()


def status(services: Any, sid: str) -> str:
    with services.sessions() as session:
        submission = session.get(Submission, sid)
        assert submission is not None
        return submission.status


def events(services: Any, sid: str, prefix: str = "handover.") -> list[tuple[str, dict[str, Any]]]:
    with services.sessions() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.submission_id == sid).order_by(AuditEvent.seq)).all()
        return [(r.action, json.loads(r.details)) for r in rows if r.action.startswith(prefix)]


def attempts(services: Any) -> list[HandoverAttempt]:
    with services.sessions() as session:
        return list(session.scalars(select(HandoverAttempt).order_by(HandoverAttempt.id)).all())


@dataclass
class RecordingSink:
    """Records every package; fails with the queued errors first."""

    name: str = "recording"
    failures: list[SinkError] = field(default_factory=list)
    received: list[Package] = field(default_factory=list)
    calls: int = 0

    def deliver(self, package: Package) -> Receipt:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        self.received.append(package)
        return Receipt(f"REF-{len(self.received)}")
