"""The JSON API, version 1 (``/api/v1``). Bearer-token authentication; CSRF-exempt."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from intake.api import submissions  # noqa: E402,F401  (registers the routes)
from intake.api import audit  # noqa: E402,F401  (evidence export, issue 4)
