from flask import Blueprint, abort, render_template
from flask_login import current_user

from kmportal.practices import queries as practice_queries
from kmportal.reference import queries

bp = Blueprint("reference", __name__, template_folder="templates")


@bp.route("/countries/")
def countries():
    return render_template("reference/countries.html", countries=queries.member_countries())


@bp.route("/countries/<code>")
def country(code: str):
    found = queries.get_country(code)
    if found is None:
        abort(404)
    practices = practice_queries.country_practices(current_user, found.code)
    return render_template("reference/country.html", country=found, practices=practices)


@bp.route("/plan")
def plan():
    return render_template("reference/plan.html", plan=queries.current_plan())
