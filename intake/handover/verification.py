"""Re-verify the stored final before it leaves: the document on disk is what gets published, so it is
checked again by the engine's independent verifier (``Engine.verify_output``: in the worker, sandboxed
like every parse of a document), against the same forbidden texts the final render was verified against
(``redaction.forbidden.forbidden_items``, passed in by the worker): the accepted and manual proposals'
texts, every term in the partnership's register, minus the texts a reviewer rejected; the agency names
the analysis kept are allowed. A blob altered or swapped at rest, or a verifier that has since learnt a
new channel, stops publication here.

Fail closed (issue 11): a verification layer that did not run (the second parser crashed or timed out,
OCR unavailable) is never a silent pass. The handover is refused unless a Secretariat user has already
overridden this revision's verification hold with a reason (``intake.review.approval.override_hold``).

Runs in the worker; the web process never calls it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from intake.models import Submission
from intake.processing.engine import Engine, hold_reason
from intake.review.approval import publication_set
from intake.services import Services
from redaction.errors import VerificationFailed
from redaction.types import Proposal

#: ``redaction.forbidden.forbidden_items``: the one rule for what must not survive (a pure function the
#: worker passes in, so that this package imports nothing of the engine's parsers)
Forbidden = Callable[..., list[tuple[str, str]]]
Verifier = Callable[[Services, Session, Submission, bytes, str, str], int]

INCOMPLETE = "verification_incomplete"


def forbidden_and_allowed(
    services: Services, session: Session, submission: Submission, forbid: Forbidden
) -> tuple[list[tuple[str, str]], list[str]]:
    """The final render's own rule (intake.review.approval.publication_set), turned into verifier input."""
    chosen = publication_set(services, session, submission)
    redact: Iterable[Proposal] = chosen.redact
    return forbid(redact, kept=chosen.kept, register=chosen.register), chosen.kept_phrases


def reverify(
    services: Services,
    session: Session,
    submission: Submission,
    data: bytes,
    expected_sha256: str,
    kind: str,
    *,
    engine: Engine,
    forbid: Forbidden,
) -> int:
    """Raise VerificationFailed unless ``data`` is the stored final, nothing redacted survives in it and
    every verification layer ran (or a human overrode this revision's hold). Returns the page count (0 for
    a text document)."""
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise VerificationFailed("the stored final does not match its recorded SHA-256", survivors=[("integrity", "-")])
    forbidden, allowed = forbidden_and_allowed(services, session, submission, forbid)
    report = engine.verify_output(data, forbidden, allowed=allowed)
    hold = hold_reason(report)
    overridden = submission.hold_overridden_at is not None and hold == submission.verification_hold
    if hold is not None and not overridden:  # an override covers its own hold, not a new one
        raise VerificationFailed(hold, survivors=[(INCOMPLETE, "-")])
    return 0 if kind == "text" else int(report.pages)


def engine_verifier(engine: Engine, forbid: Forbidden) -> Verifier:
    """The handover's verifier, bound to the worker's engine and the forbidden-items rule."""

    def verify(
        services: Services, session: Session, submission: Submission, data: bytes, sha256: str, kind: str
    ) -> int:
        return reverify(services, session, submission, data, sha256, kind, engine=engine, forbid=forbid)

    return verify
