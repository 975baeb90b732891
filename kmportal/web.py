"""Web glue shared by every blueprint: error pages, security headers, SQLite setup, the id
converter. Each capability registers its own pieces (the user loader in auth, the locale
selector in main, template globals where their data lives) in its init_app."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from kmportal.api import errors as api_errors
from kmportal.errors import DomainError
from kmportal.extensions import db
from kmportal.operations.outage import UNAVAILABLE_ERRORS, database_unavailable


def configure_sqlite(engine) -> None:
    """WAL and foreign keys for SQLite connections; nothing for other databases."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in every route: ids beyond a 32-bit integer column are simply not found."""

    def __init__(self, url_map, fixed_digits=0, min=0, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if api_errors.is_api_request():
            return api_errors.domain_error(error)
        db.session.rollback()
        return _error_page(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/static/") or error.code == 304:
            return error
        if api_errors.is_api_request():
            return api_errors.http_error(error)
        if error.code >= 500:
            # The page needs the database (the signed-in user): leave any failed transaction.
            db.session.rollback()
        return _error_page(error.code, None)

    def _error_page(status: int, message):
        try:
            return render_template("errors/error.html", status=status, message=message), status
        except UNAVAILABLE_ERRORS as unavailable:  # the page's layout loads the signed-in user
            return database_unavailable(unavailable)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        return response
