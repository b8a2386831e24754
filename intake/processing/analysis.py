"""Processing a draft: analyse, render the preview, store proposals; crash-safe and idempotent.

* A finished submission (proposed or later, failed, purged) is left alone: re-running is a no-op.
* Results are written in one transaction that only commits if the lease is still ours
  (intake.processing.lease); a previous attempt's proposals and preview are replaced, never duplicated.
* Bad input (a password-protected PDF, a malformed register) fails at once with the engine's
  user-facing reason. Anything else is retried up to ``job_max_attempts`` in total, and after the last
  attempt the submission is marked failed.
* Exceptions raised to the queue carry only the type name: RQ stores tracebacks in Redis, and a message
  could quote the document.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from intake import audit
from intake.db import update_one
from intake.models import ProposalRecord, Submission, utcnow
from intake.processing.engine import PAGE_DPI, Engine, hold_reason, survivors_text
from intake.processing.lease import GAVE_UP, Heartbeat, attempts_of, claim, fail, finish_job_record, owned, release
from intake.review import carryover
from intake.review.proposals import seal_written_set
from intake.services import Services
from intake.states import WORD_KINDS, Status, is_paged
from intake.storage.crypto import DataKey
from intake.storage.documents import (
    PRINTABLE,
    content_type_of,
    load_original,
    output_content_type,
    shred_versions,
    store_document,
)
from intake.storage.fields import open_register, seal_notes, seal_proposal
from intake.storage.page_images import ORIGINAL, shred_page_images, store_page_images
from redaction.errors import RegisterError, UnsupportedDocumentError, VerificationFailed

log = logging.getLogger("safepub.processing")


class ProcessingError(Exception):
    """Raised for a retryable failure; the message is only the original exception's type."""


class LeaseLost(Exception):
    """Another attempt took the submission over (our lease expired); our results are discarded."""


def process(services: Services, engine: Engine, submission_id: str, *, owner: str, worker_name: str) -> dict[str, Any]:
    """One attempt at processing a submission, as ``owner`` (the job id)."""
    settings = services.settings
    claimed = claim(services, submission_id, owner, worker_name)
    if claimed != "claimed":
        log.info("nothing to do", extra={"submission_id": submission_id, "reason": claimed})
        return {"submission_id": submission_id, "outcome": claimed}

    heartbeat = Heartbeat(services, submission_id, owner, settings.job_lease_seconds)
    heartbeat.start()
    try:
        outcome = _run(services, engine, submission_id, owner, heartbeat)
    except (UnsupportedDocumentError, RegisterError) as exc:
        fail(services, submission_id, owner, str(exc), outcome=type(exc).__name__)
        return {"submission_id": submission_id, "outcome": "failed"}
    except VerificationFailed as exc:
        where = survivors_text(exc)
        reason = (
            "automatic redaction could not be verified"
            + (f" (text survived {where})" if where else "")
            + "; the Secretariat will redact this draft by hand"
        )
        fail(services, submission_id, owner, reason, outcome="VerificationFailed")
        return {"submission_id": submission_id, "outcome": "failed"}
    except LeaseLost:
        log.warning("lease lost; results discarded", extra={"submission_id": submission_id})
        return {"submission_id": submission_id, "outcome": "lease_lost"}
    except Exception as exc:  # noqa: BLE001 - every other error is treated as transient
        name = type(exc).__name__
        log.error("processing attempt failed", extra={"submission_id": submission_id, "error": name})
        if attempts_of(services, submission_id) >= settings.job_max_attempts:
            fail(services, submission_id, owner, GAVE_UP.format(n=settings.job_max_attempts), outcome=name)
            return {"submission_id": submission_id, "outcome": "failed"}
        release(services, submission_id, owner, outcome=name)
        raise ProcessingError(name) from None
    finally:
        heartbeat.stop()
    return outcome


