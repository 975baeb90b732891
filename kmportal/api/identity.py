"""Who is asking: a bearer token, or (for reads only) the browser's session.

- `Authorization: Bearer kmp_…` names the token's owner for this request only (nothing is
  written to the session, no cookie is sent back); an unknown, expired or revoked token, or
  the token of a disabled account, is refused with 401 whatever the request.
- Each token request spends one unit of the token's per-minute allowance, counted in the
  token's row so that every worker shares it; over it, 429 with Retry-After.
- Writes (POST, PUT, PATCH, DELETE) need a token of the "write" scope. Cookies never
  authenticate a write, so there is no CSRF to forge: a write without a token is 401, with a
  read token 403. Reads without a token see what an anonymous reader (or, in a browser, the
  signed-in person) sees on the pages.
"""

from __future__ import annotations

import flask_babel
from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user

from kmportal.api import errors

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_LIMIT_PER_MINUTE = 120


def is_write() -> bool:
    """Whether this request may change something (any method but GET, HEAD, OPTIONS)."""
    return request.method not in SAFE_METHODS


def identify():
    """before_request for /api/: returns an error response, or None to go on."""
    if g.pop("api_token", None) is not None:
        # Where one app context serves several requests (the tests), the previous request's
        # token owner is not this request's reader.
        g.pop("_login_user", None)
        g.pop("api_rate", None)
    g.api_token = None
    header = request.headers.get("Authorization", "")
    if header:
        return _by_token(header)
    if is_write():
        g._login_user = AnonymousUserMixin()  # Flask-Login's user for this request: nobody
        return errors.error_response(
            401,
            _l("Writing through the API needs a token with the write scope."),
            headers={"WWW-Authenticate": 'Bearer realm="kmportal"'},
        )
    return None


def _by_token(header: str):
    from kmportal.tokens import service as tokens

    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return _unauthorized(_l("Send the token as: Authorization: Bearer <token>."))
    try:
        token = tokens.authenticate(raw.strip())
    except tokens.TokenRefused as refused:
        return _unauthorized(refused.message, 'error="invalid_token"')
    g._login_user = token.user  # Flask-Login's current_user, for this request only
    flask_babel.refresh()  # a language chosen before (for nobody) gives way to the owner's
    window = tokens.spend(token, limit_per_minute())
    g.api_token, g.api_rate = token, window
    if not window.allowed:
        return errors.error_response(
            429, headers={"Retry-After": str(max(1, window.seconds_to_reset()))}
        )
    if is_write() and not tokens.may_write(token):
        return errors.error_response(
            403,
            _l("This token may only read: create one with the write scope to change records."),
            headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
        )
    return None


def _unauthorized(message, detail: str = ""):
    challenge = 'Bearer realm="kmportal"' + (f", {detail}" if detail else "")
    g._login_user = AnonymousUserMixin()
    return errors.error_response(401, message, headers={"WWW-Authenticate": challenge})


def rate_headers(response):
    """after_request: the allowance left, on every token response (draft IETF RateLimit)."""
    window = getattr(g, "api_rate", None)
    if window is not None:
        response.headers["RateLimit-Limit"] = str(window.limit)
        response.headers["RateLimit-Remaining"] = str(max(window.remaining, 0))
        response.headers["RateLimit-Reset"] = str(max(1, window.seconds_to_reset()))
    return response


def limit_per_minute() -> int:
    return int(current_app.config.get("API_RATE_LIMIT_PER_MINUTE", DEFAULT_LIMIT_PER_MINUTE))


def user():
    """The person this request acts for (anonymous when nobody)."""
    return current_user._get_current_object()
