"""The notifications page, preferences, and the password reset pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from kmportal.errors import NotFound, ValidationError
from kmportal.extensions import db
from kmportal.forms_util import apply_errors
from kmportal.notifications import reset, service
from kmportal.notifications.forms import ForgotPasswordForm, NewPasswordForm
from kmportal.notifications.kinds import KINDS
from kmportal.notifications.models import MODES

bp = Blueprint("notifications", __name__, template_folder="templates")
password_bp = Blueprint("password", __name__, template_folder="templates")


@bp.route("/notifications")
@login_required
def index():
    items = [
        (n, service.text(n), format_datetime(n.created_at, "medium"))
        for n in service.for_user(current_user)
    ]
    return render_template("notifications/list.html", items=items)


@bp.route("/notifications/<notification_id>/read", methods=["POST"])
@login_required
def read(notification_id):
    try:
        notification = service.mark_read(current_user, notification_id)
    except NotFound:
        abort(404)
    if request.form.get("open") and notification.link:
        return redirect(notification.link)
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    service.mark_all_read(current_user)
    flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    status, errors = 200, {}
    chosen = service.preferences(current_user)
    if request.method == "POST":
        form = request.form.items()
        values = {k.removeprefix("kind-"): v for k, v in form if k.startswith("kind-")}
        try:
            service.set_preferences(current_user, values)
        except ValidationError as error:
            db.session.rollback()
            errors, status = error.errors, 422
            flash(_("Nothing was changed: %(reason)s", reason=error.message), "error")
        else:
            flash(_("Your notification choices are saved."), "success")
            return redirect(url_for("notifications.preferences"))
    kinds = [(name, KINDS[name].label, chosen[name]) for name in chosen]
    return render_template(
        "notifications/preferences.html", kinds=kinds, modes=MODES, errors=errors
    ), status


@password_bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same page whether the address has an account or not (the mail goes out after
        # the commit, sending.py, or with the next `flask notify send`).
        apply_errors(form, lambda: reset.request_reset(form.email.data))
        if not form.errors:
            return render_template("notifications/forgot_sent.html")
    status = 422 if form.errors else 200
    return render_template("notifications/forgot.html", form=form), status


@password_bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        reset.user_for(token)
    except ValidationError as error:
        return render_template("notifications/reset_invalid.html", reason=error.message), 400
    form = NewPasswordForm()
    if form.validate_on_submit() and apply_errors(
        form, lambda: reset.reset_password(token, form.new_password.data)
    ):
        if current_user.is_authenticated:
            logout_user()
        flash(_("Your password has been changed: sign in with it."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("notifications/reset.html", form=form), status
