"""The JSON API, version 1 (``/api/v1``). Bearer-token authentication (CSRF does not apply); the review
screen's JavaScript may use its session cookie instead, and then every unsafe request needs the page's
CSRF token in an ``X-CSRFToken`` header (see intake.api.authentication)."""

from flask import Blueprint

from intake.api import audit, authentication, handover, review, submissions


def make_blueprint() -> Blueprint:
    """The ``api`` blueprint: authentication first, then the route modules' views (docs/review-api.md)."""
    api = Blueprint("api", __name__, url_prefix="/api/v1")
    api.before_request(authentication.authenticate)
    for routes in (submissions, review, audit, handover):
        routes.register(api)
    return api
