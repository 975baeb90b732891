"""The token form: it carries and renders fields; the rules live in the service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField

from kmportal.forms_util import select_choices
from kmportal.tokens.models import Scope


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"), description=_l("What the token is for, such as “Monthly report script”.")
    )
    scope = SelectField(
        _l("Access"), choices=select_choices(Scope.choices()), validate_choice=False
    )
    # Plain text of type "date": a bad date gets the service's message, next to the field.
    expires_on = StringField(
        _l("Expires on"),
        description=_l(
            "The token stops working on this day (00:00 UTC). At most a year from today; "
            "90 days if left empty."
        ),
    )
    submit = SubmitField(_l("Create token"))

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "scope": self.scope.data,
            "expires_on": self.expires_on.data or None,
        }
