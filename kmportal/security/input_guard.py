"""Control characters (NUL and the rest of Unicode's Cc category) are refused once, before any
view, with 400: in the path, the query string, form fields and their names, uploaded file
names and JSON bodies. Form text may hold tab, line feed and carriage return; nothing else
may. PostgreSQL cannot store NUL at all, and no portal field needs the others."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from flask import Flask, render_template, request
from flask_babel import gettext as _

from kmportal.api import errors as api_errors
from kmportal.extensions import db

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters():
        if request_has_control_characters():
            db.session.rollback()
            message = _(
                "The request contains control characters (such as NUL), which the portal does "
                "not accept. Remove them and try again."
            )
            if api_errors.is_api_request():
                return api_errors.error_response(400, message)
            return render_template("errors/error.html", status=400, message=message), 400
        return None


def request_has_control_characters() -> bool:
    if CONTROL.search(request.path):
        return True
    if any(CONTROL.search(name) or CONTROL.search(value) for name, value in _pairs(request.args)):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    for name, value in _pairs(request.form):
        if CONTROL.search(name) or CONTROL_IN_TEXT.search(value):
            return True
    for name, upload in request.files.items(multi=True):
        if CONTROL.search(name) or CONTROL.search(upload.filename or ""):
            return True
    if request.is_json:
        strings = _json_strings(request.get_json(silent=True))
        return any(CONTROL_IN_TEXT.search(text) for text in strings)
    return False


def _pairs(multidict) -> Iterable[tuple[str, str]]:
    return multidict.items(multi=True)


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
