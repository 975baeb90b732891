"""A country's need as the API reads and writes it. The field names are the need form's and
the service's (kmportal/needs/data.py), so a refusal names the field that was sent."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from kmportal.api.schemas.common import (
    CountryRef,
    Labelled,
    PageArgs,
    StrictSchema,
    UtcDateTime,
    page_of,
)
from kmportal.languages import LANGUAGES
from kmportal.needs.data import TEXT_LIMITS
from kmportal.needs.enums import NEED_FUNDING, NeedStatus, Urgency
from kmportal.practices.enums import Sector, StrategicOutcome, Theme


def _codes(enum) -> dict:
    return {"enum": enum.values()}


_FUNDING = [mode.value for mode in NEED_FUNDING]


# Reading ---------------------------------------------------------------------------------


class NeedSummary(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The need's page."})
    title = fields.String(required=True)
    description = fields.String(
        required=True, metadata={"description": "The problem in the country's own words."}
    )
    language = fields.String(
        required=True, metadata={"enum": list(LANGUAGES), "description": "Of the text."}
    )
    country = fields.Nested(CountryRef, required=True)
    theme = fields.Nested(Labelled, required=True)
    sectors = fields.List(fields.Nested(Labelled), required=True)
    population = fields.String(required=True)
    outcome = fields.Nested(Labelled, allow_none=True, required=True)
    urgency = fields.Nested(Labelled, required=True)
    funding_mode = fields.Nested(
        Labelled,
        allow_none=True,
        required=True,
        metadata={"description": "The funding the country can bring; null when not said."},
    )
    status = fields.Nested(Labelled, required=True)
    is_demo = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class ShownPracticeRef(Schema):
    id = fields.Integer(required=True)
    title = fields.String(
        required=True,
        metadata={"description": "Or “Practice withdrawn” for a reader who may not read it."},
    )
    readable = fields.Boolean(required=True)


class NeedTransferRef(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The transfer's page."})
    status = fields.Nested(Labelled, required=True)
    practice = fields.Nested(ShownPracticeRef, required=True)
    provider = fields.Nested(CountryRef, required=True)


class NeedDetail(NeedSummary):
    transfers = fields.List(
        fields.Nested(NeedTransferRef),
        required=True,
        metadata={"description": "The transfers started from this need (its interests)."},
    )
    steps = fields.List(
        fields.String(metadata={"enum": ["edit", "express_interest"]}),
        required=True,
        metadata={"description": "What this reader may do: edit, express_interest."},
    )


NeedPage = page_of(NeedSummary, "NeedPage")


class NeedArgs(PageArgs):
    """The needs page's filters."""

    country = fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{2}$"), metadata={"description": "ISO code."}
    )
    theme = fields.String(validate=validate.OneOf(Theme.values()))
    sector = fields.String(validate=validate.OneOf(Sector.values()))
    status = fields.String(
        validate=validate.OneOf(NeedStatus.values()),
        metadata={
            "description": "Drafts only for their country's focal point and the secretariat."
        },
    )


class SuggestedPractice(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The practice's page."})
    title = fields.String(required=True)
    summary = fields.String(required=True)
    language = fields.String(required=True, metadata={"enum": list(LANGUAGES)})
    country = fields.Nested(CountryRef, required=True)


class TransferRef(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The transfer's page."})
    status = fields.Nested(Labelled, required=True)


class SuggestionSchema(Schema):
    practice = fields.Nested(SuggestedPractice, required=True)
    score = fields.Float(
        required=True, metadata={"description": "The matching's score: higher is better."}
    )
    concepts = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "The thesaurus concepts in common, in the reader's language."},
    )
    reasons = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Why it is suggested, as the need's page says it."},
    )
    transfer = fields.Nested(
        TransferRef,
        allow_none=True,
        required=True,
        metadata={"description": "The transfer it became for this need; else null."},
    )


class SuggestionList(Schema):
    items = fields.List(fields.Nested(SuggestionSchema), required=True)
    may_express_interest = fields.Boolean(
        required=True,
        metadata={"description": "This reader may ask for a suggestion (POST …/interests)."},
    )


# Writing ---------------------------------------------------------------------------------


def _text(name: str, **kwargs):
    return fields.String(validate=validate.Length(max=TEXT_LIMITS[name]), **kwargs)


class NeedInput(StrictSchema):
    """The need form's fields. Create: title, description (five words or more) and theme are
    required by the service (422 keyed by field); country_code and language default to the
    caller's, as on the form. Update (PATCH): any subset; the others stay."""

    country_code = fields.String(
        metadata={"description": "A focal point records needs of its own country only."}
    )
    title = _text("title")
    description = _text("description")
    language = fields.String(metadata={"enum": list(LANGUAGES)})
    theme = fields.String(metadata=_codes(Theme))
    sectors = fields.List(fields.String(), metadata={"items": _codes(Sector)})
    population = _text("population")
    outcome = fields.String(allow_none=True, metadata=_codes(StrategicOutcome))
    urgency = fields.String(metadata=_codes(Urgency))
    funding_mode = fields.String(allow_none=True, metadata={"enum": _FUNDING})
    status = fields.String(
        metadata={
            **_codes(NeedStatus),
            "description": "Published needs are seen by every country and receive suggestions "
            "(default: draft).",
        }
    )


class NeedUpdateResult(Schema):
    outcome = fields.String(
        required=True,
        metadata={
            "enum": ["applied", "unchanged"],
            "description": "unchanged: the same values, nothing written.",
        },
    )
    need = fields.Nested(NeedDetail, required=True)


class InterestInput(StrictSchema):
    practice_id = fields.Integer(
        required=True,
        metadata={"description": "A published practice of another country (a suggestion)."},
    )


class InterestResult(Schema):
    created = fields.Boolean(
        required=True,
        metadata={"description": "false: the country had already asked; the same transfer."},
    )
    transfer = fields.Nested(TransferRef, required=True)
