"""Transfers, their confirmations and follow-ups, as the API reads and writes them (the
trainings: schemas/trainings.py). The input fields are named like the forms' and the services'
(kmportal/transfers/data.py, followups.py, confirmations.py), so a refusal is keyed by the
field that was sent; the rules themselves (required fields, dates in order, currencies) are
the services', which answer 422 by field."""

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
from kmportal.practices.enums import Theme
from kmportal.transfers import data as transfer_data
from kmportal.transfers import followups
from kmportal.transfers.enums import (
    FollowUpStage,
    Funder,
    FundingMode,
    Modality,
    Side,
    TransferStatus,
)
from kmportal.transfers.next_step import (
    ADOPT,
    AGREE,
    CANCELLED,
    COMPLETE,
    CONFIRM,
    DONE,
    FOLLOW_UP_DUE,
    FOLLOW_UP_OVERDUE,
    INSTITUTIONALISE,
    START,
)
from kmportal.transfers.workflow import STEPS

NEXT_STEP_KINDS = [
    AGREE,
    START,
    COMPLETE,
    CONFIRM,
    FOLLOW_UP_DUE,
    FOLLOW_UP_OVERDUE,
    ADOPT,
    INSTITUTIONALISE,
    DONE,
    CANCELLED,
]
COUNTRY_CODE = validate.Regexp(r"^[A-Za-z]{2}$")


def _codes(enum) -> dict:
    return {"enum": enum.values()}


def _nullable_date(description: str = "") -> fields.Date:
    return fields.Date(
        allow_none=True, required=True, metadata={"description": description} if description else {}
    )


# Reading ---------------------------------------------------------------------------------


class TransferListArgs(PageArgs):
    """The transfer list page's filters (kmportal/transfers/queries.py TransferFilters)."""

    country = fields.String(
        validate=COUNTRY_CODE, metadata={"description": "ISO code, as either country."}
    )
    provider = fields.String(
        validate=COUNTRY_CODE, metadata={"description": "The country with the experience."}
    )
    recipient = fields.String(
        validate=COUNTRY_CODE, metadata={"description": "The interested country."}
    )
    status = fields.String(validate=validate.OneOf(TransferStatus.values()))
    funding = fields.String(validate=validate.OneOf(FundingMode.values()))
    modality = fields.String(validate=validate.OneOf(Modality.values()))
    theme = fields.String(validate=validate.OneOf(Theme.values()))
    counted = fields.String(
        validate=validate.OneOf(["yes", "no"]),
        metadata={"description": "Whether it counts toward the current target."},
    )
    result = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "A work-plan result's id."},
    )


class TransferPractice(Schema):
    id = fields.Integer(required=True)
    title = fields.String(
        required=True,
        metadata={"description": "“Practice withdrawn” for a reader who may not read it."},
    )
    language = fields.String(allow_none=True, required=True, metadata={"enum": [*LANGUAGES, None]})
    readable = fields.Boolean(required=True)
    url = fields.String(
        allow_none=True, required=True, metadata={"description": "Its page; null if withdrawn."}
    )


class ResultRef(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    text = fields.String(required=True)


class TransferSummary(Schema):
    """What the transfer list shows of each transfer (the record itself is public)."""

    id = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "The transfer's page."})
    practice = fields.Nested(TransferPractice, required=True)
    provider = fields.Nested(CountryRef, required=True)
    recipient = fields.Nested(CountryRef, required=True)
    origin = fields.Nested(Labelled, required=True)
    status = fields.Nested(Labelled, required=True)
    modality = fields.Nested(Labelled, required=True)
    partner_name = fields.String(required=True)
    funding_mode = fields.Nested(
        Labelled, allow_none=True, required=True, metadata={"description": "Null until agreed."}
    )
    third_party_name = fields.String(required=True)
    result = fields.Nested(ResultRef, allow_none=True, required=True)
    proposed_on = fields.Date(required=True)
    agreed_on = _nullable_date()
    start_on = _nullable_date("The exchange starts (may be planned ahead).")
    end_on = _nullable_date("The exchange ends (may be planned ahead).")
    transferred_on = _nullable_date()
    adopted_on = _nullable_date()
    institutionalised_on = _nullable_date()
    cancelled_on = _nullable_date()
    fully_confirmed_on = _nullable_date("The day the second country confirmed.")
    counts = fields.Boolean(
        required=True, metadata={"description": "Counts toward the current target."}
    )
    is_demo = fields.Boolean(required=True)
    updated_at = UtcDateTime(required=True)


