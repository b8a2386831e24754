"""Domain exceptions -> HTTP. The only place that decides status codes and error codes.

Domain exceptions carry no HTTP details; ``ERRORS`` maps each (and its subclasses, most specific first)
to a status and an error code. API paths (``/api/``) get ``{"error": code, "message": text}``; pages
get a small HTML page. Client mistakes are 4xx with a message written for them; anything unexpected is
an opaque 500 whose details go to the log (type only, see intake.logs), never to the client.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from intake.accounts.access import Forbidden, NotFound
from intake.accounts.auth import AuthenticationError
from intake.accounts.conflicts import ConflictError
from intake.audit.verify import AuditChainBroken, CheckpointInvalid
from intake.handover.actions import HandoverStateError
from intake.review.nonpublication import RequestError, RequestStateError
from intake.review.workflow import FourEyesViolation, ReviewError, ReviewStateError
from intake.storage.keys import DataKeyDestroyed
from intake.storage.store import StoreUnavailable
from intake.submissions.read import NotReady, Purged
from intake.submissions.revisions import RevisionConflict
from intake.submissions.upload import InvalidRegister, UnsupportedType, UploadError

log = logging.getLogger("safepub.errors")

# exception -> (status, code, fixed message or None to use the exception's own message). Order matters
# only between a class and its subclasses: the first entry the exception is an instance of wins.
ERRORS: dict[type[Exception], tuple[int, str, str | None]] = {
    UnsupportedType: (415, "unsupported_media_type", None),
    InvalidRegister: (400, "invalid_register", None),
    RevisionConflict: (409, "conflict", None),
    UploadError: (400, "invalid_upload", None),
    ReviewStateError: (409, "conflict", None),
    FourEyesViolation: (403, "four_eyes", None),
    ReviewError: (400, "invalid_review", None),
    HandoverStateError: (409, "conflict", None),
    RequestStateError: (409, "conflict", None),
    RequestError: (400, "invalid_request", None),
    ConflictError: (400, "invalid_declaration", None),
    AuthenticationError: (401, "unauthorized", "a valid bearer token is required"),
    NotFound: (404, "not_found", "no such submission"),
    Forbidden: (403, "forbidden", None),
    NotReady: (409, "not_ready", None),
    Purged: (410, "purged", "this submission has been purged"),
    DataKeyDestroyed: (410, "purged", "this submission has been purged"),
    # Ours, but transient and not a bug: the operator's reason is logged where it was raised.
    StoreUnavailable: (503, "store_unavailable", "the document store is unavailable; nothing was saved, try again"),
}
# Our problem, not the client's: logged loudly (type only), answered without internals.
INTEGRITY_ERRORS = (AuditChainBroken, CheckpointInvalid)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str) -> Response:
    if _wants_json():
        response = jsonify(error=code, message=message)
    else:
        response = Response(render_template("error.html", status=status, message=message), mimetype="text/html")
    response.status_code = status
    if status == 401 and request.path.startswith("/api/"):
        response.headers["WWW-Authenticate"] = 'Bearer realm="safepub"'
    return response


def translate(exc: Exception) -> tuple[int, str, str] | None:
    """(status, code, message) for a domain exception, or None if it is not one."""
    for kind, (status, code, message) in ERRORS.items():
        if isinstance(exc, kind):
            return status, code, message or str(exc) or "not allowed"
    return None


def register_error_handlers(app: Flask, max_upload_bytes: int) -> None:
    limit_mb = max_upload_bytes // (1024 * 1024)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> Response:
        return error_response(413, "too_large", f"the upload is larger than the {limit_mb} MB limit")

    @app.errorhandler(INTEGRITY_ERRORS[0])
    @app.errorhandler(INTEGRITY_ERRORS[1])
    def audit_broken(exc: Exception) -> Response:
        log.error("audit log failed verification", extra={"error": type(exc).__name__})
        return error_response(
            503,
            "audit_unavailable",
            "The audit trail failed its integrity check; the Secretariat has been alerted.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def domain_or_unexpected(exc: Exception) -> Response:
        known = translate(exc)
        if known is not None:
            return error_response(*known)
        log.error("unhandled error", exc_info=exc, extra={"path": request.path, "method": request.method})
        return error_response(500, "internal_error", "something went wrong on our side; it has been logged")
