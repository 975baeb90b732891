"""Transfer, follow-up and training forms. They carry and render fields; the rules live in
transfers.data and the services. Dates are plain text inputs of type "date" so that a bad
date gets the service's message, next to its field, like every other rule."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField

from kmportal.forms_util import RecordForm, select_choices
from kmportal.transfers.enums import (
    FollowUpStage,
    Funder,
    FundingMode,
    Modality,
    Side,
    TrainingModality,
)
from kmportal.transfers.workflow import STEPS


def _select(label, enum_cls, blank: bool = False, **kwargs) -> SelectField:
    pairs = [("", "—")] if blank else []
    return SelectField(
        label,
        choices=select_choices([*pairs, *enum_cls.choices()]),
        validate_choice=False,
        **kwargs,
    )


class TransferForm(RecordForm):
    practice_id = SelectField(_l("Practice"), choices=[], validate_choice=False)
    provider_code = SelectField(
        _l("Country with the experience"), choices=[], validate_choice=False
    )
    recipient_code = SelectField(_l("Interested country"), choices=[], validate_choice=False)
    purpose = TextAreaField(
        _l("What the interested country wants to achieve"),
        description=_l("The problem it faces and what it expects from the exchange."),
    )
    modality = _select(_l("Modality"), Modality)
    partner_name = StringField(
        _l("Cooperation partner"), description=_l("For a triangular transfer.")
    )
    proposed_on = StringField(_l("Proposed on"))
    agreed_on = StringField(_l("Agreed on"))
    start_on = StringField(_l("Exchange starts"))
    end_on = StringField(_l("Exchange ends"))
    transferred_on = StringField(_l("Transferred on"))
    adopted_on = StringField(_l("Adopted on"))
    institutionalised_on = StringField(_l("Institutionalised on"))
    funding_mode = _select(
        _l("Funding mode"),
        FundingMode,
        blank=True,
        description=_l("Needed before the transfer can be agreed."),
    )
    third_party_name = StringField(
        _l("Third party that funds it"), description=_l("For example the ILO or a donor.")
    )
    result_id = SelectField(
        _l("Work-plan result it counts toward"), choices=[], validate_choice=False
    )
    lessons_learned = TextAreaField(_l("Lessons learned"))
    submit = SubmitField(_l("Save"))

    def amount_fields(self):
        return [
            (
                funder,
                getattr(self, f"amount_{funder.value}"),
                getattr(self, f"currency_{funder.value}"),
            )
            for funder in Funder
        ]


for _funder in Funder:
    setattr(
        TransferForm,
        f"amount_{_funder.value}",
        StringField(
            _l("Amount: %(funder)s", funder=_funder.label), render_kw={"inputmode": "decimal"}
        ),
    )
    setattr(
        TransferForm,
        f"currency_{_funder.value}",
        StringField(_l("Currency"), render_kw={"maxlength": 3, "list": "currencies", "size": 4}),
    )


class StepForm(FlaskForm):
    on = StringField(_l("Date"))
    note = TextAreaField(_l("Note for the record (optional)"))
    reason = TextAreaField(_l("Why is it cancelled?"))
    lessons = TextAreaField(
        _l("Lessons learned"), description=_l("What others can learn from it: failures teach too.")
    )

    # The "transferred" step can carry the actor's own country's confirmation.
    confirm = BooleanField(_l("Confirm that the exchange took place"))

    def label_for(self, step_name: str) -> None:
        self.on.label.text = str(STEPS[step_name].date_label)


class ConfirmForm(FlaskForm):
    side = _select(_l("Confirm on behalf of"), Side, blank=True)
    on = StringField(_l("Confirmed on"))
    note = TextAreaField(_l("Note"))
    confirm = SubmitField(_l("Confirm that the exchange took place"))


class FollowUpForm(FlaskForm):
    due_id = HiddenField()
    done_on = StringField(_l("Date of the follow-up"))
    stage = _select(_l("Stage reached"), FollowUpStage, blank=True)
    summary = TextAreaField(_l("What was done"))
    evidence = MultipleFileField(_l("Evidence (documents, photos)"))
    next_step = TextAreaField(_l("Next step"))
    next_due_on = StringField(_l("Next step due on"))
    submit = SubmitField(_l("Record the follow-up"))

    def values(self) -> dict:
        return {
            "done_on": self.done_on.data,
            "stage": self.stage.data,
            "summary": self.summary.data,
            "next_step": self.next_step.data,
            "next_due_on": self.next_due_on.data,
        }


class EvidenceForm(FlaskForm):
    file = FileField(_l("Evidence"))
    upload = SubmitField(_l("Attach"))


class TrainingForm(RecordForm):
    title = StringField(_l("Title"))
    provider = StringField(_l("Organised by"), description=_l("For example ILO/ITC Turin."))
    modality = _select(_l("Modality"), TrainingModality)
    starts_on = StringField(_l("Starts on"))
    ends_on = StringField(_l("Ends on"))
    hours = StringField(_l("Hours"), render_kw={"inputmode": "decimal"})
    description = TextAreaField(_l("Description"))
    submit = SubmitField(_l("Save"))


class ParticipantForm(FlaskForm):
    user_id = SelectField(_l("Focal point"), choices=[], validate_choice=False)
    add = SubmitField(_l("Record participation"))


class ActionForm(FlaskForm):
    """A bare POST with CSRF."""
