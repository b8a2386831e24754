"""Domain exceptions -> HTTP. The only place that decides status codes.

API paths (``/api/``) get ``{"error": code, "message": text}``; pages get a small HTML page. Client
mistakes are 4xx with a message written for them; anything unexpected is an opaque 500 whose details
go to the log (type only, see intake.logs), never to the client.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from intake.access import Forbidden, NotFound
from intake.audit_log import AuditChainBroken, CheckpointInvalid
from intake.auth import AccountLocked, AuthenticationError
from intake.conflicts import ConflictError
from intake.keys import DataKeyDestroyed
from intake.nonpublication import RequestError
from intake.review import ReviewError
from intake.submissions import NotReady, Purged, UploadError

log = logging.getLogger("safepub.errors")


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


def register_error_handlers(app: Flask, max_upload_bytes: int) -> None:
    limit_mb = max_upload_bytes // (1024 * 1024)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc: RequestEntityTooLarge) -> Response:
        return error_response(413, "too_large", f"the upload is larger than the {limit_mb} MB limit")

    @app.errorhandler(UploadError)
    def upload_error(exc: UploadError) -> Response:
        return error_response(exc.status, exc.code, str(exc))

    @app.errorhandler(ReviewError)
    @app.errorhandler(ConflictError)
    @app.errorhandler(RequestError)
    def workflow_error(exc: ReviewError | ConflictError | RequestError) -> Response:
        return error_response(exc.status, exc.code, str(exc))

    @app.errorhandler(AccountLocked)
    def locked(exc: AccountLocked) -> Response:
        return error_response(401, "unauthorized", str(exc))

    @app.errorhandler(AuthenticationError)
    def unauthenticated(_exc: AuthenticationError) -> Response:
        return error_response(401, "unauthorized", "a valid bearer token is required")

    @app.errorhandler(NotFound)
    def not_found(_exc: NotFound) -> Response:
        return error_response(404, "not_found", "no such submission")

    @app.errorhandler(Forbidden)
    def forbidden(exc: Forbidden) -> Response:
        return error_response(403, "forbidden", str(exc) or "not allowed")

    @app.errorhandler(NotReady)
    def not_ready(exc: NotReady) -> Response:
        return error_response(409, "not_ready", str(exc))

    @app.errorhandler(Purged)
    @app.errorhandler(DataKeyDestroyed)
    def purged(_exc: Exception) -> Response:
        return error_response(410, "purged", "this submission has been purged")

    @app.errorhandler(AuditChainBroken)
    @app.errorhandler(CheckpointInvalid)
    def audit_broken(exc: Exception) -> Response:
        # Our problem, not the client's: logged loudly (type only), answered without internals.
        log.error("audit log failed verification", extra={"error": type(exc).__name__})
        return error_response(
            503, "audit_unavailable", "The audit trail failed its integrity check; the Secretariat has been alerted."
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.error("unhandled error", exc_info=exc, extra={"path": request.path, "method": request.method})
        return error_response(500, "internal_error", "something went wrong on our side; it has been logged")
