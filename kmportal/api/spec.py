"""The API object: flask-smorest on the portal's own app, with its errors left to ours.

flask-smorest would register an app-wide HTTPException handler (JSON for every page of the
portal); the portal's own handler (kmportal/web.py) answers JSON under /api/ and HTML
elsewhere, so that registration is skipped. Every error response in the document is the
one shape of kmportal/api/errors.py.
"""

from __future__ import annotations

import flask_smorest
from apispec import BasePlugin
from flask import g
from flask_smorest import Api

from kmportal.api.schemas.common import ErrorSchema

BEARER = "bearerAuth"
#: For the `security` of an operation that writes: a token of the write scope.
WRITE_SECURITY = [{BEARER: []}]
#: Who is asking: a token (a signed-in browser works too, undocumented).
TOKEN_SECURITY = [{BEARER: []}]
#: Reads work anonymously, with a token, or with the browser's session.
READ_SECURITY = [{}, {BEARER: []}]


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint, whose 304 keeps the ETag it answers (RFC 9110 15.4.5):
    the answer is an exception raised before any response exists, so the ETag waits in `g`
    for kmportal/api/__init__.py's after_request."""

    def _check_not_modified(self, etag):
        g.api_not_modified_etag = etag
        super()._check_not_modified(etag)


class IdempotencyKeyPlugin(BasePlugin):
    """Documents the optional Idempotency-Key header on every POST and PATCH."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        from kmportal.api.idempotency import PARAMETER

        for method in ("post", "patch"):
            if method in (operations or {}):
                operations[method].setdefault("parameters", []).append(dict(PARAMETER))


class PortalApi(Api):
    ERROR_SCHEMA = ErrorSchema
    CONFIG = {
        "API_TITLE": "kmportal API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {
                "description": (
                    "Good practices against child labour, their transfers between the member "
                    "countries of the Regional Initiative Latin America and the Caribbean Free "
                    "of Child Labour, and progress toward the work plan's targets. Reads are "
                    "open with the visibility of the portal's pages; writes need a bearer "
                    "token of the write scope, created on the account page (Tokens)."
                ),
                "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"},
            },
            "servers": [{"url": "/"}],
        },
    }

    def _register_error_handlers(self):
        """Left to kmportal/web.py, which hands /api/ paths to kmportal/api/errors.py."""

    def init_app(self, app, *, spec_kwargs=None):
        spec_kwargs = {"extra_plugins": [IdempotencyKeyPlugin()], **(spec_kwargs or {})}
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme(
            BEARER,
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from the account page (Tokens): kmp_…",
            },
        )
