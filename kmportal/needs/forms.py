"""The need form: it carries and renders fields; the rules live in needs.data and the service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField

from kmportal.forms_util import RecordForm, select_choices
from kmportal.languages import LANGUAGE_NAMES
from kmportal.needs.enums import NEED_FUNDING, NeedStatus, Urgency
from kmportal.practices.enums import Sector, StrategicOutcome, Theme
from kmportal.practices.forms import MultiCheckboxField


def _select(label, pairs, blank: bool = False, **kwargs) -> SelectField:
    choices = [("", "—")] if blank else []
    return SelectField(
        label, choices=select_choices([*choices, *pairs]), validate_choice=False, **kwargs
    )


class NeedForm(RecordForm):
    country_code = SelectField(_l("Country"), choices=[], validate_choice=False)
    title = StringField(_l("What your country needs, in a few words"))
    description = TextAreaField(
        _l("The problem, in your own words"),
        description=_l(
            "What happens, to whom, where, and what has been tried. Write in your language: "
            "suggestions come from practices in any language."
        ),
    )
    language = _select(_l("Language of the text"), LANGUAGE_NAMES.items())
    theme = _select(_l("Theme"), Theme.choices(), blank=True)
    sectors = MultiCheckboxField(
        _l("Sectors"), choices=select_choices(Sector.choices()), validate_choice=False
    )
    population = TextAreaField(_l("Population concerned"))
    outcome = _select(_l("Strategic outcome"), StrategicOutcome.choices(), blank=True)
    urgency = _select(_l("Urgency"), Urgency.choices())
    funding_mode = _select(
        _l("Funding your country can bring"),
        [(mode.value, mode.label) for mode in NEED_FUNDING],
        blank=True,
    )
    status = _select(
        _l("Status"),
        NeedStatus.choices(),
        description=_l("Published needs are seen by every country and receive suggestions."),
    )
