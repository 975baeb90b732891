"""A practice as the API reads and writes it. The field names are the form's and the
service's (kmportal/practices/data.py), so a refusal names the field that was sent."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from kmportal.api.schemas.common import (
    CountryRef,
    Labelled,
    NextStepSchema,
    PageArgs,
    StrictSchema,
    UtcDateTime,
    page_of,
)
from kmportal.languages import LANGUAGES
from kmportal.practices.data import MAX_TAGS, MAX_YEAR, MIN_YEAR, TEXT_LIMITS
from kmportal.practices.enums import Actor, Criterion, Label, Sector, StrategicOutcome, Theme
from kmportal.search.facets import MAX_QUERY_CHARS, SORTS


def _codes(enum) -> dict:
    return {"enum": enum.values()}


class PracticeSummary(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The practice's page."})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    language = fields.String(required=True, metadata={"enum": list(LANGUAGES)})
    country = fields.Nested(CountryRef, required=True)
    theme = fields.Nested(Labelled, required=True)
    state = fields.Nested(Labelled, required=True)
    label = fields.Nested(
        Labelled,
        allow_none=True,
        required=True,
        metadata={"description": "Good or promising practice, once scored; else null."},
    )
    sectors = fields.List(fields.Nested(Labelled), required=True)
    outcomes = fields.List(fields.Nested(Labelled), required=True)
    actors = fields.List(fields.Nested(Labelled), required=True)
    languages = fields.List(fields.String(), required=True)
    tags = fields.List(fields.String(), required=True)
    sdg_87 = fields.Boolean(required=True)
    period_start = fields.Integer(allow_none=True, required=True)
    period_end = fields.Integer(allow_none=True, required=True)
    institution = fields.String(required=True)
    is_demo = fields.Boolean(required=True)
    published_at = UtcDateTime(allow_none=True, required=True)
    updated_at = UtcDateTime(required=True)


class CriterionLine(Schema):
    criterion = fields.String(required=True, metadata=_codes(Criterion))
    label = fields.String(required=True)
    argument = fields.String(required=True)
    score = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "0 to 3; null when not scored or not shown to this reader."},
    )


class PendingEditRef(Schema):
    id = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)


class PracticeDetail(PracticeSummary):
    description = fields.String(required=True)
    population = fields.String(required=True)
    results = fields.String(required=True)
    replication = fields.String(required=True)
    cost_notes = fields.String(required=True)
    contact = fields.String(required=True)
    activities = fields.List(fields.Nested(Labelled), required=True)
    criteria = fields.List(fields.Nested(CriterionLine), required=True)
    scores_shown = fields.Boolean(required=True)
    return_comment = fields.String(allow_none=True, required=True)
    pending_edit = fields.Nested(PendingEditRef, allow_none=True, required=True)
    steps = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "What this reader may do next (edit, submit, validate…)."},
    )
    next_step = fields.Nested(NextStepSchema, allow_none=True, required=True)


class FacetValueSchema(Schema):
    value = fields.String(required=True)
    count = fields.Integer(required=True)
    selected = fields.Boolean(required=True)


class FacetSchema(Schema):
    name = fields.String(required=True)
    values = fields.List(fields.Nested(FacetValueSchema), required=True)


PracticePage = page_of(
    PracticeSummary,
    "PracticePage",
    facets=fields.List(fields.Nested(FacetSchema), required=True),
    suggestion=fields.String(allow_none=True, metadata={"description": "Did you mean…"}),
    notices=fields.List(fields.String(), required=True),
)


def _many(enum_values, description: str):
    return fields.List(
        fields.String(validate=validate.OneOf(enum_values)),
        metadata={"description": description},
    )


class SearchArgs(PageArgs):
    """The catalogue's search page arguments: the same ranking, filters and facet counts."""

    q = fields.String(
        load_default="",
        validate=validate.Length(max=MAX_QUERY_CHARS),
        metadata={"description": "Words in any of the four languages."},
    )
    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={"description": "Default: relevance with words, else the newest first."},
    )
    expand = fields.Boolean(
        load_default=True,
        metadata={"description": "Also search the thesaurus' other-language labels."},
    )
    country = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Za-z]{2}$")),
        metadata={"description": "ISO codes."},
    )
    theme = _many(Theme.values(), "Theme codes.")
    sector = _many(Sector.values(), "Sector codes.")
    outcome = _many(StrategicOutcome.values(), "Strategic outcome codes.")
    year = fields.List(fields.Integer(validate=validate.Range(min=1900, max=2199)))
    language = _many(list(LANGUAGES), "Language codes.")
    label = _many(Label.values(), "good or promising.")


def _text(name: str, **kwargs):
    return fields.String(validate=validate.Length(max=TEXT_LIMITS[name]), **kwargs)


class PracticeInput(StrictSchema):
    """The practice form's fields. Create: title, summary, description, theme and language
    are required by the service (422 keyed by field); update (PATCH): any subset."""

    title = _text("title")
    summary = _text("summary")
    description = _text("description")
    institution = _text("institution")
    population = _text("population")
    results = _text("results")
    replication = _text("replication")
    cost_notes = _text("cost_notes")
    contact = _text("contact")
    country_code = fields.String(
        metadata={"description": "The secretariat only; a focal point's is its own country."}
    )
    theme = fields.String(metadata=_codes(Theme))
    language = fields.String(metadata={"enum": list(LANGUAGES)})
    sdg_87 = fields.Boolean()
    sectors = fields.List(fields.String(), metadata={"items": _codes(Sector)})
    outcomes = fields.List(fields.String(), metadata={"items": _codes(StrategicOutcome)})
    actors = fields.List(fields.String(), metadata={"items": _codes(Actor)})
    languages = fields.List(fields.String(), metadata={"items": {"enum": list(LANGUAGES)}})
    tags = fields.List(fields.String(), validate=validate.Length(max=MAX_TAGS))
    period_start = fields.Integer(
        allow_none=True, metadata={"minimum": MIN_YEAR, "maximum": MAX_YEAR}
    )
    period_end = fields.Integer(
        allow_none=True, metadata={"minimum": MIN_YEAR, "maximum": MAX_YEAR}
    )
    activity_ids = fields.List(fields.Integer(), metadata={"description": "Work-plan activities."})
    arguments = fields.Dict(
        keys=fields.String(validate=validate.OneOf(Criterion.values())),
        values=fields.String(validate=validate.Length(max=5000)),
        metadata={"description": "The country's argument for each criterion."},
    )


class UpdateResult(Schema):
    outcome = fields.String(
        required=True,
        metadata={
            "enum": ["applied", "held_for_review", "unchanged"],
            "description": "held_for_review: a focal point's change to a published practice "
            "waits for the secretariat; the published text stays until then.",
        },
    )
    pending_edit = fields.Nested(PendingEditRef, allow_none=True, required=True)
    practice = fields.Nested(PracticeDetail, required=True)


class ValidationInput(StrictSchema):
    decision = fields.String(
        required=True,
        validate=validate.OneOf(["publish", "return"]),
        metadata={"description": "publish (every criterion scored) or return to the author."},
    )
    scores = fields.Dict(
        keys=fields.String(validate=validate.OneOf(Criterion.values())),
        values=fields.Integer(allow_none=True, validate=validate.Range(min=0, max=3)),
        load_default=dict,
    )
    comment = fields.String(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "Required to return: what the author should change."},
    )
