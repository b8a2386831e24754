"""Server-rendered pages (login, upload, submission status, the Secretariat's review). Session cookies +
CSRF."""

from flask import Blueprint

from intake.web import admin, pages, review, session


def make_blueprint() -> Blueprint:
    """The ``web`` blueprint with the templates and static files, and every page's route."""
    web = Blueprint(
        "web", __name__, template_folder="../templates", static_folder="../static", static_url_path="/static"
    )
    for routes in (session, pages, review, admin):
        routes.register(web)
    return web
