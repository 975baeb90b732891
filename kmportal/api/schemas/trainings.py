"""The focal points' trainings as the API reads them (kmportal/api/trainings.py)."""

from __future__ import annotations

from marshmallow import Schema, fields

from kmportal.api.schemas.common import CountryRef, Labelled, page_of


class TrainingSummary(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    title = fields.String(required=True)
    provider = fields.String(required=True, metadata={"description": "Organised by."})
    modality = fields.Nested(Labelled, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    hours = fields.Float(allow_none=True, required=True)
    participant_count = fields.Integer(required=True)
    is_demo = fields.Boolean(required=True)


TrainingPage = page_of(
    TrainingSummary,
    "TrainingPage",
    can_create=fields.Boolean(required=True, metadata={"description": "May record one."}),
)


class TrainingParticipantSchema(Schema):
    name = fields.String(required=True)
    country = fields.Nested(CountryRef, required=True)


class TrainingActionsSchema(Schema):
    edit = fields.Boolean(required=True)
    join_self = fields.Boolean(
        required=True, metadata={"description": "May record taking part in it."}
    )
    manage_participants = fields.Boolean(required=True)


class TrainingDetail(TrainingSummary):
    description = fields.String(required=True)
    participants = fields.List(
        fields.Nested(TrainingParticipantSchema),
        allow_none=True,
        required=True,
        metadata={"description": "Who took part: for the Network; null otherwise."},
    )
    actions = fields.Nested(TrainingActionsSchema, required=True)
