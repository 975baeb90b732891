"""Idempotency-Key on the API's writes (the IETF httpapi draft, as Stripe and others use it).

A client that sends `Idempotency-Key: <its own unique key>` with a write may send the same
request again (after a timeout, a lost connection, a double click) and get the first
answer back, replayed with `Idempotent-Replayed: true`, with no second effect:

- the key is claimed by inserting a row unique per (token, key) and committing it before the
  operation runs, so two copies racing each other cannot both run: the second is 409 while
  the first runs;
- the same key with another request (method, path, query or body) is 422;
- the answer is kept and replayed, a failure on the portal's side (5xx) too, since the
  change may have been made; after a refusal (4xx: nothing written) the key is released, so
  the corrected request may use it; a claim left by a crashed worker is released after
  ABANDONED; keys are forgotten after KEPT.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import lazy_gettext as _l

from kmportal.api import errors, identity
from kmportal.api.models import IdempotentRequest
from kmportal.concurrency import is_unique_violation
from kmportal.extensions import db
from kmportal.tokens.models import as_utc, now_utc

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x21-\x7e]{1,200}")  # visible ASCII
KEPT = timedelta(hours=24)
ABANDONED = timedelta(minutes=5)
TABLE = IdempotentRequest.__table__

PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "A key of your own (1 to 200 visible ASCII characters) that makes this "
    "write safe to retry: the same request with the same key answers the first answer "
    "again, with no second effect, for 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}


def claim():
    """before_request (after identify): None to go on, or the answer to give instead."""
    g.idempotent_request_id = None
    key = request.headers.get(HEADER)
    token = g.get("api_token")
    if key is None or token is None or not identity.is_write():
        return None
    if not KEY.fullmatch(key):
        return errors.error_response(
            400,
            _l("Idempotency-Key must be 1 to 200 visible ASCII characters."),
            {HEADER: _l("Idempotency-Key must be 1 to 200 visible ASCII characters.")},
        )
    return _claim(token.id, key, _fingerprint())


def _claim(token_id: int, key: str, fingerprint: str):
    """The claim is written and committed in a transaction of its own (not the request's
    session, so that what the operation does is not mixed with it, and a claim is no change
    of the pages' data)."""
    try:
        with db.engine.begin() as connection:
            connection.execute(
                TABLE.delete().where(
                    TABLE.c.token_id == token_id, TABLE.c.created_at < now_utc() - KEPT
                )
            )
            row_id = connection.execute(
                TABLE.insert().values(
                    token_id=token_id, key=key, fingerprint=fingerprint, created_at=now_utc()
                )
            ).inserted_primary_key[0]
    except sa.exc.IntegrityError as error:
        if not is_unique_violation(error):
            raise
        return _again(token_id, key, fingerprint)
    g.idempotent_request_id = row_id
    return None


def _again(token_id: int, key: str, fingerprint: str):
    with db.engine.connect() as connection:
        earlier = connection.execute(
            sa.select(TABLE).where(TABLE.c.token_id == token_id, TABLE.c.key == key)
        ).first()
    if earlier is None:  # released meanwhile: the client may simply retry
        return errors.error_response(409, _l("This request is being handled: try again."))
    if earlier.fingerprint != fingerprint:
        return errors.error_response(
            422,
            _l("This Idempotency-Key was used for another request."),
            {HEADER: _l("This Idempotency-Key was used for another request.")},
        )
    if earlier.status is None:
        if now_utc() - as_utc(earlier.created_at) > ABANDONED:
            with db.engine.begin() as connection:
                connection.execute(TABLE.delete().where(TABLE.c.id == earlier.id))
            return _claim(token_id, key, fingerprint)
        return errors.error_response(409, _l("This request is being handled: try again."))
    return _replay(earlier)


def _replay(earlier):
    response = current_app.response_class(
        earlier.body or "", status=earlier.status, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    if earlier.location:
        response.headers["Location"] = earlier.location
    return response


def remember(response):
    """after_request: keep the answer for the key, or release the key after a refusal."""
    row_id = g.pop("idempotent_request_id", None)
    if row_id is None:
        return response
    try:
        _settle(row_id, response)
    except sa.exc.SQLAlchemyError:  # the database went away: the claim lapses (ABANDONED)
        log.exception("Could not settle the idempotency key of request %s", row_id)
    return response


def _settle(row_id: int, response) -> None:
    """A success, or a failure on the portal's side (5xx: the change may have been made), is
    kept and replayed; a refusal (4xx: nothing was written) releases the key, so that the
    corrected request may use it."""
    with db.engine.begin() as connection:
        if 400 <= response.status_code < 500:
            connection.execute(TABLE.delete().where(TABLE.c.id == row_id))
            return
        connection.execute(
            TABLE.update()
            .where(TABLE.c.id == row_id)
            .values(
                status=response.status_code,
                body=response.get_data(as_text=True),
                location=(response.headers.get("Location") or "")[:500] or None,
            )
        )


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    if request.mimetype == "multipart/form-data":  # the import: its fields and its files
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"{name}={value}".encode() + b"\0")
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(f"{name}:{upload.filename}".encode() + b"\0")
            stream = upload.stream
            while chunk := stream.read(65536):
                digest.update(chunk)
            stream.seek(0)
    else:
        digest.update(_canonical(request.get_data(cache=True)))
    return digest.hexdigest()


def _canonical(body: bytes) -> bytes:
    """A JSON body as the same request whatever its key order or spacing (a retry may
    serialise it anew); any other body as it is."""
    if not (request.is_json and body):
        return body
    try:
        value = json.loads(body)
    except ValueError:
        return body
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
