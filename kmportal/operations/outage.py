"""While the database is unreachable every page answers 503 with Retry-After, in the reader's
language, rendered without touching the database; the next request after it returns works.

The page must not load the signed-in user (Flask-Login's loader reads the database), so the
handler puts an anonymous placeholder in its place before rendering, and the reader's
language comes from what the browser already carries: the language chosen on the site, the
signed-in person's own language (kept in the session after each page that loaded them), then
Accept-Language. Recovery needs no restart: the engine checks a pooled connection before
using it (`pool_pre_ping`) and a disconnect invalidates the pool.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_login import AnonymousUserMixin, user_logged_out

from kmportal.api import errors as api_errors
from kmportal.extensions import db

log = logging.getLogger(__name__)

# The session key that remembers the signed-in person's language for pages that cannot read
# the database; main.views.select_locale reads it after the user's own setting.
USER_LANGUAGE_KEY = "user_lang"
# What an unreachable or overloaded database raises: connection refused or dropped (DBAPI
# OperationalError / InterfaceError, wrapped by SQLAlchemy) and a pool with no free connection.
UNAVAILABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def init_app(app: Flask) -> None:
    app.config.setdefault("OUTAGE_RETRY_AFTER", 30)

    for error_class in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, database_unavailable)
    app.after_request(remember_user_language)
    user_logged_out.connect(_forget_user_language, app)


def database_unavailable(error: Exception):
    """503 with Retry-After, in the reader's language, without one more database query."""
    log.error("Database unavailable for %s %s: %s", request.method, request.path, error)
    _leave_failed_transaction()
    # Flask-Login's template context would load the user from the database: the page is
    # the same for everyone, so it sees an anonymous reader.
    g._login_user = AnonymousUserMixin()
    retry_after = str(current_app.config["OUTAGE_RETRY_AFTER"])
    if api_errors.is_api_request():  # the API's one error shape
        response = api_errors.error_response(503, rollback=False)
    elif _wants_json():
        response = jsonify(status="unavailable", reason="database")
    else:
        response = current_app.make_response(render_template("errors/unavailable.html"))
    response.status_code = 503
    response.headers["Retry-After"] = retry_after
    response.headers["Cache-Control"] = "no-store"
    return response


def _leave_failed_transaction() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:  # the connection is gone; the session is reset anyway
        log.debug("Rollback after a lost connection failed", exc_info=True)


def _wants_json() -> bool:
    if api_errors.is_api_request() or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def remember_user_language(response):
    """Keep the signed-in person's language in the session, for pages without the database.

    Only looks at a user this request has already loaded: never loads one itself; an API
    token's owner is not the browser's user (kmportal/api/identity.py), so not for them."""
    if g.get("api_token") is not None:
        return response
    user = g.get("_login_user")
    language = getattr(user, "language", None) if getattr(user, "is_authenticated", False) else None
    if language and session.get(USER_LANGUAGE_KEY) != language:
        session[USER_LANGUAGE_KEY] = language
    return response


def _forget_user_language(_app, user=None, **_extra) -> None:
    session.pop(USER_LANGUAGE_KEY, None)
