"""Re-verify the stored final before it leaves: the document on disk is what gets published, so it is
checked again with the engine's independent verifier (``redaction.verify``), against the same forbidden
texts the final render was verified against (``redaction.engine.forbidden_items``): the
accepted and manual proposals' texts, every term in the partnership's register, minus the texts a
reviewer rejected; the agency names the analysis kept are allowed. A blob altered or swapped at rest, or
a verifier that has since learnt a new channel, stops publication here.

Runs in the worker (it imports the engine's modules); the web process never calls it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from intake import review
from intake.models import Submission
from intake.services import Services
from redaction.errors import VerificationFailed


def forbidden_and_allowed(services: Services, session: Session, submission: Submission) -> tuple[list[Any], list[str]]:
    from redaction.engine import forbidden_items

    redact, kept, _undecided = review.chosen_proposals(services, session, submission)
    key = services.keys.fields_key(session, submission.id)
    register = None
    if submission.register_enc:
        register = services.keys.open_field(key, submission.id, "register", submission.register_enc)
    notes: dict[str, Any] = {}
    if submission.warnings_enc:
        notes = json.loads(services.keys.open_field(key, submission.id, "notes", submission.warnings_enc))
    return forbidden_items(redact, kept=kept, register=register), list(notes.get("kept_phrases") or ())


def reverify(
    services: Services, session: Session, submission: Submission, data: bytes, expected_sha256: str, kind: str
) -> int:
    """Raise VerificationFailed unless ``data`` is the stored final and nothing redacted survives in it.
    Returns the page count (0 for a text document)."""
    from redaction.verify import find_tessdata, verify_pdf, verify_text

    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise VerificationFailed("the stored final does not match its recorded SHA-256", survivors=[("integrity", "-")])
    forbidden, allowed = forbidden_and_allowed(services, session, submission)
    if kind == "text":
        verify_text(data.decode("utf-8"), forbidden, allowed=allowed)
        return 0
    tessdata = find_tessdata() if services.settings.ocr else None
    report = verify_pdf(data, forbidden, ocr=tessdata is not None, tessdata=tessdata, allowed=allowed)
    return report.pages
