"""The Flask application factory. No module-level app: gunicorn calls ``create_app()``."""

from __future__ import annotations

import io
import logging
import time
from dataclasses import replace
from datetime import timedelta
from typing import IO, Any

from flask import Flask, Request, Response, g, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import Settings
from intake.api import make_blueprint as make_api_blueprint
from intake.errors import register_error_handlers
from intake.services import Services, build_services
from intake.web import make_blueprint as make_web_blueprint
from intake.web.health import make_blueprint as make_health_blueprint

log = logging.getLogger("safepub.http")
MB = 1024 * 1024


class InMemoryRequest(Request):
    """Keeps uploaded files in memory.

    Werkzeug's default stream factory spools any file part over 500 KB to a temporary file on disk,
    which would put a plaintext draft on the file system before we could encrypt it. The whole body is
    capped by MAX_CONTENT_LENGTH, so memory use is bounded. (A fronting proxy must not buffer request
    bodies to disk either: nginx ``proxy_request_buffering off`` / ``client_body_in_file_only off``,
    see the README's Operations section.)
    """

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Flask:
    if settings is None:  # called as an entry point (gunicorn): parse the environment, set up logs
        from intake.logs import configure_logging

        settings = Settings.from_env()
        configure_logging(settings.log_level)
    if services is None:  # the entry point: the one place the web process picks its job queue
        from worker.queue import RqJobQueue, connect

        redis = connect(settings)
        services = build_services(settings, redis=redis, jobs=RqJobQueue(settings, redis))
    elif services.settings is not settings:
        services = replace(services, settings=settings)  # the app's settings win (tests override some)
    app = Flask(__name__)
    app.request_class = InMemoryRequest
    app.config.update(
        SECRET_KEY=settings.require_secret_key(),
        # The file limit itself is checked exactly in the upload view; this bounds the whole body
        # (file + register + multipart overhead) before anything is read.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + 2 * MB,
        MAX_FORM_MEMORY_SIZE=2 * MB,
        SESSION_COOKIE_NAME="safepub_session",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_TIME_LIMIT=settings.session_hours * 3600,
        WTF_CSRF_SSL_STRICT=settings.cookie_secure,
        JSON_SORT_KEYS=False,
    )
    app.extensions["safepub"] = services
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.trusted_proxies,
            x_proto=settings.trusted_proxies,
            x_host=settings.trusted_proxies,
        )

    api = make_api_blueprint()
    csrf = CSRFProtect(app)
    csrf.exempt(api)  # bearer tokens, not cookies: CSRF does not apply
    app.register_blueprint(api)
    app.register_blueprint(make_web_blueprint())
    app.register_blueprint(make_health_blueprint())  # /healthz, /readyz: no login, no session
    register_error_handlers(app, settings.max_upload_bytes)
    _install_hooks(app)
    return app


def _install_hooks(app: Flask) -> None:
    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _headers(response: Response) -> Response:
        # Nothing SafePub serves may be kept by a browser or proxy cache: documents, lists of
        # submissions, even error pages can name a partnership's work. Static assets are the exception.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"  # CSRF checks need same-origin Referer
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'"
        )
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if not g.get("quiet"):  # health probes (intake.web.health)
            _log_request(response)
        return response


def _log_request(response: Response) -> None:
    started = g.get("started")
    extra: dict[str, Any] = {
        "method": request.method,
        "endpoint": request.endpoint or "-",
        "path": request.path,
        "status": response.status_code,
        "user_id": g.get("principal").user_id if g.get("principal") else None,
    }
    if started is not None:
        extra["ms"] = round((time.perf_counter() - started) * 1000, 1)
    log.info("request", extra=extra)
