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
from typing import Any

from sqlalchemy.orm import Session

from intake.models import Submission
from intake.review.approval import publication_set
from intake.services import Services
from redaction.errors import VerificationFailed


def forbidden_and_allowed(services: Services, session: Session, submission: Submission) -> tuple[list[Any], list[str]]:
    """The final render's own rule (intake.review.approval.publication_set), turned into verifier input."""
    from redaction.engine import forbidden_items

    chosen = publication_set(services, session, submission)
    return forbidden_items(chosen.redact, kept=chosen.kept, register=chosen.register), chosen.kept_phrases


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
