"""Practice forms. They carry and render fields; the rules live in practices.data/service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from kmportal.forms_util import select_choices
from kmportal.languages import LANGUAGE_NAMES
from kmportal.practices.enums import (
    Actor,
    Criterion,
    Sector,
    StrategicOutcome,
    Theme,
)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def language_choices():
    return [(code, label) for code, label in LANGUAGE_NAMES.items()]


class PracticeForm(FlaskForm):
    country_code = SelectField(_l("Country"), choices=[], validate_choice=False)
    title = StringField(_l("Title"))
    summary = TextAreaField(_l("Summary"), description=_l("A paragraph a busy reader will read."))
    description = TextAreaField(_l("Full description"))
    institution = StringField(_l("Implementing institution"))
    theme = SelectField(
        _l("Theme"), choices=select_choices([("", "—"), *Theme.choices()]), validate_choice=False
    )
    sectors = MultiCheckboxField(
        _l("Sectors"), choices=select_choices(Sector.choices()), validate_choice=False
    )
    outcomes = MultiCheckboxField(
        _l("Strategic outcomes of the Initiative"),
        choices=select_choices(StrategicOutcome.choices()),
        validate_choice=False,
    )
    sdg_87 = BooleanField(_l("Contributes to SDG target 8.7"))
    actors = MultiCheckboxField(
        _l("Tripartite actors involved"),
        choices=select_choices(Actor.choices()),
        validate_choice=False,
    )
    population = TextAreaField(_l("Target population"))
    period_start = StringField(_l("From (year)"))
    period_end = StringField(_l("To (year)"), description=_l("Leave empty if it is ongoing."))
    results = TextAreaField(_l("Results and evidence"))
    replication = TextAreaField(_l("Conditions for replication"))
    cost_notes = TextAreaField(_l("Costs"))
    contact = StringField(_l("Contact"))
    language = SelectField(
        _l("Language of this text"),
        choices=select_choices(language_choices()),
        validate_choice=False,
    )
    languages = MultiCheckboxField(
        _l("Material available in"),
        choices=select_choices(language_choices()),
        validate_choice=False,
    )
    tags = StringField(_l("Tags"), description=_l("Separated by commas."))
    activity_ids = MultiCheckboxField(
        _l("Work-plan activities it serves"), choices=[], coerce=str, validate_choice=False
    )
    document = FileField(
        _l("Document (optional)"),
        description=_l(
            "PDF, Office, OpenDocument or an image. It is attached to the draft when you save "
            "it; you can add more documents on the practice's page."
        ),
    )
    submit = SubmitField(_l("Save"))

    def criterion_fields(self):
        return [getattr(self, f"argument_{criterion.value}") for criterion in Criterion]

    def values(self) -> dict:
        """The submitted values in the shape practices.data.clean() takes."""
        data = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "submit", "document") and not name.startswith("argument_")
        }
        data["arguments"] = {
            criterion.value: getattr(self, f"argument_{criterion.value}").data
            for criterion in Criterion
        }
        return data

    def uploaded_document(self):
        """(stream, file name) of the file chosen with the form, or None."""
        upload = self.document.data
        if upload is None or not getattr(upload, "filename", ""):
            return None
        return upload.stream, upload.filename

    def activity_options(self) -> dict:
        """The activity checkboxes by activity id, for the template to place them per result."""
        return {int(option.data): option for option in self.activity_ids}

    def fill(self, values: dict) -> None:
        """Put a practice's snapshot (practices.data.snapshot) into the form."""
        for name, value in values.items():
            if name == "arguments":
                for criterion, argument in value.items():
                    getattr(self, f"argument_{criterion}").data = argument
            elif name == "tags":
                self.tags.data = ", ".join(value)
            elif name == "activity_ids":
                self.activity_ids.data = [str(v) for v in value]
            elif name in self._fields:
                self._fields[name].data = "" if value is None else value


for _criterion in Criterion:
    setattr(
        PracticeForm,
        f"argument_{_criterion.value}",
        TextAreaField(_criterion.label),
    )


SCORE_CHOICES = [("", "—"), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")]


class ValidateForm(FlaskForm):
    """One form: score the seven criteria, comment, then publish or return (the scores are
    kept either way)."""

    comment = TextAreaField(
        _l("Comments for the author"),
        description=_l(
            "Needed to return the practice; kept in the history. Scores given so far are kept "
            "when you return it."
        ),
    )
    publish = SubmitField(_l("Validate and publish"))
    send_back = SubmitField(_l("Return with comments"))

    def scores(self) -> dict:
        return {c.value: getattr(self, f"score_{c.value}").data for c in Criterion}

    def score_fields(self):
        return [(c, getattr(self, f"score_{c.value}")) for c in Criterion]


for _criterion in Criterion:
    setattr(
        ValidateForm,
        f"score_{_criterion.value}",
        SelectField(_criterion.label, choices=select_choices(SCORE_CHOICES), validate_choice=False),
    )


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Comment"))
    accept = SubmitField(_l("Accept the change"))
    reject = SubmitField(_l("Reject the change"))


class ActionForm(FlaskForm):
    """A bare POST with CSRF (submit, archive)."""

    note = TextAreaField(_l("Note (optional)"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("Document"))
    upload = SubmitField(_l("Attach"))