class TransferListActions(Schema):
    follow_ups = fields.Boolean(
        required=True, metadata={"description": "May read the follow-ups due."}
    )
    record = fields.Boolean(
        required=True, metadata={"description": "May record a transfer between any countries."}
    )


TransferPage = page_of(
    TransferSummary,
    "TransferPage",
    actions=fields.Nested(TransferListActions, required=True),
)


class TransferAmount(Schema):
    funder = fields.String(required=True, metadata=_codes(Funder))
    label = fields.String(required=True)
    amount = fields.String(required=True, metadata={"description": "Decimal, e.g. 1500.00."})
    currency = fields.String(required=True, metadata={"description": "ISO 4217."})


class TransferConfirmationSchema(Schema):
    """One country's confirmation: whether and when for everyone; by whom, on whose behalf
    and the note for the Network only (empty or null otherwise)."""

    side = fields.String(required=True, metadata=_codes(Side))
    label = fields.String(required=True)
    country = fields.Nested(CountryRef, required=True)
    confirmed_on = _nullable_date("Null while the country has not confirmed.")
    by = fields.String(allow_none=True, required=True)
    on_behalf = fields.Boolean(
        required=True, metadata={"description": "Confirmed by the secretariat on its behalf."}
    )
    note = fields.String(required=True)


class FollowUpEvidence(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "Bytes."})
    url = fields.String(required=True)


class FollowUpSchema(Schema):
    """A follow-up: done (a stage reached, what was done, evidence) or still due."""

    id = fields.Integer(required=True)
    kind = fields.String(
        required=True,
        metadata={"enum": ["follow_up", "due"], "description": "Recorded, or still due."},
    )
    due_on = _nullable_date()
    overdue = fields.Boolean(required=True)
    scheduled_months = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Scheduled this many months after the transfer."},
    )
    planned = fields.String(required=True, metadata={"description": "The step that is due."})
    done_on = _nullable_date()
    stage = fields.Nested(Labelled, allow_none=True, required=True)
    summary = fields.String(required=True)
    next_step = fields.String(required=True)
    next_due_on = _nullable_date()
    recorded_by = fields.String(allow_none=True, required=True)
    recorded_at = UtcDateTime(allow_none=True, required=True)
    evidence = fields.List(fields.Nested(FollowUpEvidence), required=True)


FollowUpPage = page_of(FollowUpSchema, "FollowUpPage")


class TransferActionsSchema(Schema):
    edit = fields.Boolean(required=True)
    confirm = fields.Boolean(
        required=True, metadata={"description": "A country is left for this reader to confirm."}
    )
    follow_up = fields.Boolean(required=True)
    confirm_with_complete = fields.Nested(
        CountryRef,
        allow_none=True,
        required=True,
        metadata={"description": "The country the `complete` step may confirm for (confirm)."},
    )


class TransferNextStep(NextStepSchema):
    kind = fields.String(required=True, metadata={"enum": NEXT_STEP_KINDS})
    countries = fields.List(
        fields.Nested(CountryRef),
        required=True,
        metadata={"description": "The countries that must act; none: the secretariat."},
    )
    due_on = _nullable_date("When a follow-up is due.")


class TransferDetail(TransferSummary):
    """One transfer as its page shows it to this reader: amounts, who confirmed and why, and
    the follow-ups only for the Network (`full`)."""

    purpose = fields.String(required=True)
    cancel_reason = fields.String(allow_none=True, required=True)
    lessons_learned = fields.String(required=True)
    full = fields.Boolean(
        required=True,
        metadata={"description": "The reader sees amounts, confirmations' notes, follow-ups."},
    )
    amounts = fields.List(fields.Nested(TransferAmount), required=True)
    confirmations = fields.List(fields.Nested(TransferConfirmationSchema), required=True)
    awaits_exchange = fields.Boolean(
        required=True, metadata={"description": "The countries confirm once it took place."}
    )
    follow_ups = fields.List(fields.Nested(FollowUpSchema), required=True)
    steps = fields.List(
        fields.String(metadata={"enum": list(STEPS)}),
        required=True,
        metadata={"description": "The workflow steps this reader may take now."},
    )
    actions = fields.Nested(TransferActionsSchema, required=True)
    next_step = fields.Nested(TransferNextStep, required=True)


