"""GET /api/v1/docs: the OpenAPI document rendered by the vendored Swagger UI (no CDN, no
inline script: static/js/api-docs.js starts it). A page of the portal, not an operation."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

bp = Blueprint("api_docs_page", __name__, url_prefix="/api/v1", template_folder="templates")


@bp.route("/docs")
def docs_page():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
