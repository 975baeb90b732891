"""The secretariat's account management: list, open, change, deactivate, reset password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kmportal.auth import service
from kmportal.auth.forms import ResetPasswordForm, UserForm
from kmportal.forms_util import apply_errors, select_choices
from kmportal.reference import queries as reference

bp = Blueprint("users", __name__, url_prefix="/users", template_folder="templates")


def _user_form(**kwargs) -> UserForm:
    form = UserForm(**kwargs)
    locale = str(get_locale())
    form.country.choices = select_choices(
        [("", "—")] + [(c.code, c.name(locale)) for c in reference.member_countries()]
    )
    return form


@bp.route("/")
@login_required
def index():
    return render_template("auth/users.html", users=service.list_users(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    service.require_secretariat(current_user)
    form = _user_form()
    if form.validate_on_submit():
        created = apply_errors(
            form,
            lambda: service.invite_user(
                current_user,
                form.email.data or "",
                form.name.data or "",
                form.role.data,
                form.country.data or None,
                form.language.data,
            ),
        )
        if created:
            user, password = created
            return render_template("auth/provisional_password.html", user=user, password=password)
    return render_template("auth/user_form.html", form=form, user=None), (
        422 if form.errors else 200
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    user = service.get_user(current_user, user_id)
    form = _user_form(obj=None)
    if not form.is_submitted():
        form.role.data, form.country.data = user.role.value, user.country_code or ""
        form.language.data, form.active.data = user.language, user.active
    if form.validate_on_submit():
        done = apply_errors(
            form,
            lambda: service.update_user(
                current_user,
                user,
                form.role.data,
                form.country.data or None,
                form.language.data,
                bool(form.active.data),
            ),
        )
        if done:
            flash(_("The account is saved."), "success")
            return redirect(url_for(".index"))
    return render_template(
        "auth/user_form.html", form=form, user=user, reset_form=ResetPasswordForm()
    ), 422 if form.errors else 200


@bp.route("/<int:user_id>/password", methods=["POST"])
@login_required
def reset_password(user_id: int):
    user = service.get_user(current_user, user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return redirect(url_for(".edit", user_id=user.id))
    password = service.reset_password(current_user, user)
    return render_template("auth/provisional_password.html", user=user, password=password)