class TransferUpdateResult(Schema):
    outcome = fields.String(required=True, metadata={"enum": ["applied", "unchanged"]})
    transfer = fields.Nested(TransferDetail, required=True)


# Writing ---------------------------------------------------------------------------------


def _text(name: str, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=transfer_data.TEXT_LIMITS[name]), **kwargs)


def _amount_fields() -> dict:
    attributes = {}
    for funder in Funder:
        attributes[f"amount_{funder.value}"] = fields.String(
            allow_none=True,
            metadata={"description": f"The {funder.value} amount, as text: 1500 or 1500.50."},
        )
        attributes[f"currency_{funder.value}"] = fields.String(
            allow_none=True, metadata={"description": "ISO 4217 code of that amount."}
        )
    return attributes


class _TransferFields(StrictSchema):
    provider_code = fields.String(
        metadata={"description": "The country with the experience; the practice's by default."}
    )
    recipient_code = fields.String(
        metadata={"description": "The interested country (a request's is the asker's own)."}
    )
    purpose = _text("purpose")
    modality = fields.String(metadata=_codes(Modality))
    partner_name = _text("partner_name", metadata={"description": "For a triangular one."})
    proposed_on = fields.Date()
    start_on = fields.Date(allow_none=True)
    end_on = fields.Date(allow_none=True)
    funding_mode = fields.String(
        allow_none=True,
        metadata={**_codes(FundingMode), "description": "Needed before it can be agreed."},
    )
    third_party_name = _text("third_party_name")
    result_id = fields.Integer(
        allow_none=True, metadata={"description": "The work-plan result it counts toward."}
    )
    lessons_learned = _text("lessons_learned")


TransferFields = _TransferFields.from_dict(_amount_fields(), name="TransferFields")


class TransferInput(TransferFields):
    """A proposal: the practice (published), the countries, and the exchange's details. The
    service refuses by field what a proposal lacks or may not name."""

    practice_id = fields.Integer(metadata={"description": "A published practice."})


class TransferUpdate(TransferFields):
    """Some of a transfer's fields (the others stay). The dates set by a step may be
    corrected once set, never cleared."""

    agreed_on = fields.Date(allow_none=True)
    transferred_on = fields.Date(allow_none=True)
    adopted_on = fields.Date(allow_none=True)
    institutionalised_on = fields.Date(allow_none=True)


class StepInput(StrictSchema):
    step = fields.String(required=True, validate=validate.OneOf(list(STEPS)))
    on = fields.Date(metadata={"description": "When it happened; today unless given."})
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "Why it is cancelled (cancel)."},
    )
    lessons = fields.String(
        load_default="",
        validate=validate.Length(max=transfer_data.TEXT_LIMITS["lessons_learned"]),
        metadata={"description": "Lessons learned (cancel)."},
    )
    confirm = fields.Boolean(
        load_default=False,
        metadata={"description": "complete: also confirm for the focal point's own country."},
    )


class ConfirmationInput(StrictSchema):
    side = fields.String(
        allow_none=True,
        validate=validate.OneOf(Side.values()),
        metadata={"description": "The secretariat names the country it confirms for."},
    )
    on = fields.Date(metadata={"description": "Today unless given."})
    note = fields.String(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "Required of the secretariat: on what grounds."},
    )


class FollowUpInput(StrictSchema):
    due_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The due follow-up this answers; the earliest due otherwise."},
    )
    done_on = fields.Date(metadata={"description": "Today unless given."})
    stage = fields.String(metadata=_codes(FollowUpStage))
    summary = fields.String(validate=validate.Length(max=followups.TEXT_LIMITS["summary"]))
    next_step = fields.String(validate=validate.Length(max=followups.TEXT_LIMITS["next_step"]))
    next_due_on = fields.Date(allow_none=True)
