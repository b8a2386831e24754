"""The JSON API, version 1 (``/api/v1``). Bearer-token authentication (CSRF does not apply); the review
screen's JavaScript may use its session cookie instead, and then every unsafe request needs the page's
CSRF token in an ``X-CSRFToken`` header (see intake.api.submissions._principal)."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

# Importing the route modules registers their routes on ``api``: submissions and documents, the audit
# evidence export, the review workflow (docs/review-api.md) and the archive handover.
from intake.api import audit, handover, review, submissions  # noqa: E402,F401
