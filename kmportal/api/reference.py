"""The member countries, the work plans (objectives, results, activities, targets) and the
progress toward each target, as the plan and dashboard pages show them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from kmportal.api.schemas.common import CountryRef
from kmportal.api.shapes import country as country_ref
from kmportal.api.spec import READ_SECURITY, Blueprint
from kmportal.errors import NotFound
from kmportal.languages import LANGUAGES
from kmportal.progress import queries as progress_queries
from kmportal.reference import plan_text
from kmportal.reference import queries as reference
from kmportal.reference.models import Plan, Target

blp = Blueprint(
    "Reference",
    __name__,
    url_prefix="/api/v1",
    description="Member countries, the work plans and progress toward their targets.",
)


class CountrySchema(CountryRef):
    names = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "The name in each of the portal's languages."},
    )


class CountryList(Schema):
    items = fields.List(fields.Nested(CountrySchema), required=True)


class Progress(Schema):
    counted = fields.Integer(required=True, metadata={"description": "What counts so far."})
    quantity = fields.Integer(required=True)
    percent = fields.Integer(required=True)


class TargetSchema(Schema):
    id = fields.Integer(required=True)
    indicator = fields.String(required=True)
    description = fields.String(required=True)
    quantity = fields.Integer(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    progress = fields.Nested(
        Progress,
        allow_none=True,
        metadata={"description": "Counted by the portal (transfers); null when it is not."},
    )


class ActivitySchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    text = fields.String(required=True)
    months = fields.List(fields.String(), required=True, metadata={"description": "YYYY-MM"})


class ResultSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    text = fields.String(required=True)
    activities = fields.List(fields.Nested(ActivitySchema), required=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)


class ObjectiveSchema(Schema):
    number = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    results = fields.List(fields.Nested(ResultSchema), required=True)


class PlanSummary(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    first_month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    last_month = fields.String(required=True, metadata={"description": "YYYY-MM"})
    official_language = fields.String(required=True)
    current = fields.Boolean(required=True)


class PlanSchema(PlanSummary):
    objectives = fields.List(fields.Nested(ObjectiveSchema), required=True)


class PlanList(Schema):
    items = fields.List(fields.Nested(PlanSummary), required=True)


def _country(country) -> dict:
    return {
        **country_ref(country),
        "names": {lang: country.name(lang) for lang in LANGUAGES},
    }


@blp.route("/countries")
@blp.etag
@blp.response(200, CountryList)
@blp.doc(security=READ_SECURITY)
def countries():
    """The member countries, by code."""
    return {"items": [_country(c) for c in sorted(reference.member_countries(), key=_code)]}


def _code(country) -> str:
    return country.code


@blp.route("/countries/<string:code>")
@blp.etag
@blp.response(200, CountrySchema)
@blp.doc(security=READ_SECURITY)
def country(code: str):
    """One member country, by ISO code."""
    found = reference.get_country(code)
    if found is None or not found.member:
        raise NotFound(_l("There is no member country with this code."))
    return _country(found)


@blp.route("/plans")
@blp.etag
@blp.response(200, PlanList)
@blp.doc(security=READ_SECURITY)
def plans():
    """The work plans, one per plan period, oldest first."""
    current = reference.current_period()
    return {"items": [_plan_summary(plan, current) for plan in reference.plan_periods()]}


@blp.route("/plans/<string:code>")
@blp.etag
@blp.response(200, PlanSchema)
@blp.doc(security=READ_SECURITY)
def plan(code: str):
    """One work plan: objectives, results, activities and targets, with progress."""
    found = reference.plan_by_code(code)
    if found is None:
        raise NotFound(_l("There is no work plan with this code."))
    return {
        **_plan_summary(found, reference.current_period()),
        "objectives": [
            {
                "number": objective.number,
                "name": plan_text(objective, "name", found).text,
                "description": plan_text(objective, "description", found).text,
                "results": [_result(result, found) for result in objective.results],
            }
            for objective in found.objectives
        ],
    }


def _plan_summary(plan: Plan, current: Plan | None) -> dict:
    return {
        "code": plan.code,
        "title": plan_text(plan, "title", plan).text,
        "first_month": plan.first_month.strftime("%Y-%m"),
        "last_month": plan.last_month.strftime("%Y-%m"),
        "official_language": plan.official_language,
        "current": current is not None and current.id == plan.id,
    }


def _result(result, plan: Plan) -> dict:
    return {
        "id": result.id,
        "code": result.code,
        "text": plan_text(result, "text", plan).text,
        "activities": [
            {
                "id": activity.id,
                "code": activity.code,
                "text": plan_text(activity, "text", plan).text,
                "months": [month.month.strftime("%Y-%m") for month in activity.months],
            }
            for activity in result.activities
        ],
        "targets": [_target(target, plan) for target in result.targets],
    }


def _target(target: Target, plan: Plan) -> dict:
    progress = None
    if target.indicator == reference.TARGET_INDICATOR:  # the one the portal counts
        counted = progress_queries.counted_toward(target)
        progress = {
            "counted": counted,
            "quantity": target.quantity,
            "percent": progress_queries.percent_of(counted, target.quantity),
        }
    return {
        "id": target.id,
        "indicator": target.indicator,
        "description": plan_text(target, "description", plan).text,
        "quantity": target.quantity,
        "period_start": target.period_start,
        "period_end": target.period_end,
        "progress": progress,
    }