def _run(services: Services, engine: Engine, submission_id: str, owner: str, heartbeat: Heartbeat) -> dict[str, Any]:
    with services.sessions() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        revision = submission.revision
        data = load_original(services.keys, services.store, session, submission)
        fields_key = services.keys.fields_key(session, submission.id)
        register = open_register(services.keys, fields_key, submission)
        document_kind = submission.document_kind
        previous = carryover.previous_review(services, session, submission, fields_key)

    printable: bytes | None = None
    hidden: list[dict[str, str]] = []
    if document_kind in WORD_KINDS:
        # the draft as it would print, converted in the sandbox; its hidden channels (comments, deleted
        # passages, properties ...) are read by detection beside the PDF's own text
        printable, hidden = engine.convert_word(data)
        data = printable
    word = {"hidden": hidden} if hidden else {}
    analysis = engine.analyze(
        data, register=register, profile=services.settings.engine_profile, progress=heartbeat.progress, **word
    )
    preview, report = engine.render_with_report(data, analysis.proposals)
    # Fail closed: a verification layer that did not run (second parser crashed or timed out, OCR
    # unavailable) holds the result for a human; approval waits for an override (intake.review.approval).
    hold = hold_reason(report)
    # The review screen's page images, rendered here so that the web process never parses the upload.
    page_images = render_pages(engine, data) if is_paged(document_kind) else []
    planned = None
    if previous is not None:  # a new version: the previous review carries over to identical text
        planned = carryover.plan(previous, analysis.proposals, data, find=engine.find_occurrences)
    del data, register

    counts = Counter(p.category for p in analysis.proposals)
    with services.sessions() as session, session.begin():
        submission = session.get(Submission, submission_id)
        if submission is None or submission.lease_owner != owner or submission.status != Status.PROCESSING:
            raise LeaseLost()
        superseded = _replace_previous_results(services, session, submission)
        version = store_document(
            services.keys, services.store, session, submission, "preview", preview, output_content_type(document_kind)
        )
        written = [version.id]
        try:
            if printable is not None:
                written.append(
                    store_document(
                        services.keys, services.store, session, submission, PRINTABLE, printable, content_type_of("pdf")
                    ).id
                )
            images = store_page_images(
                services.keys, services.store, session, submission, ORIGINAL, page_images, PAGE_DPI
            )
            written += [image.id for image in images]
            _store_proposals(services, session, submission_id, revision, fields_key, analysis.proposals)
            carried: dict[str, Any] = {}
            if planned is not None:
                carry = carryover.apply(services, session, submission, fields_key, planned)
                carried = {
                    "carried_over": carry["carried_over"],
                    "manual_boxes_dropped": carry["manual_boxes_dropped"],
                    "review_note": carryover.review_note(carry),
                }
            # what SafePub wrote for this revision, sealed: finalise refuses if a proposal goes missing
            seal_written_set(services, session, submission, fields_key)
            needs_review = list(analysis.needs_review) + ([hold] if hold else [])
            notes = {
                "needs_review": needs_review,
                "warnings": list(analysis.warnings),
                # where a Word draft hid text (channel and place, never the text): the hygiene report
                "word_hidden": [{"channel": h["channel"], "where": h["where"]} for h in hidden],
                # agency names the analysis kept; the final render's verification needs them again
                "kept_phrases": list(getattr(analysis, "kept_phrases", ())),
            }
            result = update_one(
                session,
                update(Submission)
                .where(owned(submission_id, owner))
                .values(
                    status=Status.PROPOSED,
                    lease_owner=None,
                    lease_until=None,
                    processed_at=utcnow(),
                    page_count=analysis.page_count,
                    proposal_count=len(analysis.proposals),
                    needs_review_count=len(needs_review),
                    verification_hold=hold,
                    hold_overridden_by=None,
                    hold_overridden_at=None,
                    hold_override_enc=None,
                    progress_page=analysis.page_count,
                    progress_total=analysis.page_count,
                    warnings_enc=seal_notes(services.keys, fields_key, submission_id, notes),
                    **carried,
                ),
            )
            if not result:
                raise LeaseLost()
            finish_job_record(session, submission_id, owner, "succeeded", "proposed")
            audit.append(
                session,
                "processing.finished",
                submission_id=submission_id,
                partnership_id=submission.partnership_id,
                details={
                    "pages": analysis.page_count,
                    "proposals": len(analysis.proposals),
                    "by_category": dict(sorted(counts.items())),
                    "needs_review": len(needs_review),
                    "verification_held": hold is not None,
                    "page_images": len(images),
                    "preview": version.id,
                    **({"word_hidden_items": len(hidden)} if printable is not None else {}),
                },
            )
        except BaseException:
            for name in written:
                services.store.delete(name)
            raise
    for name in superseded:
        services.store.delete(name)
    log.info(
        "processing finished",
        extra={
            "submission_id": submission_id,
            "pages": analysis.page_count,
            "proposals": len(analysis.proposals),
        },
    )
    return {"submission_id": submission_id, "outcome": "proposed", "proposals": len(analysis.proposals)}


def _replace_previous_results(services: Services, session: Session, submission: Submission) -> list[str]:
    """Idempotency: an earlier attempt may have committed a preview and proposals (e.g. killed just
    after committing, before RQ recorded success). They are replaced, and the preview's data key shredded;
    returns the old preview blobs, to delete once the new results have committed."""
    session.execute(
        delete(ProposalRecord).where(
            ProposalRecord.submission_id == submission.id, ProposalRecord.revision == submission.revision
        )
    )
    return (
        shred_versions(services.keys, session, submission, "preview")
        + shred_versions(services.keys, session, submission, PRINTABLE)
        + shred_page_images(services.keys, session, submission)
    )


def _store_proposals(
    services: Services,
    session: Session,
    submission_id: str,
    revision: int,
    fields_key: DataKey,
    proposals: Sequence[Any],
) -> None:
    seen: Counter[str] = Counter()
    for ordinal, proposal in enumerate(proposals):
        payload = proposal.to_dict()
        pid = str(payload["id"])
        seen[pid] += 1
        if seen[pid] > 1:  # the engine promises unique ids; never lose a proposal if it slips
            pid = f"{pid}-{seen[pid]}"
            payload["id"] = pid
        session.add(seal_proposal(services.keys, fields_key, submission_id, revision, ordinal, payload))
    session.flush()


def render_pages(engine: Engine, data: bytes) -> list[tuple[int, float, float, bytes]]:
    """Every page of the original as ``(page, width, height, png)``, by the engine (sandboxed in the
    worker): the review screen serves these sealed PNGs and never parses the document itself. An engine
    with a batch ``page_images(data, dpi=...)`` (one sandboxed child for every page) is used as such;
    otherwise one ``page_image`` call per page."""
    batch = getattr(engine, "page_images", None)
    if callable(batch):
        rendered = batch(data, dpi=PAGE_DPI)
        return [(n, round(float(w), 2), round(float(h), 2), bytes(png)) for n, (w, h, png) in enumerate(rendered)]
    sizes = engine.page_sizes(data)
    return [
        (number, round(width, 2), round(height, 2), engine.page_image(data, number, dpi=PAGE_DPI))
        for number, (width, height) in enumerate(sizes)
    ]
