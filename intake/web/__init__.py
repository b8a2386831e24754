"""Server-rendered pages (login, upload, submission status). Session cookies + CSRF."""

from flask import Blueprint

web = Blueprint("web", __name__, template_folder="../templates", static_folder="../static", static_url_path="/static")

from intake.web import pages, review, session  # noqa: E402,F401  (registers the routes)
