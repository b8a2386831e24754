"""The final render of an approved review: render, verify and store the publication-ready document.

Runs in the worker (``worker.jobs.finalise_submission``, IDs only), never in the web process.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from sqlalchemy import update

from intake import audit
from intake.db import update_one
from intake.models import Submission, utcnow
from intake.processing.engine import Engine, hold_reason, survivors_text
from intake.review.approval import publication_set, reopen, tampered
from intake.services import Services
from intake.states import WORD_KINDS, Status
from intake.storage.documents import (
    FINAL_DOCX,
    content_type_of,
    load_original,
    load_working,
    output_content_type,
    shred_versions,
    store_document,
)
from redaction.errors import UnsupportedDocumentError, VerificationFailed

log = logging.getLogger("safepub.review")


def finalise(services: Services, engine: Engine, submission_id: str) -> dict[str, Any]:
    """Render, verify and store the publication-ready PDF of an approved review. IDs only; idempotent.

    Runs only while the submission is ``approving``; the approval's timestamp is the token, so a
    re-run, a duplicate job or a review reopened meanwhile (the Panel asked for more redaction) writes
    nothing. The original is decrypted in memory; what is redacted is the machine proposals a human
    accepted plus the manual ones, and the rejected ones are passed as ``kept`` so verification does not
    demand their text vanish. If verification fails the submission goes back to review with a reason
    that names channels and categories, never text. A previous final of the same revision (reopened
    and approved again) is replaced and its data key shredded.

    Nothing is rendered when the review's inputs were changed outside SafePub: a decision without its
    authentication code, or proposal rows that are not the sealed set SafePub wrote for this revision (a
    proposal deleted with its decision would otherwise simply not be redacted; see
    ``intake.review.proposals.check_written_set``). The review goes back with a text-free reason.
    """
    with services.sessions() as session:
        submission = session.get(Submission, submission_id)
        if submission is None:
            return {"submission_id": submission_id, "outcome": "missing"}
        if submission.purged_at is not None:
            return {"submission_id": submission_id, "outcome": "purged"}
        if submission.status != Status.APPROVING:
            return {"submission_id": submission_id, "outcome": "not_approving", "status": submission.status}
        token = submission.approved_at
        # an override covers the hold it was given for, not another layer failing later
        overridden_hold = submission.verification_hold if submission.hold_overridden_at is not None else None
        revision, document_kind = submission.revision, submission.document_kind
        data = load_working(services.keys, services.store, session, submission)
        source = None  # a .docx draft's own file: its redacted copy is made beside the final PDF (an .odt
        if document_kind == "docx":  # draft gets the PDF only)
            source = load_original(services.keys, services.store, session, submission)
        chosen = publication_set(services, session, submission)
        # a decision changed, or a proposal deleted with its decision, outside SafePub: never publish on it
        tampering = tampered(services, session, submission, chosen)
    if tampering is not None:
        del data, chosen
        return _back_to_review(services, submission_id, token, Tampered(*tampering))
    redact, kept = chosen.redact, chosen.kept
    log.info("finalising", extra={"submission_id": submission_id, "redact": len(redact), "kept": len(kept)})
    try:
        final, report = engine.render_with_report(
            data, redact, kept=kept, kept_phrases=chosen.kept_phrases, register=chosen.register
        )
    except (VerificationFailed, UnsupportedDocumentError) as exc:
        del data, chosen
        return _back_to_review(services, submission_id, token, exc)
    del data
    word_copy = _word_copy(engine, source, redact, kept, chosen.register, submission_id)
    del source
    # Fail closed: a verification layer that did not run holds the final unless a Secretariat user has
    # already overridden this revision's hold with a reason (audited, intake.review.approval.override_hold).
    hold = hold_reason(report)
    if hold is not None and hold != overridden_hold:
        return _held(services, submission_id, token, hold)

    with services.sessions() as session, session.begin():
        claimed = update_one(
            session,
            update(Submission)
            .where(
                Submission.id == submission_id, Submission.status == Status.APPROVING, Submission.approved_at == token
            )
            .values(status=Status.APPROVED, review_note=None, processed_at=utcnow()),
        )
        if not claimed:
            return {"submission_id": submission_id, "outcome": "superseded"}
        submission = session.get(Submission, submission_id)
        assert submission is not None
        old_blobs = shred_versions(services.keys, session, submission, "final")
        old_blobs += shred_versions(services.keys, session, submission, FINAL_DOCX)
        version = store_document(
            services.keys, services.store, session, submission, "final", final, output_content_type(document_kind)
        )
        written = [version.id]
        try:
            copy = None
            if word_copy is not None:  # the partnership's redacted .docx (content type from the original's kind)
                copy = store_document(
                    services.keys, services.store, session, submission, FINAL_DOCX, word_copy, content_type_of("docx")
                )
                written.append(copy.id)
            audit.append(
                session,
                "review.finalised",
                submission_id=submission_id,
                partnership_id=submission.partnership_id,
                details={
                    "final": version.id,
                    "redacted": len(redact),
                    "kept": len(kept),
                    "undecided": chosen.undecided,
                    "by_category": dict(sorted(Counter(p.category for p in redact).items())),
                    "revision": revision,
                    "sha256": version.sha256,
                    "verification_incomplete_overridden": hold is not None,
                    **({"word_copy": copy.id if copy else None} if document_kind in WORD_KINDS else {}),
                },
            )
            session.flush()
        except BaseException:
            for name in written:
                services.store.delete(name)
            raise
    for name in old_blobs:
        services.store.delete(name)
    log.info("finalised", extra={"submission_id": submission_id, "final": version.id})
    services.jobs.handover(submission_id)  # on to the archive
    return {"submission_id": submission_id, "outcome": "approved", "final": version.id}


def _word_copy(
    engine: Engine, source: bytes | None, redact: Any, kept: Any, register: Any, submission_id: str
) -> bytes | None:
    """The partnership's redacted .docx of a Word draft, or None. A courtesy copy beside the publication
    PDF: when it cannot be made or verified (an embedded object, a damaged part) the PDF still goes out,
    and the submission page says there is no Word copy."""
    if source is None:
        return None
    try:
        return engine.redact_docx(source, redact, kept=kept, register=register)
    except Exception as exc:  # noqa: BLE001 - whatever stops the copy (a sandbox error too) never stops the PDF
        log.warning("no redacted Word copy", extra={"submission_id": submission_id, "error": type(exc).__name__})
        return None


class Tampered(Exception):
    """The review's inputs were changed outside SafePub: a decision without its authentication code
    (intake.storage.fields.decision_mac), or a proposal set that is not the sealed one SafePub wrote
    (intake.review.proposals.check_written_set). ``reason`` and ``note`` are text-free."""

    def __init__(self, reason: str, note: str) -> None:
        super().__init__(reason)
        self.reason, self.note = reason, note


def _back_to_review(services: Services, submission_id: str, token: Any, exc: Exception) -> dict[str, Any]:
    if isinstance(exc, Tampered):
        note, reason = exc.note, exc.reason
    elif isinstance(exc, VerificationFailed):
        where = survivors_text(exc)
        note = (
            "The final PDF could not be verified: redacted text survived"
            + (f" {where}" if where else "")
            + ". Check the decisions (a rejected mention may share its text with an accepted one, or a"
            " box may cut through a word), then complete the review again."
        )
        reason = "verification_failed"
    else:
        note = f"The final PDF could not be rendered: {exc}. Complete the review again or ask for a new upload."
        reason = "render_failed"
    with services.sessions() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is None or submission.status != Status.APPROVING or submission.approved_at != token:
            return {"submission_id": submission_id, "outcome": "superseded"}
        reopen(session, submission, note=note, reason=reason, actor=audit.SYSTEM)
    log.warning("final render failed; back to review", extra={"submission_id": submission_id, "error": reason})
    return {"submission_id": submission_id, "outcome": "returned_to_review", "reason": reason}


def _held(services: Services, submission_id: str, token: Any, hold: str) -> dict[str, Any]:
    """The final rendered, but a verification layer did not run: back to review with the hold set, so
    approval waits for a Secretariat user's override. Nothing is stored or handed over."""
    with services.sessions() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is None or submission.status != Status.APPROVING or submission.approved_at != token:
            return {"submission_id": submission_id, "outcome": "superseded"}
        submission.verification_hold = hold
        # a new hold needs its own override
        submission.hold_overridden_at = submission.hold_overridden_by = submission.hold_override_enc = None
        reopen(
            session,
            submission,
            note="The final PDF could not be fully verified. " + hold,
            reason="verification_incomplete",
            actor=audit.SYSTEM,
        )
    log.warning("final verification incomplete; held for review", extra={"submission_id": submission_id})
    return {"submission_id": submission_id, "outcome": "held", "reason": "verification_incomplete"}
