from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from kmportal.auth.models import Role
from kmportal.forms_util import select_choices
from kmportal.languages import LANGUAGES, OWN_NAMES

REQUIRED = _l("This field is required.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


LANGUAGE_CHOICES = [(code, OWN_NAMES[code]) for code in LANGUAGES]


class UserForm(FlaskForm):
    """Creating (email and name) or changing an account (role, country, language, active)."""

    email = EmailField(_l("E-mail"), validators=[Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=120)])
    role = SelectField(_l("Role"), choices=select_choices(Role.choices()), validate_choice=False)
    country = SelectField(_l("Country (focal points)"), choices=[], validate_choice=False)
    language = SelectField(
        _l("Language"), choices=select_choices(LANGUAGE_CHOICES), validate_choice=False
    )
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class ResetPasswordForm(FlaskForm):
    reset = SubmitField(_l("Give a new provisional password"))
