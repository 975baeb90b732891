"""The JSON API at /api/v1/: the portal's services for partners' systems and scripts.

flask-smorest (README "API" says why) turns each operation's marshmallow schemas into the
OpenAPI 3.1 document at /api/v1/openapi.json, generated from this code on every start;
/api/v1/docs renders it with the vendored Swagger UI. The operations call the same service
functions as the pages (kmportal/*/service.py, the read rules of practices/reading.py and
transfers/visibility.py), so a person sees and may do the same through both.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l

from kmportal.api import errors, idempotency, identity
from kmportal.api.spec import PortalApi

# A write's body is JSON; files come as multipart/form-data, to the operations that take
# files only (the import), so that a form never reads as "no fields" anywhere else.
MULTIPART_ENDPOINTS = frozenset({"Import.import_file"})

BLUEPRINTS = (
    "kmportal.api.me",
    "kmportal.api.reference",
    "kmportal.api.practices",
    "kmportal.api.importing",
    "kmportal.api.needs",
    "kmportal.api.transfers",
    "kmportal.api.trainings",
)


def init_app(app: Flask) -> None:
    import importlib

    from kmportal.extensions import csrf

    for key, value in PortalApi.CONFIG.items():
        app.config.setdefault(key, value)
    from kmportal.api import models  # noqa: F401

    api = PortalApi(app)
    for name in BLUEPRINTS:
        blueprint = importlib.import_module(name).blp
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # a token, never a cookie, authenticates a write (identity.py)
    from kmportal.api.docs import bp as docs_page

    app.register_blueprint(docs_page)
    app.extensions["kmportal_api"] = api

    @app.before_request
    def identify_api_caller():
        if not errors.is_api_request():
            return None
        return identity.identify() or _refuse_unreadable_body() or idempotency.claim()

    @app.after_request
    def api_headers(response):
        if errors.is_api_request():
            idempotency.remember(response)
            identity.rate_headers(response)
            if response.status_code == 304 and g.get("api_not_modified_etag"):
                response.set_etag(g.api_not_modified_etag)
            response.vary.update(("Authorization", "Cookie", "Accept-Language"))
            if request.method == "GET" and "Cache-Control" not in response.headers:
                # Each reader sees their own records: revalidate with the ETag every time.
                response.headers["Cache-Control"] = "private, no-cache"
        return response


def _refuse_unreadable_body():
    """415 for a write whose body is not what the operation reads (JSON; a form with files
    for the import): it would otherwise read as no fields at all."""
    if not identity.is_write():
        return None
    if not request.content_length and not request.headers.get("Transfer-Encoding"):
        return None  # no body: a step such as submit
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        return None if request.endpoint in MULTIPART_ENDPOINTS else errors.error_response(415)
    if request.endpoint in MULTIPART_ENDPOINTS:
        return errors.error_response(415, _l("Send the file as multipart/form-data (part file)."))
    if mimetype == "application/json" or mimetype.endswith("+json"):
        return None
    return errors.error_response(415)
