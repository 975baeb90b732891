"""The safety net under every form: a unique constraint the database enforces (two requests
racing to create the same record) answers 409 with a message in the person's language, after
rolling back, never a 500. Services turn the ones they expect into field messages."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from kmportal.extensions import db

log = logging.getLogger(__name__)


def is_unique_violation(error: IntegrityError) -> bool:
    """True for a unique (or primary key) violation on PostgreSQL or SQLite."""
    original = getattr(error, "orig", None)
    if getattr(original, "sqlstate", None) == "23505":  # psycopg: unique_violation
        return True
    text = str(original or error)
    return "UNIQUE constraint failed" in text or "duplicate key value" in text


def init_app(app: Flask) -> None:
    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        db.session.rollback()
        if not is_unique_violation(error):
            log.exception("integrity error", exc_info=error)
            return render_template("errors/error.html", status=500, message=None), 500
        log.info("unique constraint refused a write: %s", error.orig)
        message = _(
            "This record already exists: someone saved the same thing at the same moment, or "
            "it was saved twice. Reload the page to see the current state."
        )
        return render_template("errors/error.html", status=409, message=message), 409
