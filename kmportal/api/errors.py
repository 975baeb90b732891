"""Every refusal of the API as one JSON shape, in the reader's language:

    {"status": 422, "error": "Unprocessable Content", "message": "…",
     "errors": {"title": "This field is required."}}

`errors` is keyed by the request's own field names (a nested field as "arguments.relevance",
a query parameter by its name); it is empty when the refusal is about the whole request.
Services raise the DomainError family (kmportal/errors.py); webargs/marshmallow refuse
malformed input before a service is called; both end here, after the session is rolled
back, so nothing of a refused request is written.
"""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

from kmportal.errors import DomainError
from kmportal.errors import ValidationError as DomainValidationError
from kmportal.extensions import db

PREFIX = "/api/"

MESSAGES = {
    400: _l("The request could not be read."),
    401: _l("This request needs a valid API token (Authorization: Bearer …)."),
    403: _l("You are not allowed to do this."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept this method."),
    409: _l("This step is not possible now."),
    413: _l("The request is too large."),
    415: _l("Send the body as JSON (Content-Type: application/json)."),
    422: _l("Some values were refused: see errors."),
    429: _l("Too many requests with this token: wait and try again."),
    500: _l(
        "Something went wrong on the portal's side. The change may or may not have been "
        "made: read the record before trying again."
    ),
    503: _l("The portal's database cannot be reached just now: try again in a minute."),
}

# marshmallow's and webargs' own sentences, in the reader's language.
FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("This field is not accepted here."),
    "Field may not be null.": _l("This field cannot be null."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid boolean.": _l("Enter true or false."),
    "Not a valid list.": _l("Enter a list."),
    "Not a valid date.": _l("Enter a date as YYYY-MM-DD."),
    "Not a valid number.": _l("Enter a number."),
    "Invalid input type.": _l("This value has the wrong type."),
    "Invalid value.": _l("This value is not accepted."),
    "Invalid JSON body.": _l("The body is not valid JSON."),
    "Must be one of: {choices}.": _l("Choose one of the listed values."),
}

# marshmallow's sentences with numbers in them: (pattern, translated sentence).
FIELD_PATTERNS = (
    (
        re.compile(
            r"Must be greater than or equal to (?P<a>\S+) and less than or equal to (?P<b>\S+)\."
        ),
        lambda m: _l("Enter a value from %(a)s to %(b)s.", a=m["a"], b=m["b"]),
    ),
    (
        re.compile(r"Must be greater than or equal to (?P<a>\S+)\."),
        lambda m: _l("Enter a value of at least %(a)s.", a=m["a"]),
    ),
    (
        re.compile(r"Must be less than or equal to (?P<b>\S+)\."),
        lambda m: _l("Enter a value of at most %(b)s.", b=m["b"]),
    ),
    (
        re.compile(r"(Longer than maximum length|Length must be between \S+ and) (?P<n>\d+)\."),
        lambda m: _l("Use at most %(n)s characters or items.", n=m["n"]),
    ),
)


def is_api_request() -> bool:
    return request.path.startswith(PREFIX)


def error_response(
    status: int,
    message: Any = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    rollback: bool = True,
):
    """The JSON error response; the session's pending changes are dropped first (unless the
    caller already left a session whose connection is gone: the outage page)."""
    if rollback:
        db.session.rollback()
    body = {
        "status": status,
        "error": HTTP_STATUS_CODES.get(status, "Error"),
        "message": str(message or MESSAGES.get(status) or MESSAGES[500 if status >= 500 else 400]),
        "errors": {key: str(value) for key, value in (errors or {}).items()},
    }
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def domain_error(error: DomainError):
    errors = getattr(error, "errors", None) if isinstance(error, DomainValidationError) else None
    message = error.message or None
    if errors and set(errors) == {""}:  # one message about the whole input
        message, errors = errors[""], None
    elif errors:
        message = MESSAGES[422]
    return error_response(error.status_code, message, errors, getattr(error, "headers", None))


def http_error(error: HTTPException):
    data = getattr(error, "data", None) or {}
    errors = _flatten(data.get("messages") or data.get("errors") or {})
    status = error.code or 500
    message = data.get("message")
    if "" in errors:  # about the whole body (not JSON, not an object): the message says it
        whole = errors.pop("")
        message = MESSAGES[422] if errors else whole
    elif status == 422 and errors:
        message = MESSAGES[422]
    headers = dict(data.get("headers") or {})
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(status, message, errors, headers)


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs' {"json": {"title": ["…"], "arguments": {"relevance": ["…"]}}} as
    {"title": "…", "arguments.relevance": "…"}: the location is dropped (each operation
    reads its fields from one place), the first message of a field is kept."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict) and prefix and messages and set(messages) <= {"key", "value"}:
        # a Dict field's entry: {"relevance": {"value": [...]}} names "arguments.relevance"
        for part in ("key", "value"):
            if part in messages:
                flat.update(_flatten(messages[part], prefix))
    elif isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "files", "headers", "view_args"):
                flat.update(_flatten(value, ""))
                continue
            name = key if key != "_schema" else ""
            flat.update(_flatten(value, f"{prefix}.{name}".strip(".") if prefix else str(name)))
    elif isinstance(messages, (list, tuple)):
        if messages and all(isinstance(item, str) for item in messages):
            flat[prefix] = _field_message(messages[0])
        else:
            for item in messages:
                flat.update(_flatten(item, prefix))
    elif messages:
        flat[prefix] = _field_message(str(messages))
    return flat


def _field_message(message: Any) -> str:
    if isinstance(message, (list, tuple)):
        message = message[0] if message else ""
    text = str(message)
    if text.startswith("Must be one of:"):
        return str(FIELD_MESSAGES["Must be one of: {choices}."])
    for pattern, sentence in FIELD_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return str(sentence(match))
    translated = FIELD_MESSAGES.get(text)
    return str(translated) if translated is not None else text
