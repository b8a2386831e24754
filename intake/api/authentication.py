"""Who is calling the API: a bearer token, or the review screen's session cookie plus its CSRF token."""

from __future__ import annotations

from flask import g, request
from flask import session as cookie_session
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from intake.accounts.auth import AuthenticationError, Principal, principal_from_token
from intake.http import current_services, principal_from_cookie

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate() -> None:
    """Runs before every API view: sets ``g.principal`` or raises AuthenticationError (401)."""
    header = request.headers.get("Authorization", "")
    if not header and cookie_session.get("uid"):
        g.principal = _cookie_principal()
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError()
    with current_services().sessions() as session, session.begin():
        g.principal = principal_from_token(session, token.strip())


def _cookie_principal() -> Principal:
    """The review screen calls the API with its session cookie. A cookie is sent by the browser on its
    own, so unlike a bearer token it needs CSRF protection: unsafe methods must carry the page's token."""
    principal = principal_from_cookie()
    if principal is None:
        raise AuthenticationError()
    if request.method not in SAFE_METHODS:
        token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
        try:
            validate_csrf(token)
        except ValidationError as exc:
            raise CSRFError(str(exc)) from None
    return principal
