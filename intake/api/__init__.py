"""The JSON API, version 1 (``/api/v1``). Bearer-token authentication (CSRF does not apply); the review
screen's JavaScript may use its session cookie instead, and then every unsafe request needs the page's
CSRF token in an ``X-CSRFToken`` header (see intake.api.submissions._principal)."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from intake.api import submissions  # noqa: E402,F401  (registers the routes)
from intake.api import audit  # noqa: E402,F401  (evidence export, issue 4)
from intake.api import review  # noqa: E402,F401  (the review workflow, docs/review-api.md)
from intake.api import handover  # noqa: E402,F401  (archive handover, issue 5)
