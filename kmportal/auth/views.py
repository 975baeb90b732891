from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from kmportal.auth import service, sessions
from kmportal.auth.forms import ChangePasswordForm, LoginForm
from kmportal.forms_util import apply_errors

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a user off the portal after signing in.
    if target and not urlsplit(target).netloc and target.startswith("/") and "//" not in target:
        return target
    return url_for("mywork.index")  # signing in leads to what awaits the person


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.sign_in(form.email.data, form.password.data, request.remote_addr)
        except service.TooManyAttempts as refused:
            form.form_errors.append(refused.message)
            status = 429
        else:
            if user is None:
                form.password.errors.append(_("Wrong e-mail or password."))
            else:
                login_user(user, remember=form.remember.data)
                flash(_("Welcome, %(name)s.", name=user.name), "success")
                return redirect(_safe_next(request.args.get("next")))
    if form.errors and status == 200:
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    service.sign_out(current_user, request.remote_addr)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        applied = apply_errors(
            form,
            lambda: service.change_password(
                current_user, form.current_password.data, form.new_password.data
            ),
        )
        if applied:
            sessions.renew_current_session(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status
