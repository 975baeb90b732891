from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = _l("This field is required.")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
    )
    submit = SubmitField(_l("Set the new password"))
