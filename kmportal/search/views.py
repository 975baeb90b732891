"""The search page: parse the URL, ask the service, render."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kmportal.practices import enum_label
from kmportal.practices.enums import LANGUAGE_NAMES, Label, Theme
from kmportal.reference import queries as reference
from kmportal.search import service, similar
from kmportal.search.facets import SearchRequest

bp = Blueprint("search", __name__, template_folder="templates")

FACET_TITLES = {
    "country": _l("Country"),
    "theme": _l("Theme"),
    "sector": _l("Sector"),
    "outcome": _l("Strategic outcome"),
    "year": _l("Year started"),
    "language": _l("Language"),
    "label": _l("Label"),
}


@bp.route("/search")
def search():
    search_request = SearchRequest.from_args(request.args)
    results = service.search(current_user, search_request, current_app.config["PER_PAGE"])
    countries = {country.code: country for country in reference.member_countries()}
    return render_template(
        "search/search.html",
        results=results,
        search=search_request,
        facet_titles=FACET_TITLES,
        facet_label=_facet_labeller(countries),
        countries=countries,
    )


def _facet_labeller(countries: dict):
    """The reader's label of a facet value; a value the code no longer knows shows as is."""
    locale = str(get_locale())
    enums = {"theme": Theme, "label": Label}

    def label(facet: str, value: str):
        if facet == "country":
            country = countries.get(value)
            return country.name(locale) if country else value
        if facet in enums:
            try:
                return enums[facet](value).label
            except ValueError:
                return value
        if facet == "language":
            return LANGUAGE_NAMES.get(value, value)
        if facet in ("sector", "outcome"):
            return enum_label(facet, value)
        return value

    return label


def language_name(code: str) -> str:
    """Jinja filter: the reader's name of a practice language ("pt" -> "Portuguese")."""
    return str(LANGUAGE_NAMES.get(code, code))


def similar_for_template(practice):
    """Jinja global for search/_similar.html, included on every practice page."""
    return similar.similar_practices(current_user, practice)
