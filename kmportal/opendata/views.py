"""The open-data addresses: each parses nothing but its own path, asks one service function
and answers with the file. README "Open data" lists them."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from kmportal.opendata import service

bp = Blueprint("opendata", __name__, template_folder="templates")


def _file(body: bytes, mimetype: str, filename: str | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"  # harvesters read it from anywhere
    # The same file for every reader and language: no cookie or language varies it. The
    # anonymous page cache keeps only HTML pages, so each request builds the file from the
    # committed data; the ETag saves harvesters the download when nothing changed.
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@bp.route("/catalog")
def catalog():
    """The catalogue's own address: Turtle or JSON-LD, as the reader's Accept header prefers."""
    best = request.accept_mimetypes.best_match(["text/turtle", "application/ld+json"])
    endpoint = ".catalog_jsonld" if best == "application/ld+json" else ".catalog_ttl"
    return Response(status=303, headers={"Location": url_for(endpoint)})


@bp.route("/catalog.ttl")
def catalog_ttl():
    return _file(service.catalogue("turtle"), "text/turtle", "catalog.ttl")


@bp.route("/catalog.jsonld")
def catalog_jsonld():
    return _file(service.catalogue("json-ld"), "application/ld+json", "catalog.jsonld")


@bp.route("/exports/practices.csv")
def practices_csv():
    return _file(service.practices_csv(), "text/csv", "practices.csv")


@bp.route("/exports/practices.json")
def practices_json():
    return _file(service.practices_json(), "application/json", "practices.json")


@bp.route("/exports/transfers.iati.xml")
def transfers_iati():
    return _file(service.transfers_iati(), "application/xml", "transfers.iati.xml")


@bp.route("/feeds/practices.atom")
def practices_atom():
    return _file(service.practices_atom(), "application/atom+xml")
