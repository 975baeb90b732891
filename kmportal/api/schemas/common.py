"""Shapes every operation shares: the error, the page of a list, and its query arguments."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import RAISE, Schema, fields, validate

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 10_000


class UtcDateTime(fields.DateTime):
    """An RFC 3339 date-time with its offset: the database's naive times are UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class StrictSchema(Schema):
    """Unknown fields are refused (422, keyed by the field), never silently dropped."""

    class Meta:
        unknown = RAISE


class ErrorSchema(Schema):
    status = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    error = fields.String(required=True, metadata={"description": "The status's name."})
    message = fields.String(
        required=True, metadata={"description": "Why, in the reader's language."}
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": "A message per refused field, keyed by the request's own field "
            "names (nested as `arguments.relevance`); empty when the whole request is refused."
        },
    )


class PageArgs(StrictSchema):
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "The page, from 1."},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}."},
    )


class PageSchema(Schema):
    """The envelope of every list: a fixed order (each list says which, ending with the id),
    so that walking the pages neither repeats nor skips an item that did not change."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items on all pages."})
    pages = fields.Integer(required=True)


def page_of(item_schema, name: str, **extra) -> type[Schema]:
    """A list's response schema: PageSchema with `items` of item_schema (and any extra)."""
    attributes = {"items": fields.List(fields.Nested(item_schema), required=True), **extra}
    return PageSchema.from_dict(attributes, name=name)


class Labelled(Schema):
    """A code of a vocabulary and its label in the reader's language."""

    code = fields.String(required=True)
    label = fields.String(required=True)


class CountryRef(Schema):
    code = fields.String(required=True, metadata={"description": "ISO 3166-1 alpha-2."})
    name = fields.String(required=True)


class NextStepSchema(Schema):
    text = fields.String(required=True)
    yours = fields.Boolean(required=True, metadata={"description": "The reader's turn."})
